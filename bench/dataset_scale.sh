#!/bin/sh
# bench/dataset_scale.sh — `rigor analyze` and `rigor report` on a year of CI runs (issue 17).
#
# The dataset: 25,000 runs (20 targets x 5 concurrencies x 250 runs) shaped like real ones,
# made by bench/dataset_scale.py from datasets/loopback-comparison.json: real latency
# histograms (scaled, re-bucketed), 10-second time series, errors, status and server figures;
# ~196 MB in format v1. `rigor convert` makes its v2 twin (HdrHistogram-encoded histograms).
# Timed, alternating, median of $ROUNDS (default 3): `rigor analyze DS` and
# `rigor report DS -o DIR --no-charts` (report.md only: charts excluded, as the issue asks;
# `--scripts-only`, which also writes every chart's .dat and .gp, is timed once on v2 for
# reference), for the v1 file and the v2 file, with this rigor and, when BASE=path/to/rigor
# is given, an older build (the "before" rows: format v1, and v2 when it reads v2). Wall and
# CPU seconds and peak RSS from GNU time. Then peak RSS of `rigor analyze` on the first 5,000,
# 10,000 and 25,000 runs of the v2 file: memory must grow linearly with the number of runs.
# Prints Markdown tables for docs/benchmarks.md. Needs /usr/bin/python3 and /usr/bin/time.
# Run from the repository root after `make` (make bench does).
set -eu
RIGOR=${RIGOR:-./rigor}
BASE=${BASE:-}
ROUNDS=${ROUNDS:-3}
D=$(mktemp -d "${TMPDIR:-/tmp}/rigor-bench-scale.XXXXXX")
trap 'rm -rf "$D"' EXIT

# v1 and v2 under the same file name (report.md names its dataset files)
mkdir -p "$D/v1" "$D/v2"
/usr/bin/python3 bench/dataset_scale.py datasets/loopback-comparison.json "$D/v1/ds.json"
"$RIGOR" convert "$D/v1/ds.json" -o "$D/v2/ds.json"

# measure NAME CMD...: one run; appends "wall cpu rss_kb" to $D/NAME.
measure() {
    name=$1
    shift
    /usr/bin/time -f "%e %U %S %M" -o "$D/.t" "$@" > /dev/null 2>&1 || {
        echo "failed: $*" >&2
        exit 1
    }
    awk '{ printf "%.2f %.2f %d\n", $1, $2 + $3, $4 }' "$D/.t" >> "$D/$name"
}
# med NAME COLUMN: the median of a column of NAME's rounds.
med() { awk -v c="$2" '{ print $c }' "$D/$1" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# an older build that reads format v2 is timed on it too
BASE_V2=
if [ -n "$BASE" ] && "$BASE" convert --help > /dev/null 2>&1; then
    BASE_V2=1
fi
r=0
while [ "$r" -lt "$ROUNDS" ]; do
    for v in v1 v2; do
        measure "an_$v" "$RIGOR" analyze "$D/$v/ds.json"
        measure "rp_$v" "$RIGOR" report "$D/$v/ds.json" -o "$D/out_$v" -q --no-charts
    done
    if [ -n "$BASE" ]; then
        measure an_base "$BASE" analyze "$D/v1/ds.json"
        measure rp_base "$BASE" report "$D/v1/ds.json" -o "$D/out_base" -q --no-charts
        if [ -n "$BASE_V2" ]; then
            measure an_base2 "$BASE" analyze "$D/v2/ds.json"
            measure rp_base2 "$BASE" report "$D/v2/ds.json" -o "$D/out_base" -q --no-charts
        fi
    fi
    r=$((r + 1))
done
measure scripts_v2 "$RIGOR" report "$D/v2/ds.json" -o "$D/out_s" -q --scripts-only
same=$(cmp -s "$D/out_v1/report.md" "$D/out_v2/report.md" && echo yes || echo NO)

mb() { awk -v b="$(wc -c < "$1")" 'BEGIN { printf "%.0f", b / 1e6 }'; }
row() {  # row LABEL NAME
    printf '| %s | %s | %s | %s |\n' "$1" "$(med "$2" 1)" "$(med "$2" 2)" \
        "$(awk -v k="$(med "$2" 3)" 'BEGIN { printf "%.0f", k / 1024 }')"
}
echo "25,000 runs; v1 file $(mb "$D/v1/ds.json") MB, v2 file $(mb "$D/v2/ds.json") MB;" \
     "median of $ROUNDS alternating rounds; report.md of v1 and v2 identical: $same."
echo
echo "| command | wall s | CPU s | peak RSS MB |"
echo "|---|---:|---:|---:|"
if [ -n "$BASE" ]; then
    row "before: \`rigor analyze\` v1" an_base
    row "before: \`rigor report --no-charts\` v1" rp_base
    if [ -n "$BASE_V2" ]; then
        row "before: \`rigor analyze\` v2" an_base2
        row "before: \`rigor report --no-charts\` v2" rp_base2
    fi
fi
row "\`rigor analyze\` v1" an_v1
row "\`rigor report --no-charts\` v1" rp_v1
row "\`rigor analyze\` v2" an_v2
row "\`rigor report --no-charts\` v2" rp_v2
row "\`rigor report --scripts-only\` v2 (charts' .dat/.gp, no gnuplot; one run)" scripts_v2

# Memory against the number of runs (v2): linear, not histogram bytes held twice.
echo
echo "| runs (v2) | file MB | \`rigor analyze\` peak RSS MB | RSS per run, KB |"
echo "|---:|---:|---:|---:|"
for n in 5000 10000 25000; do
    /usr/bin/python3 - "$D/v2/ds.json" "$D/n.json" "$n" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["runs"] = d["runs"][:int(sys.argv[3])]
json.dump(d, open(sys.argv[2], "w"))
PY
    : > "$D/mem"
    measure mem "$RIGOR" analyze "$D/n.json"
    k=$(awk '{ print $3 }' "$D/mem")
    awk -v n="$n" -v mb="$(mb "$D/n.json")" -v k="$k" \
        'BEGIN { printf "| %d | %s | %.0f | %.1f |\n", n, mb, k / 1024, k / n }'
done
