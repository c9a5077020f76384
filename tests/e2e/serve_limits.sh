#!/bin/sh
# tests/e2e/serve_limits.sh — `rigor serve` out of file descriptors: with a low `ulimit -n`
# (set in this test's own shell) and more idle clients than descriptors, it does not spin on
# EMFILE (its CPU time stays near zero), the idle timeout frees descriptors so a new client
# is served, and a client that never finishes its request head is closed by the header timeout.
. tests/e2e/lib.sh
. tests/e2e/load_lib.inc
D=$T_DIR
P=$(t_port)

# The server inherits the limit (soft and hard: it cannot raise it again).
t_bg sh -c "ulimit -n 24 && exec \"$RIGOR\" serve --listen 127.0.0.1:$P -q --idle-timeout 2s \
    --header-timeout 1s --stats-file $D/stats.json"
SV=$T_LAST
wait_port "$P" || t_fail "rigor serve did not start"

# 40 connections held open without a word: more than the descriptors the server has.
# (A script file: a background command does not get a here-document as its input.)
cat > "$D/hold.py" <<'PY'
import socket, sys, time
held = []
for _ in range(40):
    held.append(socket.create_connection(("127.0.0.1", int(sys.argv[1]))))
print("held", flush=True)
time.sleep(60)
PY
t_bg python3 "$D/hold.py" "$P" > "$D/hold.out"
i=0
while ! grep -q held "$D/hold.out" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
sleep 0.5

# CPU time of the server over 1.5 s of wall time, in clock ticks (utime + stime).
ticks() { awk '{ print $14 + $15 }' "/proc/$SV/stat" 2>/dev/null || echo 0; }
hz=$(getconf CLK_TCK)
a=$(ticks); sleep 1.5; b=$(ticks)
pct=$(( (b - a) * 100 * 2 / (3 * hz) ))
if [ "$pct" -lt 25 ]; then
    t_ok "out of descriptors: no busy loop (${pct}% of a core)"
else
    t_fail "out of descriptors: no busy loop" "the server used ${pct}% of a core while out of descriptors"
fi

# The idle ones are closed after 2 s, and a new client gets its answer.
if curl -s -o /dev/null --max-time 10 "http://127.0.0.1:$P/"; then
    t_ok "a new client is served once idle connections time out"
else
    t_fail "a new client is served once idle connections time out" "curl got no answer in 10 s"
fi

# A request head that never ends: the connection is closed after the header timeout.
secs=$(python3 - "$P" <<'PY'
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
s.settimeout(8)
t = time.monotonic()
try:
    while s.recv(4096):
        pass
    print(round(time.monotonic() - t, 1))
except OSError:
    print("never")
PY
)
case $secs in
never) t_fail "slow request head closed by --header-timeout 1s" "still open after 8 s" ;;
*) t_ok "slow request head closed by --header-timeout 1s (after ${secs}s)" ;;
esac

kill "$SV"; wait "$SV" 2>/dev/null
t_true "stats: accepting was paused" "d['accept_pauses'] > 0" "$D/stats.json"
t_true "stats: connections closed by the timeouts" "d['timeouts'] >= 20" "$D/stats.json"

t_run "--idle-timeout rejects garbage" 2 "$RIGOR" serve --idle-timeout soon
t_has "--idle-timeout: message" "$T_ERR" "invalid --idle-timeout 'soon'"
t_done
