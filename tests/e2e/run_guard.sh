#!/bin/sh
# tests/e2e/run_guard.sh — servers started by `rigor run` never outlive it: after a SIGKILL of
# rigor, a server that is a grandchild of the start shell and one that left its process group
# (setsid ... &) both stop; at a normal end the one that left its group is stopped and named;
# a port that still answers after a stop is reported with the process that holds it.
. tests/e2e/lib.sh
. tests/e2e/load_lib.inc
D=$T_DIR
R=$(command -v "$RIGOR" || echo "$RIGOR")

answers() { curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$1/"; }

# until_gone PORT...: 0 once none of the ports answers (10 s at most)
until_gone() {
    i=0
    while [ $i -lt 100 ]; do
        left=0
        for p in "$@"; do answers "$p" && left=1; done
        [ $left -eq 0 ] && return 0
        sleep 0.1; i=$((i + 1))
    done
    return 1
}

# kill_port PORT: the test's own cleanup of a server it may have failed to see stopped
kill_port() {
    for pid in $(ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | cut -d= -f2); do
        kill -9 "$pid" 2>/dev/null
    done
}

pa=$(t_port); pb=$(t_port); pc=$(t_port)
cat > "$D/plan.json" <<EOF
{"duration": "60s", "warmup": 0, "runs": 1, "concurrency": [1], "order": "interleaved",
 "targets": [
  {"name": "grandchild", "url": "http://127.0.0.1:$pa/",
   "start": "rigor serve --listen 127.0.0.1:$pa -q; exit 0"},
  {"name": "setsid", "url": "http://127.0.0.1:$pb/",
   "start": "setsid rigor serve --listen 127.0.0.1:$pb -q </dev/null >/dev/null 2>&1 & exec sleep 600"}]}
EOF

# SIGKILL in the middle of the plan: both servers stop (the watchdog).
t_bg "$RIGOR" run "$D/plan.json" -o "$D/ds.json" -q
RUN=$T_LAST
t_wait_http "http://127.0.0.1:$pa/" 10 && t_wait_http "http://127.0.0.1:$pb/" 10 ||
    t_fail "the plan's servers did not start"
sleep 0.5
kill -9 "$RUN"
wait "$RUN" 2>/dev/null
if until_gone "$pa" "$pb"; then
    t_ok "SIGKILL of rigor run: its servers (grandchild, setsid) stop"
else
    t_fail "SIGKILL of rigor run: its servers (grandchild, setsid) stop" \
        "still answering: $(answers "$pa" && echo "$pa") $(answers "$pb" && echo "$pb")"
fi
kill_port "$pa"; kill_port "$pb"
answers "$pa" || answers "$pb" && t_fail "ports free for --resume" || t_ok "ports free for --resume"

# A normal end: the server that left its group is stopped and named.
cat > "$D/short.json" <<EOF
{"duration": "300ms", "warmup": 0, "runs": 1, "concurrency": [1],
 "targets": [{"name": "setsid", "url": "http://127.0.0.1:$pb/",
   "start": "setsid rigor serve --listen 127.0.0.1:$pb -q </dev/null >/dev/null 2>&1 & exec sleep 600"}]}
EOF
t_run "plan with a server that leaves its group" 0 "$RIGOR" run "$D/short.json" -o "$D/short-ds.json"
t_has "... named when stopped" "$T_ERR" "target setsid: 1 process it started had left its process group"
if answers "$pb"; then t_fail "... and stopped" "port $pb still answers"; kill_port "$pb"
else t_ok "... and stopped"; fi

# A server the plan cannot recognize (it cleared its environment): the port still answers
# after the stop, and the warning names the process holding it.
cat > "$D/alien.json" <<EOF
{"duration": "300ms", "warmup": 0, "runs": 1, "concurrency": [1],
 "targets": [{"name": "alien", "url": "http://127.0.0.1:$pc/",
   "start": "setsid env -i $R serve --listen 127.0.0.1:$pc -q </dev/null >/dev/null 2>&1 & exec sleep 600"}]}
EOF
t_run "plan with a server that hides" 0 "$RIGOR" run "$D/alien.json" -o "$D/alien-ds.json"
t_has "... the port still answering is reported" "$T_ERR" "target alien: http://127.0.0.1:$pc/ still answers after its server was stopped: port $pc is held by process"
t_has "... with the process name" "$T_ERR" "(rigor), which this plan did not start; left running"
kill_port "$pc"
t_done
