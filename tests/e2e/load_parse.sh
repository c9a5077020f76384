#!/bin/sh
# tests/e2e/load_parse.sh — response framing the load generator must parse (RFC 9112 §6):
# chunked bodies, close-delimited bodies (HTTP/1.0 and "Connection: close" without a length),
# interim 100 responses, 204 and 304 without bodies, pipelined garbage after a response.
# The server is a tiny raw-socket python3 script that counts what it answered.
. tests/e2e/lib.sh
. tests/e2e/load_lib.inc
D=$T_DIR
PORT=$(t_port)
cat > "$D/srv.py" <<'PY'
import socket, sys, threading
RESP = {
    b"/chunked": (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                  b"5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\nX-Trailer: t\r\n\r\n", False),
    b"/close": (b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + b"x" * 3000, True),
    b"/http10": (b"HTTP/1.0 200 OK\r\n\r\nold-style body", True),
    b"/continue": (b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", False),
    b"/204": (b"HTTP/1.1 204 No Content\r\n\r\n", False),
    b"/304": (b"HTTP/1.1 304 Not Modified\r\nContent-Length: 50\r\n\r\n", False),
    b"/extra": (b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokGARBAGE", False),
}
count = {}
lock = threading.Lock()
def handle(c):
    buf = b""
    while True:
        while b"\r\n\r\n" not in buf:
            d = c.recv(65536)
            if not d:
                c.close(); return
            buf += d
        head, buf = buf.split(b"\r\n\r\n", 1)
        path = head.split(b" ")[1]
        body, close = RESP.get(path, (b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", False))
        with lock:
            count[path] = count.get(path, 0) + 1
        c.sendall(body)
        if close:
            c.shutdown(socket.SHUT_WR); c.close(); return
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(128)
def dump(*_):
    with lock:
        open(sys.argv[2] + ".tmp", "w").write(repr({k.decode(): v for k, v in count.items()}))
    import os; os.rename(sys.argv[2] + ".tmp", sys.argv[2]); os._exit(0)
import signal; signal.signal(signal.SIGTERM, dump)
while True:
    c, _ = s.accept()
    threading.Thread(target=handle, args=(c,), daemon=True).start()
PY
t_bg python3 "$D/srv.py" "$PORT" "$D/count.txt"
PY_PID=$T_LAST
wait_port "$PORT" || t_fail "python server did not start"
U="http://127.0.0.1:$PORT"

for p in chunked close http10 continue 204 304; do
    t_run "parse /$p" 0 "$RIGOR" load "$U/$p" -n 60 -c 3 --timeout 3s -q -o "$D/$p.json"
    t_true "/$p: 60 requests, no errors" \
        "d['runs'][0]['requests'] == 60 and sum(d['runs'][0]['errors'].values()) == 0" "$D/$p.json"
done
t_true "/continue: the final status is counted, not the 100" "d['runs'][0]['status'] == {'200': 60}" "$D/continue.json"
t_true "/204 counted as 204" "d['runs'][0]['status'] == {'204': 60}" "$D/204.json"
t_true "/close: every body byte read" "d['runs'][0]['bytes_in'] >= 60 * 3000" "$D/close.json"
t_run "data after a response (no request completes: exit 1)" 1 "$RIGOR" load "$U/extra" -n 30 -c 1 --timeout 3s -q -o "$D/extra.json"
t_true "/extra: unsolicited bytes are protocol errors" \
    "d['runs'][0]['errors']['protocol'] == 30 and d['runs'][0]['requests'] == 0" "$D/extra.json"
t_run "404 status errors" 0 "$RIGOR" load "$U/missing" -n 10 -c 1 -q -o "$D/404.json"
t_true "404: status errors" "d['runs'][0]['errors']['status'] == 10" "$D/404.json"

kill "$PY_PID"
wait "$PY_PID" 2>/dev/null
t_eq "the server's counts agree" "$(cat "$D/count.txt")" \
    "{'/chunked': 60, '/close': 60, '/http10': 60, '/continue': 60, '/204': 60, '/304': 60, '/extra': 30, '/missing': 10}"
t_done
