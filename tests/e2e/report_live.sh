#!/bin/sh
# tests/e2e/report_live.sh — a report from real measurements: `rigor load` against two
# `rigor serve` targets on loopback (2 concurrencies x 2 runs x 1 s each, with server
# sampling), then `rigor report` on the dataset. Checks that every chart exists for data with
# histograms, time series and server samples, and that the spectrum merges the histograms.
# Bounded: 8 runs of 1 s; servers are killed at exit by lib.sh.
. tests/e2e/lib.sh
p1=$(t_port); p2=$(t_port)
t_bg "$RIGOR" serve -q --listen "127.0.0.1:$p1"; s1=$T_LAST
t_bg "$RIGOR" serve -q --listen "127.0.0.1:$p2" --delay 1ms; s2=$T_LAST
t_wait_http "http://127.0.0.1:$p1/" && t_wait_http "http://127.0.0.1:$p2/" \
    || { t_fail "servers did not start"; t_done; exit 1; }
D="$T_DIR/live.json"
t_run "load fast" 0 "$RIGOR" load "http://127.0.0.1:$p1/" -c 2,8 --runs 2 -d 1s -q \
    --label fast --pid "$s1" -o "$D" --title "live fixture"
t_run "load slow" 0 "$RIGOR" load "http://127.0.0.1:$p2/" -c 2,8 --runs 2 -d 1s -q \
    --label slow --pid "$s2" -o "$D"
t_run "report exits 0" 0 "$RIGOR" report "$D" -o "$T_DIR/r" -q
for c in throughput latency server_cpu server_rss box spectrum timeseries; do
    sz=$(wc -c <"$T_DIR/r/$c.png" 2>/dev/null || echo 0)
    sig=$(head -c 4 "$T_DIR/r/$c.png" 2>/dev/null | od -An -c | tr -d ' ')
    [ "$sig" = '211PNG' ] && [ "$sz" -gt 2048 ] && t_ok "live: $c.png is a real PNG" \
        || t_fail "live: $c.png is a real PNG" "$sig, $sz bytes"
done
t_has "live: spectrum at the largest common concurrency" "$T_DIR/r/spectrum.gp" "at concurrency 8"
# the spectrum's last point is the merged maximum: at least as large as every run's max
python3 - "$D" "$T_DIR/r/spectrum.dat" "$T_DIR/r/spectrum.gp" <<'PY' && t_ok "live: spectrum reaches the largest run maximum of its cell" \
    || t_fail "live: spectrum reaches the largest run maximum of its cell"
import json, sys
ds = json.load(open(sys.argv[1]))
want = max(r["latency"]["max"] for r in ds["runs"] if r["target"] == "fast" and r["concurrency"] == 8) / 1000
import re
blocks = open(sys.argv[2]).read().split("\n\n\n")
k = int(re.search(r"index (\d+) [^\n]* title \"fast\"", open(sys.argv[3]).read()).group(1))
rows = [l.split() for l in blocks[k].splitlines() if l and not l.startswith("#")]
got = float(rows[-1][1])
print("#   merged max %.6g ms, largest run max %.6g ms" % (got, want))
sys.exit(0 if abs(got - want) <= want * 0.001 + 1e-9 else 1)
PY
t_done
