#!/bin/sh
# tests/e2e/capture_live.sh — `rigor capture -i lo` while ab and curl drive a private nginx:
# the capture drops root to nobody after opening the device (checked in /proc while it runs),
# SIGINT ends it cleanly with the log, the saved packets (-w) and the dataset (written by the
# privileged parent) all holding every request the clients completed; --duration stops by
# itself. Needs root: skipped otherwise.
. tests/e2e/lib.sh
. tests/fixtures/capture/nginx.sh
if [ "$(id -u)" -ne 0 ]; then echo "ok 1 - # SKIP live capture needs root"; echo "1..1"; exit 0; fi
port=$(t_port)
cap_nginx "$T_DIR/ngx" "$port" || { t_fail "nginx starts"; t_done; exit 1; }

: > "$T_DIR/err"
"$RIGOR" capture -i lo -f "tcp port $port" --log "$T_DIR/live.jsonl" -w "$T_DIR/live.pcap" \
    -o "$T_DIR/ds.json" --label nginx >"$T_DIR/out" 2>"$T_DIR/err" &
cap=$!
T_PIDS="$T_PIDS $cap"
i=0; while ! grep -q "dropped privileges" "$T_DIR/err" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
t_has "logs the privilege drop" "$T_DIR/err" "dropped privileges to nobody (uid 65534"
child=$(ps -o pid= --ppid "$cap" | tr -d ' ' | head -1)
if [ -n "$child" ] && grep -Eq '^Uid:[[:space:]]+65534[[:space:]]+65534[[:space:]]+65534' "/proc/$child/status"; then
    t_ok "the capturing process runs as nobody"
else
    t_fail "the capturing process runs as nobody" "child '$child': $(grep Uid "/proc/$child/status" 2>&1)"
fi
grep -Eq '^Uid:[[:space:]]+0[[:space:]]' "/proc/$cap/status" && t_ok "the parent keeps root to save the dataset" ||
    t_fail "parent uid"

ab -q -n 400 -c 4 "http://127.0.0.1:$port/" > "$T_DIR/ab1" 2>&1
ab -q -k -n 600 -c 8 "http://127.0.0.1:$port/" > "$T_DIR/ab2" 2>&1
curl -s -o /dev/null "http://[::1]:$port/big"
n1=$(awk '/^Complete requests/ {print $3}' "$T_DIR/ab1")
n2=$(awk '/^Complete requests/ {print $3}' "$T_DIR/ab2")
want=$((n1 + n2 + 1))
sleep 0.3
kill -INT "$cap"
i=0; while kill -0 "$cap" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
wait "$cap"; rc=$?
[ "$rc" -eq 0 ] && t_ok "SIGINT ends the capture with status 0" || t_fail "SIGINT exit status $rc" "$(cat "$T_DIR/err")"
t_has "summary on stdout" "$T_DIR/out" "complete $want,"
t_has "kernel drops reported" "$T_DIR/out" "drops 0 (kernel)"
[ "$(wc -l < "$T_DIR/live.jsonl")" -eq "$want" ] && t_ok "log: one line per completed request ($want)" ||
    t_fail "log lines" "$(wc -l < "$T_DIR/live.jsonl"), want $want"
python3 - "$T_DIR/ds.json" "$port" "$((n1 + n2))" > "$T_DIR/check" 2>&1 <<'PY'
import json, sys
runs = json.load(open(sys.argv[1]))["runs"]
by = {r["url"]: r for r in runs}
r = by["http://127.0.0.1:%s" % sys.argv[2]]
assert r["target"] == "nginx" and r["complete"] is True and r["source"] == "capture"
assert r["requests"] == int(sys.argv[3]), (r["requests"], sys.argv[3])
assert r["capture"]["drops"] == 0
assert by["http://[::1]:%s" % sys.argv[2]]["requests"] == 1
print("ok")
PY
t_has "dataset saved by the parent holds every request" "$T_DIR/check" "ok"
t_run "the -w file reads back" 0 "$RIGOR" capture -r "$T_DIR/live.pcap" -q --log "$T_DIR/again.jsonl"
cmp -s "$T_DIR/again.jsonl" "$T_DIR/live.jsonl" && t_ok "-w file gives the same log" || t_fail "-w log differs"

# Without -o there is no second process: the capture itself runs as nobody; SIGTERM ends it.
"$RIGOR" capture -i lo -f "tcp port $port" -q --log "$T_DIR/solo.jsonl" 2>"$T_DIR/solo.err" &
solo=$!
T_PIDS="$T_PIDS $solo"
i=0; while ! grep -q "dropped privileges" "$T_DIR/solo.err" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
grep -Eq '^Uid:[[:space:]]+65534[[:space:]]+65534[[:space:]]+65534' "/proc/$solo/status" &&
    t_ok "without -o the capture process itself is nobody" || t_fail "solo uid" "$(grep Uid "/proc/$solo/status" 2>&1)"
curl -s -o /dev/null -o /dev/null "http://127.0.0.1:$port/" "http://127.0.0.1:$port/"
sleep 0.3
kill -TERM "$solo"; wait "$solo"; rc=$?
[ "$rc" -eq 0 ] && t_ok "SIGTERM ends it with status 0" || t_fail "SIGTERM exit $rc"
[ "$(wc -l < "$T_DIR/solo.jsonl")" -eq 2 ] && t_ok "its log has both requests" ||
    t_fail "solo log" "$(wc -l < "$T_DIR/solo.jsonl") lines"

# --duration ends a capture by itself; --user root keeps root (no privilege separation).
t_run "--duration stops a quiet capture" 0 timeout 10 "$RIGOR" capture -i lo -f "tcp port $port" -d 500ms --user root -o "$T_DIR/d.json"
t_lacks "--user root: no drop" "$T_ERR" "dropped privileges"
t_run "no such interface exits 1" 1 "$RIGOR" capture -i no-such-if0
t_has "no such interface message" "$T_ERR" "no-such-if0"
t_run "no such user exits 1" 1 "$RIGOR" capture -i lo -d 100ms --user no-such-user-x
t_has "no such user message" "$T_ERR" "no user 'no-such-user-x'"
t_run "bad live filter exits 2" 2 "$RIGOR" capture -i lo -f "port banana"
t_done
