#!/bin/sh
# tests/e2e/capture_sidecar.sh — `rigor load --capture lo` against `rigor serve`: the run's
# `wire` object, measured by the capture sidecar, counts exactly the responses the server
# sent (its --stats-file) and the requests the client completed, with no kernel drops, and its
# latency histogram holds one entry per request. Needs root: skipped otherwise.
. tests/e2e/lib.sh
if [ "$(id -u)" -ne 0 ]; then echo "ok 1 - # SKIP live capture needs root"; echo "1..1"; exit 0; fi
port=$(t_port)
t_bg sh -c 'exec "$1" serve --listen "127.0.0.1:$2" -q --stats-file "$3" 2>/dev/null' \
    serve "$RIGOR" "$port" "$T_DIR/serve.json"
SERVE=$T_LAST
t_wait_http "http://127.0.0.1:$port/" || { t_fail "rigor serve starts"; t_done; exit 1; }
t_run "load with --capture lo" 0 "$RIGOR" load "http://127.0.0.1:$port/" -c 8 -n 3000 --no-keepalive \
    --capture lo -o "$T_DIR/ds.json" -q
t_run "load with --capture lo, keep-alive" 0 "$RIGOR" load "http://127.0.0.1:$port/" -c 8 -n 5000 \
    --capture lo -o "$T_DIR/ds.json" -q
kill "$SERVE"; wait "$SERVE" 2>/dev/null
python3 - "$T_DIR/ds.json" "$T_DIR/serve.json" > "$T_DIR/check" 2>&1 <<'PY'
import json, sys
runs = json.load(open(sys.argv[1]))["runs"]
served = json.load(open(sys.argv[2]))
assert len(runs) == 2, len(runs)
total = 0
for r, n in zip(runs, (3000, 5000)):
    w = r["wire"]
    assert r["requests"] == n, (r["requests"], n)
    assert w["requests"] == n, ("wire", w["requests"], n)
    assert w["drops"] == 0 and w["unmatched"] == 0, w
    assert w["histogram"]["count"] == n
    assert w["ttfb"]["histogram"]["count"] == n and w["server_time"]["p50"] is not None
    assert 0 < w["p50"] <= w["p99"] <= w["max"]
    total += w["requests"]
hs = runs[0]["wire"]["handshake_rtt"]["histogram"]["count"]
assert hs == 3000, hs          # --no-keepalive: one handshake per request
assert total + 1 == served["responses"], (total, served)   # + the readiness probe
print("ok")
PY
t_has "wire counts equal the client's and the server's" "$T_DIR/check" "ok"

t_done
