#!/bin/sh
# tests/e2e/import_export.sh — `rigor export`: --hgrm against HdrHistogram's own output
# (hdr-histogram-js, tests/fixtures/import/hdr_reference.js) over the same latencies, --csv
# read back with Python's csv module (quoting of hostile labels, empty cells for unknown
# values), and imported runs — summary-only ones included — through analyze and report.
. "$(dirname "$0")/lib.sh"
FX=tests/fixtures/import

cmp_hgrm() {  # name, ours, reference
    python3 - "$2" "$3" > "$T_DIR/cmp" <<'PY'
import re, sys
a, b = (open(p).read().splitlines() for p in sys.argv[1:3])
body = lambda t: [l for l in t if l and not l.startswith("#")]
foot = lambda t: [float(x) for l in t if l.startswith("#[") for x in re.findall(r"[\d.]+", l)]
fa, fb = foot(a), foot(b)
ok = body(a) == body(b) and len(fa) == len(fb) == 6 and fa[2:] == fb[2:] and \
     abs(fa[0] - fb[0]) <= 0.002 and abs(fa[1] - fb[1]) <= 0.002
print("ok" if ok else "differ: %s" % [x for x in zip(body(a), body(b)) if x[0] != x[1]][:3])
PY
    if [ "$(cat "$T_DIR/cmp")" = ok ]; then t_ok "$1"; else t_fail "$1" "$(cat "$T_DIR/cmp")"; fi
}

for f in hey vegeta-12; do
    ext=csv
    "$RIGOR" import -q "$FX/$f.$ext" -o "$T_DIR/$f.json"
    t_run "export --hgrm $f" 0 "$RIGOR" export "$T_DIR/$f.json" --hgrm
    cp "$T_OUT" "$T_DIR/$f.hgrm"
    cmp_hgrm "$f: spectrum = HdrHistogram's (hdr-histogram-js)" "$T_DIR/$f.hgrm" "$FX/$f.hgrm"
done

# the exported spectrum reads back as an hgrm import with the same count and maximum
t_run "hgrm round trip: import" 0 "$RIGOR" import -q "$T_DIR/hey.hgrm" -o "$T_DIR/back.json"
python3 - "$T_DIR/hey.json" "$T_DIR/back.json" > "$T_DIR/rt" <<'PY'
import json, sys
a, b = (json.load(open(p))["runs"][0]["latency"] for p in sys.argv[1:3])
print("ok" if a["histogram"]["count"] == b["histogram"]["count"] and
      abs(a["max"] - b["max"]) <= 1 and abs(a["p50"] - b["p50"]) <= a["p50"] / 100 else
      "%s vs %s" % ((a["histogram"]["count"], a["max"], a["p50"]),
                    (b["histogram"]["count"], b["max"], b["p50"])))
PY
[ "$(cat "$T_DIR/rt")" = ok ] && t_ok "hgrm round trip: count, max, p50" || t_fail "hgrm round trip" "$(cat "$T_DIR/rt")"

# several cells: one file each in -o DIR; refused on stdout
"$RIGOR" import -q "$FX/hey.csv" --label 'a b,"c"' -c 4 -o "$T_DIR/multi.json"
"$RIGOR" import -q "$FX/vegeta-12.csv" --label other --rate 50 -o "$T_DIR/multi.json"
t_run "export --hgrm, 2 cells, no -o: refused" 2 "$RIGOR" export "$T_DIR/multi.json" --hgrm
t_has "says -o DIR" "$T_ERR" "give -o DIR"
t_run "export --hgrm -o DIR" 0 "$RIGOR" export "$T_DIR/multi.json" --hgrm -o "$T_DIR/spectra"
[ -f "$T_DIR/spectra/a_b__c__c4.hgrm" ] && [ -f "$T_DIR/spectra/other_r50.hgrm" ] &&
    t_ok "one file per cell, names made safe" || t_fail "cell files" "$(ls "$T_DIR/spectra")"

# summary-only runs have no histogram to export
"$RIGOR" import -q "$FX/autocannon.json" -o "$T_DIR/summary.json"
t_run "export --hgrm of summary-only runs: exit 2" 2 "$RIGOR" export "$T_DIR/summary.json" --hgrm
t_has "says why" "$T_ERR" "summary-only"

# CSV: columns, a hostile label read back intact, empty cells where the run has no value
"$RIGOR" import -q "$FX/ab.csv" --label 'x,"y"
z' -o "$T_DIR/multi.json"
t_run "export --csv" 0 "$RIGOR" export "$T_DIR/multi.json" "$T_DIR/summary.json" --csv -o "$T_DIR/runs.csv"
python3 - "$T_DIR/runs.csv" > "$T_DIR/csvcheck" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
want = ("dataset,target,url,concurrency,rate,run,source,complete,started,duration_s,requests,"
        "errors,errors_connect,errors_read,errors_write,errors_timeout,errors_protocol,"
        "errors_status,throughput_rps,latency_mean_us,latency_stdev_us,latency_min_us,"
        "latency_p50_us,latency_p90_us,latency_p99_us,latency_p999_us,latency_max_us,bytes_in,"
        "bytes_out,server_cpu_pct_mean,server_cpu_pct_max,server_rss_kb_max,"
        "wire_latency_p50_us,wire_latency_p99_us,histogram_count").split(",")
by = {r["target"]: r for r in rows}
ab = by.get('x,"y"\nz', {})
checks = [
    (list(rows[0].keys()) == want, "columns"),
    (len(rows) == 4, "4 rows (one per run)"),
    ('a b,"c"' in by, "quoted label read back"),
    (ab.get("requests") == "" and ab.get("latency_p50_us") not in ("", None), "empty cells"),
    (by['a b,"c"']["requests"] == "300" and by['a b,"c"']["concurrency"] == "4", "numbers"),
    (by["other"]["rate"] == "50" and by["other"]["concurrency"] == "", "rate cell"),
]
for ok, what in checks:
    print("%s|csv: %s" % ("ok" if ok else "fail", what))
PY
while IFS='|' read -r res name; do
    [ "$res" = ok ] && t_ok "$name" || t_fail "$name" "$(head -3 "$T_DIR/runs.csv")"
done < "$T_DIR/csvcheck"

# imported runs, summary-only among them, go through analyze and report
for f in k6-summary-legacy.json autocannon.json locust_stats.csv hey.csv wrk.txt; do
    "$RIGOR" import -q "$FX/$f" --label "$f" -c 4 -o "$T_DIR/mixed.json"
done
t_run "analyze of imported runs" 0 "$RIGOR" analyze "$T_DIR/mixed.json"
t_has "analyze shows the summary-only cell" "$T_OUT" "autocannon.json"
t_run "report of imported runs" 0 "$RIGOR" report "$T_DIR/mixed.json" -o "$T_DIR/report" --no-charts
t_has "report lists the imported targets" "$T_DIR/report/report.md" "k6-summary-legacy.json"
if command -v gnuplot >/dev/null 2>&1; then
    t_run "report with charts" 0 "$RIGOR" report "$T_DIR/mixed.json" -o "$T_DIR/report2"
fi
t_run "export --help" 0 "$RIGOR" export --help
t_has "help has an example" "$T_OUT" "examples:"
t_run "export: neither --csv nor --hgrm" 2 "$RIGOR" export "$T_DIR/mixed.json"
t_run "export: bad dataset" 2 "$RIGOR" export "$FX/hey.csv" --csv
t_done
