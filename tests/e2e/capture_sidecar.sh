#!/bin/sh
# tests/e2e/capture_sidecar.sh — `rigor load --capture lo` against `rigor serve`: the run's
# `wire` object, measured by the capture sidecar, counts exactly the responses the server
# sent (its --stats-file) and the requests the client completed, with no kernel drops, and its
# latency histogram holds one entry per request; with --warmup, only the measured window
# counts on the wire too. Needs root: skipped otherwise.
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
# With a warm-up, the wire figures cover the measured window only, as the client's do.
t_run "load with --capture lo and --warmup" 0 "$RIGOR" load "http://127.0.0.1:$port/" -c 8 -d 1s \
    --warmup 1s --capture lo -o "$T_DIR/warm.json" -q
python3 - "$T_DIR/warm.json" > "$T_DIR/warm.check" 2>&1 <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["runs"][0]
w = r["wire"]
# A response completing right at a window edge may fall on either side for the two clocks.
assert abs(w["requests"] - r["requests"]) <= 2 * 8, (w["requests"], r["requests"])
assert w["histogram"]["count"] == w["requests"], w["histogram"]["count"]
print("ok")
PY
t_has "with --warmup, wire requests = the client's (window only)" "$T_DIR/warm.check" "ok"
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
warm = json.load(open(sys.argv[1].replace("ds.json", "warm.json")))["runs"][0]
assert served["responses"] >= total + 1 + warm["requests"], (total, served)
assert served["responses"] - total - 1 > 1.2 * warm["requests"]   # the warm-up was served too
print("ok")
PY
t_has "wire counts equal the client's and the server's" "$T_DIR/check" "ok"

t_done
