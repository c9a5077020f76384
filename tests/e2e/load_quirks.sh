#!/bin/sh
# tests/e2e/load_quirks.sh — `rigor load` against servers that do odd things, and options that
# were easy to get wrong: a server that sends a response before any request (every response
# would pair with the wrong request: protocol errors instead, nothing counted); a server that
# closes every connection (recorded as keepalive false, with the connections opened); --pid
# with several pids, also unquoted as `--pid $(pidof X)` splits them; a run shorter than the
# sampling period still gets a CPU figure; control characters in --label are refused.
. tests/e2e/lib.sh
. tests/e2e/load_lib.inc
D=$T_DIR

# The servers (script files: a background command gets no here-document as its input).
cat > "$D/greet.py" <<'PY'
import socket, sys, threading
R = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"
def serve(c):
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        c.sendall(R)             # a response before any request
        buf = b""
        while True:
            d = c.recv(65536)
            if not d:
                break
            buf += d
            while b"\r\n\r\n" in buf:
                _, buf = buf.split(b"\r\n\r\n", 1)
                c.sendall(R)     # then one response per request, as a correct server would
    except OSError:
        pass
    c.close()
ls = socket.socket(); ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.1", int(sys.argv[1]))); ls.listen(128)
while True:
    c, _ = ls.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
PY
cat > "$D/close.py" <<'PY'
import socket, sys, threading
R = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
def serve(c):
    buf = b""
    while b"\r\n\r\n" not in buf:
        d = c.recv(4096)
        if not d:
            break
        buf += d
    c.sendall(R)
    c.close()
ls = socket.socket(); ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.1", int(sys.argv[1]))); ls.listen(1024)
while True:
    c, _ = ls.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
PY

# A response before any request: the connections are replaced, no mispaired response counted.
GP=$(t_port)
t_bg python3 "$D/greet.py" "$GP"
wait_port "$GP"
for c in 1 8; do
    "$RIGOR" load "http://127.0.0.1:$GP/" -c $c -d 1s -q -o "$D/greet$c.json" >/dev/null 2>&1
    # (a greeting slower than the first probation can pair one or two before it is seen)
    t_true "greeting server, -c $c: protocol errors, (almost) no response counted" \
        "d['runs'][0]['errors']['protocol'] > 0 and d['runs'][0]['requests'] * 50 <= d['runs'][0]['errors']['protocol']" \
        "$D/greet$c.json"
done

# A server that closes every connection: keepalive false, one connection per request.
CP=$(t_port)
t_bg python3 "$D/close.py" "$CP"
wait_port "$CP"
t_run "closing server" 0 "$RIGOR" load "http://127.0.0.1:$CP/" -n 100 -c 1 -q -o "$D/close.json"
t_eq "closing server: keepalive false" "$(jq_py "$D/close.json" 'd["runs"][0]["keepalive"]')" False
t_true "closing server: a connection per request" \
    "d['runs'][0]['connections_opened'] >= d['runs'][0]['requests'] == 100" "$D/close.json"

# A keep-alive server: keepalive true, as many connections as asked.
serve_start --threads 2
t_run "keep-alive server" 0 "$RIGOR" load "$URL" -n 500 -c 4 -q -o "$D/ka.json"
t_eq "keep-alive server: keepalive true" "$(jq_py "$D/ka.json" 'd["runs"][0]["keepalive"]')" True
t_eq "keep-alive server: 4 connections opened" "$(jq_py "$D/ka.json" 'd["runs"][0]["connections_opened"]')" 4

# --pid with several pids: a list, and the unquoted $(pidof ...) form; a short run gets CPU.
sleep 30 &
S2=$!
T_PIDS="$T_PIDS $S2"
t_run "--pid 'A B' (quoted pidof)" 0 "$RIGOR" load "$URL" -n 200 -c 2 -q --pid "$SV $S2" -o "$D/pids.json"
t_eq "--pid list: both recorded" "$(jq_py "$D/pids.json" 'd["runs"][0]["server"]["pids"]')" "[$SV, $S2]"
t_run "--pid A B (unquoted pidof)" 0 "$RIGOR" load "$URL" -n 200 -c 2 -q --pid $SV $S2 -o "$D/pids2.json"
t_eq "--pid A B: both recorded" "$(jq_py "$D/pids2.json" 'd["runs"][0]["server"]["pids"]')" "[$SV, $S2]"
t_run "--pid A,B before the URL" 0 "$RIGOR" load --pid "$SV,$S2" "$URL" -n 50 -q -o "$D/pids3.json"
t_eq "--pid A,B: both recorded" "$(jq_py "$D/pids3.json" 'd["runs"][0]["server"]["pids"]')" "[$SV, $S2]"
t_run "--pid with a dead pid" 2 "$RIGOR" load "$URL" -n 5 -q --pid "$SV,4194303"
t_has "--pid dead: named" "$T_ERR" "--pid 4194303: no such process"
t_run "a run of 200 requests with --pid" 0 "$RIGOR" load "$URL" -n 200 -c 2 -q --pid "$SV" -o "$D/short.json"
t_true "a run shorter than a second gets a CPU figure" \
    "d['runs'][0]['server']['cpu_pct_mean'] is not None and d['runs'][0]['server']['samples'] >= 1" "$D/short.json"
serve_stop

# Control characters in --label are refused, as in a plan's target names.
t_run "--label with a tab" 2 "$RIGOR" load "http://127.0.0.1:9/" -n 1 --label "$(printf 'a\tb')"
t_has "--label: says why" "$T_ERR" "--label contains a control character"
t_run "--label with an escape" 2 "$RIGOR" load "http://127.0.0.1:9/" -n 1 --label "$(printf 'x\033[31m')"
t_done
