#!/bin/sh
# tests/e2e/run_errors.sh — `rigor run` refuses bad plans before any load (exit 2, "FILE: key:
# problem", one case per kind of error, no start command run), and fails clearly when a target
# cannot start or never becomes ready (one line: its name, its last output; exit 2), leaving
# no process behind.
. "$(dirname "$0")/lib.sh"

port=$(t_port)
S="\"start\": \"touch $T_DIR/started; exec rigor serve --listen 127.0.0.1:$port --quiet\""
U="\"url\": \"http://127.0.0.1:$port/\""

# bad NAME 'PLAN JSON' 'EXPECTED MESSAGE'
bad() {
    printf '%s\n' "$2" >"$T_DIR/bad.json"
    rm -f "$T_DIR/started"
    t_run "rejected: $1" 2 "$RIGOR" run "$T_DIR/bad.json" -o "$T_DIR/bad-ds.json"
    t_has "message: $1" "$T_ERR" "$3"
    if [ -e "$T_DIR/started" ] || [ -e "$T_DIR/bad-ds.json" ]; then
        t_fail "nothing started or written: $1"
    fi
}

bad "not JSON" '{"runs": 3,' "rigor run: $T_DIR/bad.json:2:"
bad "unknown key" "{\"concurrency\": [1], \"warmup2\": \"1s\", \"targets\": [{$U, $S}]}" \
    "rigor run: $T_DIR/bad.json: warmup2: unknown key"
bad "unknown target key" "{\"concurrency\": [1], \"targets\": [{$U, $S, \"ready_url\": \"x\"}]}" \
    "bad.json: targets[0].ready_url: unknown key"
bad "bad duration" "{\"duration\": \"10x\", \"concurrency\": [1], \"targets\": [{$U, $S}]}" \
    "bad.json: duration: invalid duration '10x'"
bad "duplicate names" "{\"concurrency\": [1], \"targets\": [{\"name\": \"x\", $U, $S}, {\"name\": \"x\", $U}]}" \
    "bad.json: targets[1].name: duplicate name \"x\" (also targets[0])"
bad "missing URL" "{\"concurrency\": [1], \"targets\": [{\"name\": \"x\", $U, $S}, {\"name\": \"y\"}]}" \
    "bad.json: targets[1].url: missing"
bad "https URL" "{\"concurrency\": [1], \"targets\": [{\"url\": \"https://127.0.0.1/\"}]}" \
    "targets[0].url: https is not supported"
bad "URL with a #fragment" "{\"concurrency\": [1], \"targets\": [{\"url\": \"http://127.0.0.1:$port/x#frag\", $S}]}" \
    "bad.json: targets[0].url: invalid URL 'http://127.0.0.1:$port/x#frag': user info and #fragments are not allowed"
printf '%s\n' "{\"concurrency\": [1], \"targets\": [{\"url\": \"http://127.0.0.1:$port/x#frag\", $S}]}" >"$T_DIR/frag.json"
t_run "dry run rejects a #fragment URL" 2 "$RIGOR" run --dry-run "$T_DIR/frag.json"
bad "bad threshold" "{\"concurrency\": [1], \"thresholds\": [\"p98 < 1ms\"], \"targets\": [{$U, $S}]}" \
    "bad.json: thresholds[0]: unknown metric 'p98'"
bad "threshold without unit" "{\"concurrency\": [1], \"targets\": [{$U, $S, \"thresholds\": [\"p99 < 200\"]}]}" \
    "targets[0].thresholds[0]: bad limit in 'p99 < 200': latency limit '200' needs a unit"
bad "no sweep" "{\"targets\": [{$U, $S}]}" "bad.json: concurrency: missing"
bad "bad concurrency" "{\"concurrency\": [1, -4], \"targets\": [{$U, $S}]}" \
    "bad.json: concurrency[1]: expected a positive integer"
bad "bad order" "{\"concurrency\": [1], \"order\": \"random\", \"targets\": [{$U, $S}]}" \
    "bad.json: order: expected interleaved, sequential or grouped"
bad "runs out of range" "{\"concurrency\": [1], \"runs\": 0, \"targets\": [{$U, $S}]}" \
    "bad.json: runs: 0 is out of range"
free=$(t_port)
bad "unreachable target" "{\"concurrency\": [1], \"targets\": [{$U, $S}, {\"name\": \"gone\", \"url\": \"http://127.0.0.1:$free/\"}]}" \
    "bad.json: targets[1] (gone): http://127.0.0.1:$free/ does not answer"

# Options.
t_run "no plan" 2 "$RIGOR" run
t_has "... says so" "$T_ERR" "missing the plan file"
t_run "missing plan file" 2 "$RIGOR" run "$T_DIR/nope.json"
t_has "... names it" "$T_ERR" "nope.json"
t_run "--resume without -o" 2 "$RIGOR" run "$T_DIR/bad.json" --resume
t_run "unknown option" 2 "$RIGOR" run --frobnicate "$T_DIR/bad.json"
printf '{"concurrency": [1], "targets": [{"name": "a", "url": "http://127.0.0.1:1/"}]}\n' >"$T_DIR/one.json"
t_run "--baseline naming no target" 2 "$RIGOR" run "$T_DIR/one.json" --baseline zz
t_has "... says so" "$T_ERR" "--baseline: no target of $T_DIR/one.json is named 'zz'"
t_run "--confidence out of range" 2 "$RIGOR" run "$T_DIR/one.json" --confidence 2
t_run "two plan files" 2 "$RIGOR" run "$T_DIR/one.json" "$T_DIR/one.json"
t_run "--help" 0 "$RIGOR" run --help
t_has "--help documents the plan format" "$T_OUT" "docs/plan-format.md"
t_run "help run" 0 "$RIGOR" help run

# A port already taken: the old server would be measured instead, so refuse.
t_bg "$RIGOR" serve --listen "127.0.0.1:$port" --quiet
t_wait_http "http://127.0.0.1:$port/" 10 || t_fail "squatter answers"
bad "port already answering" "{\"concurrency\": [1], \"targets\": [{\"name\": \"new\", $U, $S}]}" \
    "targets[0] (new): something already answers at http://127.0.0.1:$port/ before its start command ran"
kill "$T_LAST"; wait "$T_LAST" 2>/dev/null

# The dataset must be writable before any load.
printf '{"concurrency": [1], "duration": "300ms", "targets": [{%s, %s}]}\n' "$U" "$S" >"$T_DIR/ok.json"
rm -f "$T_DIR/started"
t_run "unwritable -o is refused before any load" 2 "$RIGOR" run "$T_DIR/ok.json" -o "$T_DIR/ok.json/dir/ds.json"
t_has "... with the reason" "$T_ERR" "Not a directory"

# A start command that fails: the target's name, the exit, its stderr; the other server stopped.
p2=$(t_port)
cat >"$T_DIR/fail.json" <<EOF
{"duration": "300ms", "runs": 1, "concurrency": [1],
 "targets": [
  {"name": "good", "url": "http://127.0.0.1:$p2/",
   "start": "echo \$\$ > $T_DIR/good.pid; exec rigor serve --listen 127.0.0.1:$p2 --quiet"},
  {"name": "broken", "url": "http://127.0.0.1:$port/",
   "start": "echo 'fatal: no config file' >&2; exit 7"}]}
EOF
t_run "failing start command: exit 2 (before any load)" 2 "$RIGOR" run "$T_DIR/fail.json" -o "$T_DIR/fail-ds.json" -q
t_has "... names the target and the exit" "$T_ERR" "target broken: its start command exited with status 7"
t_has "... quotes its last output line" "$T_ERR" 'its output ends: "fatal: no config file"'
if [ "$(wc -l < "$T_ERR")" -eq 1 ]; then t_ok "... in one line"; else t_fail "... in one line" "$(cat "$T_ERR")"; fi
pid=$(cat "$T_DIR/good.pid" 2>/dev/null)
if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then t_ok "... and the other server is stopped"
else t_fail "... and the other server is stopped" "pid '$pid'"; fi

# A start command that never becomes ready: timeout, output quoted, process group killed.
cat >"$T_DIR/slow.json" <<EOF
{"duration": "300ms", "runs": 1, "concurrency": [1], "ready_timeout": "600ms", "stop_grace": "200ms",
 "targets": [{"name": "sleepy", "url": "http://127.0.0.1:$port/",
   "start": "echo \$\$ > $T_DIR/sleepy.pid; echo 'loading models...'; sleep 30 & echo \$! > $T_DIR/sleepy-child.pid; trap '' TERM; wait"}]}
EOF
t_run "never ready: exit 2 (before any load)" 2 "$RIGOR" run "$T_DIR/slow.json" -o "$T_DIR/slow-ds.json" -q
t_has "... names the target and the timeout" "$T_ERR" "target sleepy: http://127.0.0.1:$port/ did not answer within"
t_has "... quotes its last output line" "$T_ERR" 'its output ends: "loading models..."'
if [ "$(wc -l < "$T_ERR")" -eq 1 ]; then t_ok "... in one line"; else t_fail "... in one line" "$(cat "$T_ERR")"; fi
for f in sleepy sleepy-child; do
    pid=$(cat "$T_DIR/$f.pid" 2>/dev/null)
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then t_ok "no orphan: $f ($pid) is gone"
    else t_fail "no orphan: $f is gone" "pid '$pid' alive"; fi
done

# A server that dies in the middle of the plan (once two runs are saved): named, exit 1,
# finished runs kept, resumable.
p3=$(t_port)
cat >"$T_DIR/dies.json" <<EOF
{"duration": "300ms", "warmup": 0, "runs": 8, "concurrency": [1], "order": "sequential",
 "targets": [{"name": "mortal", "url": "http://127.0.0.1:$p3/",
   "start": "rigor serve --listen 127.0.0.1:$p3 --quiet & s=\$!; until [ \$(grep -cs throughput_rps $T_DIR/dies-ds.json) -ge 2 ]; do sleep 0.02; done; kill -9 \$s; echo 'about to crash' >&2; exit 5"}]}
EOF
t_run "server dying mid-plan" 1 "$RIGOR" run "$T_DIR/dies.json" -o "$T_DIR/dies-ds.json" -q
t_has "... names the target and how it ended" "$T_ERR" "target mortal: its server exited during the plan (it exited with status 5)"
t_has "... quotes its output" "$T_ERR" "| about to crash"
t_has "... says how to continue" "$T_ERR" "--resume"

t_done
