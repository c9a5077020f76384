#!/bin/sh
# tests/e2e/merge.sh — `rigor merge` on loopback: three `rigor load --split I/3` started
# together with --start-at make one merged run whose counts, errors, status codes, histogram
# (bucket by bucket) and per-second series are the sums of the hosts' (checked in Python,
# merge_check.py), and whose requests agree with what `rigor serve` answered (minus the
# responses outside the window and the requests in flight at the end, both counted). Runs
# made one after the other do not overlap and are refused as a whole (vegeta #210); a missing
# host, histograms of another precision and malformed inputs each get a clear message.
. tests/e2e/lib.sh
. tests/e2e/load_lib.inc
D=$T_DIR

serve_start
T="@$(( $(date +%s) + 3 ))"
pids=""
for i in 1 2 3; do
    "$RIGOR" load "$URL" -c 9 --split "$i/3" --start-at "$T" -d 2s --warmup 500ms -q \
        -o "$D/h$i.json" >"$D/load$i.out" 2>&1 &
    pids="$pids $!"
done
for p in $pids; do wait "$p"; done
serve_stop
for i in 1 2 3; do
    t_true "host $i: its share of -c 9" "d['runs'][0]['connections'] == 3 and d['runs'][0]['split'] == {'index': $i, 'of': 3, 'concurrency': 9}" "$D/h$i.json"
done
t_true "host 1: window on a whole second of the grid" \
    "d['runs'][0]['clock']['window_start_ns'] % 10**9 == 0 and d['runs'][0]['clock']['grid'] == 'second'" "$D/h1.json"
t_run "merge three hosts" 0 "$RIGOR" merge "$D/h1.json" "$D/h2.json" "$D/h3.json" -o "$D/m.json"
t_has "summary names the hosts" "$T_OUT" "h2 "
t_true "merged: complete, cell 9, 3 hosts" \
    "d['runs'][0]['complete'] and d['runs'][0]['concurrency'] == 9 and len(d['runs'][0]['hosts']) == 3 and d['runs'][0]['merge']['problems'] == []" \
    "$D/m.json"
python3 tests/e2e/merge_check.py "$D/m.json" "$D/h1.json" "$D/h2.json" "$D/h3.json" >"$D/check.out" 2>&1
if [ $? -eq 0 ]; then t_ok "merged = sum of the hosts (counts, histogram buckets, series)"; else
    t_fail "merged = sum of the hosts"; sed 's/^/#   /' "$D/check.out"; fi
t_true "merged window = the hosts' window" \
    "d['runs'][0]['duration_s'] == 2.0 and d['runs'][0]['clock']['window_skew_s'] == 0" "$D/m.json"
t_eq "server answered what was counted, plus the edges" \
    "$(python3 -c '
import json, sys
m = json.load(open(sys.argv[1]))["runs"][0]; s = json.load(open(sys.argv[2]))
low = m["requests"] + m["edges"]["outside_window"]
print(low <= s["responses"] <= low + m["edges"]["in_flight_at_end"])' "$D/m.json" "$D/stats.json")" \
    True
t_true "the merge reads back as a dataset" "len(d['runs']) == 1" "$D/m.json"
t_run "analyze reads the merged run" 0 "$RIGOR" analyze "$D/m.json"

# a host missing from --split: incomplete, named by its index
t_run "merge without host 3" 1 "$RIGOR" merge "$D/h1.json" "$D/h2.json" -o "$D/m2.json"
t_has "missing host named" "$T_ERR" "1 of the 3 hosts of --split are missing (host 3)"
t_true "written all the same, incomplete" "not d['runs'][0]['complete']" "$D/m2.json"

# histograms of another precision: refused, never approximated
python3 - "$D/h3.json" "$D/p2.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
r = d["runs"][0]
r["latency"]["histogram"] = {"sigfigs": 2, "highest": 3600000000, "count": 1, "min": 100,
                             "max": 100, "sum": 100, "buckets": [100, 1]}
json.dump(d, open(sys.argv[2], "w"))
PY
t_run "merge with a 2-digit histogram" 2 "$RIGOR" merge "$D/h1.json" "$D/h2.json" "$D/p2.json" -o "$D/m3.json"
t_has "precision named" "$T_ERR" "p2's latency histogram has 2 significant digits"

# runs made one after the other (no --start-at): they do not overlap
serve_start
"$RIGOR" load "$URL" -c 2 -d 1s -q -o "$D/a.json" >/dev/null 2>&1
sleep 0.2
"$RIGOR" load "$URL" -c 2 -d 1s -q -o "$D/b.json" >/dev/null 2>&1
t_run "merge of sequential runs" 1 "$RIGOR" merge "$D/a.json" "$D/b.json" -o "$D/ab.json"
t_has "no overlap named" "$T_ERR" "b: its window did not overlap the other hosts'"
t_true "sequential: the cell is the sum, the series not merged" \
    "d['runs'][0]['concurrency'] == 4 and 'timeseries' not in d['runs'][0] and not d['runs'][0]['complete']" "$D/ab.json"
"$RIGOR" load "$URL" -c 2 -n 50 -q -o "$D/a.json" >/dev/null 2>&1
serve_stop

# bad input
t_run "merge: -o missing" 2 "$RIGOR" merge "$D/h1.json"
t_has "merge: -o message" "$T_ERR" "-o MERGED is required"
t_run "merge: missing file" 2 "$RIGOR" merge "$D/nope.json" -o "$D/x.json"
t_run "merge: not a dataset" 2 "$RIGOR" merge "$D/check.out" -o "$D/x.json"
t_run "merge: two runs of one cell in a file" 2 "$RIGOR" merge "$D/a.json" "$D/b.json" -o "$D/x.json"
t_has "merge: one file per host" "$T_ERR" "holds two runs of"
t_run "merge: bad --max-skew" 2 "$RIGOR" merge "$D/h1.json" -o "$D/x.json" --max-skew 5x
t_run "merge: help" 0 "$RIGOR" merge --help
t_has "merge: help has examples" "$T_OUT" "rigor merge h1.json h2.json h3.json -o merged.json"

# rigor load's options for several hosts, checked before any load
t_run "load: --split 4/3" 2 "$RIGOR" load http://127.0.0.1:1/ --split 4/3
t_run "load: -c below the hosts" 2 "$RIGOR" load http://127.0.0.1:1/ -c 2 --split 1/3
t_has "load: -c below the hosts message" "$T_ERR" "-c 2 cannot be split over 3 hosts"
t_run "load: bad --start-at" 2 "$RIGOR" load http://127.0.0.1:1/ --start-at 2026-13-01T00:00:00Z
t_run "load: --start-at with -n" 2 "$RIGOR" load http://127.0.0.1:1/ --start-at +1s -n 10
t_run "load: --clock-probe without -o -" 2 "$RIGOR" load http://127.0.0.1:1/ --clock-probe
t_run "load: bad --args-hex" 2 "$RIGOR" load --args-hex 2d6
t_run "load: --clock-probe without a coordinator" 1 "$RIGOR" load http://127.0.0.1:1/ --clock-probe -o - </dev/null
t_has "load: no coordinator said" "$T_ERR" "stdin closed"
t_done
