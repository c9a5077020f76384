#!/bin/sh
# tests/e2e/report_basic.sh — `rigor report`: golden Markdown (headline, tables), real charts,
# byte-identical reruns, the charts that must (not) exist, gnuplot missing, and bad input.
#
# The golden files (small.md, partial.md) were made by this binary and read line by line against the fixture
# (tests/fixtures/report/make_fixtures.py computes the analysis with scipy); regenerate with
#   ./rigor report tests/fixtures/report/small.json \
#       --analysis tests/fixtures/report/small.analysis.json -o /tmp/x
#   cp /tmp/x/report.md tests/fixtures/report/small.md
. tests/e2e/lib.sh
F=tests/fixtures/report

# is_png NAME FILE: signature \x89PNG and more than 2 KB (an empty plot is ~1.5 KB)
is_png() {
    sig=$(head -c 4 "$2" 2>/dev/null | od -An -c | tr -d ' ')
    size=$(wc -c <"$2" 2>/dev/null || echo 0)
    if [ "$sig" = '211PNG' ] && [ "$size" -gt 2048 ]; then t_ok "$1"; else
        t_fail "$1" "$2: signature '$sig', $size bytes"; fi
}

# golden: the Markdown depends on the data only (not on gnuplot), so --no-charts is enough
# to compare it... except for the Charts section, which --no-charts leaves out.
t_run "small: report --no-charts exits 0" 0 \
    "$RIGOR" report "$F/small.json" --analysis "$F/small.analysis.json" -o "$T_DIR/s0" --no-charts
t_lacks "small --no-charts: no Charts section" "$T_DIR/s0/report.md" "## Charts"
[ ! -e "$T_DIR/s0/throughput.gp" ] && t_ok "small --no-charts: no chart files" \
    || t_fail "small --no-charts: no chart files"

t_run "partial: report exits 0" 0 \
    "$RIGOR" report "$F/partial.json" --analysis "$F/partial.analysis.json" -o "$T_DIR/p0"
if cmp -s "$T_DIR/p0/report.md" "$F/partial.md"; then t_ok "partial: report.md equals the golden file"
else t_fail "partial: report.md differs from the golden file"
    diff "$F/partial.md" "$T_DIR/p0/report.md" | head -20 | sed 's/^/#   /'; fi
t_lacks "partial: no column without data (p99)" "$T_DIR/p0/report.md" "Latency p99 |"
t_lacks "partial: no errors section without errors" "$T_DIR/p0/report.md" "## Errors"

# charts drawn by the real gnuplot
t_run "small: report with charts exits 0" 0 \
    "$RIGOR" report "$F/small.json" --analysis "$F/small.analysis.json" -o "$T_DIR/s1"
for c in ratios throughput latency errors server_cpu server_rss box spectrum timeseries; do
    is_png "small: $c.png is a real PNG" "$T_DIR/s1/$c.png"
    [ -s "$T_DIR/s1/$c.gp" ] && [ -s "$T_DIR/s1/$c.dat" ] && t_ok "small: $c.gp and $c.dat beside it" \
        || t_fail "small: $c.gp and $c.dat beside it"
    t_has "small: report.md links $c.png" "$T_DIR/s1/report.md" "($c.png)"
done
if cmp -s "$T_DIR/s1/report.md" "$F/small.md"; then t_ok "small: report.md equals the golden file"
else t_fail "small: report.md differs from the golden file"
    diff "$F/small.md" "$T_DIR/s1/report.md" | head -20 | sed 's/^/#   /'; fi

# the answer first: the headline right under the title, largest proven effect first
sed -n 3p "$T_DIR/s1/report.md" | grep -q '^\*\*Proven differences\*\* from alpha' \
    && t_ok "headline: proven differences right after the title" \
    || t_fail "headline: proven differences right after the title" "$(sed -n 3p "$T_DIR/s1/report.md")"
sed -n 5p "$T_DIR/s1/report.md" | grep -q '^- beta is 2.01× ± 0.15 faster than alpha at 10 connections (99.5% CI' \
    && t_ok "headline: the largest effect first, analyze's sentence at its Holm level" \
    || t_fail "headline: the largest effect first" "$(sed -n 5p "$T_DIR/s1/report.md")"
n=$(sed -n '/^\*\*Proven/,/^\*\*Thresholds/p' "$T_DIR/s1/report.md" | grep -c '^- ')
[ "$n" -eq 5 ] && t_ok "headline: one sentence per proven primary difference (5)" \
    || t_fail "headline: one sentence per proven primary difference" "$n"
t_has "headline: a threshold met" "$T_DIR/s1/report.md" "- ✓ errors &lt; 1% — worst: beta at 10 connections"
t_has "headline: a threshold violated, with its worst cell" "$T_DIR/s1/report.md" \
    "- ✗ p99 &lt; 1ms — 1 of 6 cells fails; worst: beta at 50 connections, 1.12ms"
t_has "headline: a target's own threshold" "$T_DIR/s1/report.md" "- ✗ throughput &gt; 25k (beta only)"
t_has "headline: what was not proven" "$T_DIR/s1/report.md" \
    "beta: p99 latency at 50 connections; gamma in all 6."
np=$(grep -n '^\*\*Not proven\*\*' "$T_DIR/s1/report.md" | cut -d: -f1)
im=$(grep -n '^!\[.*\](ratios.png)$' "$T_DIR/s1/report.md" | cut -d: -f1)
[ -n "$np" ] && [ -n "$im" ] && [ "$im" -eq $((np + 2)) ] && [ "$im" -lt 25 ] \
    && t_ok "headline: the ratio chart right under it" || t_fail "headline: the ratio chart right under it" "$np $im"
# every comparison once: as many table rows as the analysis has comparisons, no sentence list
want=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["comparisons"]))' "$F/small.analysis.json")
got=$(sed -n '/^## Comparisons/,/^## Errors/p' "$T_DIR/s1/report.md" | grep -c '^| [a-z]')
[ "$got" -eq "$want" ] && t_ok "comparisons: each of the $want shown once" \
    || t_fail "comparisons: each shown once" "$got rows for $want comparisons"
sed -n '/^## Comparisons/,/^## Errors/p' "$T_DIR/s1/report.md" | grep -q '^- ' \
    && t_fail "comparisons: no sentence list under the tables" || t_ok "comparisons: no sentence list under the tables"
grep -q '^| beta | \*\*faster\*\* | throughput | 10 |' "$T_DIR/s1/report.md" \
    && t_ok "comparisons: the verdict right after the target" || t_fail "comparisons: the verdict right after the target"
# tables that fit: 9 columns at most, each row as wide as its header
python3 "$F/check_tables.py" "$T_DIR/s1/report.md" "$T_DIR/p0/report.md" \
    && t_ok "tables: at most 9 columns, rows as wide as their header" || t_fail "tables: at most 9 columns"
# the ratio chart: a log axis, a line at 1, the noise band, the intervals
t_has "ratios.gp: log x axis" "$T_DIR/s1/ratios.gp" "set logscale x"
t_has "ratios.gp: the noise band shaded" "$T_DIR/s1/ratios.gp" "set object 1 rect from 0.99, graph 0 to 1.01, graph 1"
t_has "ratios.gp: a line at 1" "$T_DIR/s1/ratios.gp" "set arrow 1000 from 1, graph 0 to 1, graph 1"
t_has "ratios.gp: grouped by concurrency" "$T_DIR/s1/ratios.gp" "\"at 50 connections\""
python3 - "$F/small.analysis.json" "$T_DIR/s1/ratios.dat" <<'PY' && t_ok "ratios.dat: every primary comparison with the interval its verdict used" \
    || t_fail "ratios.dat: every primary comparison with the interval its verdict used"
import json, sys
an = json.load(open(sys.argv[1]))
want = sorted((round(c["ratio"], 6), round(c["ratio_ci_low"], 6), round(c["ratio_ci_high"], 6))
              for c in an["comparisons"] if c["metric"] in ("throughput_rps", "latency_p50", "latency_p99"))
got = sorted(tuple(round(float(x), 6) for x in l.split()[1:4])
             for l in open(sys.argv[2]) if l.strip() and not l.startswith("#"))
print("#   %d rows, %d comparisons" % (len(got), len(want)))
sys.exit(0 if got == want else 1)
PY
# log value axes once the figures span more than 10x, linear otherwise
t_has "latency.gp: log axis (0.3 to 1.1 ms is < 10x: no)" "$T_DIR/s1/latency.gp" "set yrange [0:*]"

# a user can redraw a chart from its script in the directory
rm -f "$T_DIR/s1/throughput.png"
(cd "$T_DIR/s1" && gnuplot throughput.gp) && is_png "redraw: gnuplot throughput.gp" "$T_DIR/s1/throughput.png"

# byte-identical rerun, including the chart sources
t_run "small: second run exits 0" 0 \
    "$RIGOR" report "$F/small.json" --analysis "$F/small.analysis.json" -o "$T_DIR/s2"
same=1
for f in report.md throughput.gp throughput.dat spectrum.dat box.dat timeseries.gp; do
    cmp -s "$T_DIR/s1/$f" "$T_DIR/s2/$f" || { same=0; echo "#   $f differs"; }
done
[ $same = 1 ] && t_ok "rerun: report.md and chart sources byte-identical" || t_fail "rerun: byte-identical"

# only the charts whose data exist
t_run "partial: report with charts exits 0" 0 \
    "$RIGOR" report "$F/partial.json" --analysis "$F/partial.analysis.json" -o "$T_DIR/p1"
is_png "partial: throughput.png (bars, one concurrency)" "$T_DIR/p1/throughput.png"
is_png "partial: latency.png (p50 only)" "$T_DIR/p1/latency.png"
n=$(ls "$T_DIR/p1" | grep -c '\.png$')
[ "$n" -eq 2 ] && t_ok "partial: no empty charts (2 PNGs)" || t_fail "partial: no empty charts" "$n PNGs: $(ls "$T_DIR/p1")"
t_lacks "partial: no spectrum link without histograms" "$T_DIR/p1/report.md" "spectrum"
t_lacks "partial: no ratio chart without comparisons" "$T_DIR/p1/report.md" "ratios"
t_has "partial: a linear axis for p50 from 10 to 77 ms (under 10x)" "$T_DIR/p1/latency.gp" "set yrange [0:*]"
# the real loopback comparison: Flask's 2.7k req/s next to 137k, 66 us to 25 ms: log axes
t_run "loopback: --scripts-only exits 0" 0 "$RIGOR" report datasets/loopback-comparison.json \
    --baseline nginx -o "$T_DIR/lb" --scripts-only -q
for c in throughput latency box spectrum server_rss; do
    t_has "loopback: $c.gp has a log value axis (figures span over 10x)" "$T_DIR/lb/$c.gp" "set logscale y"
done
t_has "loopback: server_cpu.gp stays linear (88% to 109%)" "$T_DIR/lb/server_cpu.gp" "set yrange [0:*]"

# svg
t_run "svg: --format svg exits 0" 0 \
    "$RIGOR" report "$F/small.json" --analysis "$F/small.analysis.json" -o "$T_DIR/v" --format svg
t_has "svg: throughput.svg is SVG" "$T_DIR/v/throughput.svg" "<svg"
t_has "svg: report.md links the svg" "$T_DIR/v/report.md" "(throughput.svg)"

# --concurrency picks the cell of the per-cell charts
t_run "focus: -c 10 exits 0" 0 \
    "$RIGOR" report "$F/small.json" --analysis "$F/small.analysis.json" -o "$T_DIR/c10" -c 10
t_has "focus: spectrum at concurrency 10" "$T_DIR/c10/spectrum.gp" "at concurrency 10"

# --scripts-only: the .gp and .dat, no gnuplot needed, exit 0
t_run "scripts-only: exit 0 without gnuplot" 0 env GNUPLOT=/nonexistent/gnuplot \
    "$RIGOR" report "$F/small.json" --analysis "$F/small.analysis.json" -o "$T_DIR/so" --scripts-only
[ -s "$T_DIR/so/throughput.gp" ] && [ ! -e "$T_DIR/so/throughput.png" ] && t_ok "scripts-only: .gp written, no .png" \
    || t_fail "scripts-only: .gp written, no .png"

# --title replaces the dataset's title, escaped like any label
t_run "title: --title exits 0" 0 "$RIGOR" report "$F/small.json" --analysis "$F/small.analysis.json" \
    -o "$T_DIR/t" --no-charts --title 'A|B <i>#1</i>'
t_has "title: escaped heading" "$T_DIR/t/report.md" '# A\|B &lt;i&gt;\#1&lt;/i&gt;'

# gnuplot missing: report.md still written, exit 1, message names gnuplot and the package
t_run "no gnuplot: exit 1" 1 env GNUPLOT=/nonexistent/gnuplot \
    "$RIGOR" report "$F/small.json" --analysis "$F/small.analysis.json" -o "$T_DIR/ng"
cmp -s "$T_DIR/ng/report.md" "$F/small.md" && t_ok "no gnuplot: report.md written" \
    || t_fail "no gnuplot: report.md written"
t_has "no gnuplot: message names gnuplot" "$T_ERR" "gnuplot not found"
t_has "no gnuplot: message says how to install" "$T_ERR" "apt-get install gnuplot-nox"
t_run "no gnuplot on PATH: exit 1" 1 env PATH=/nonexistent \
    "$RIGOR" report "$F/small.json" --analysis "$F/small.analysis.json" -o "$T_DIR/ng2"
t_has "no gnuplot on PATH: message" "$T_ERR" "gnuplot"

# a failing gnuplot is reported with its stderr
fake="$T_DIR/fakegnuplot"
printf '#!/bin/sh\necho "fake gnuplot: line 3: it broke" >&2\nexit 1\n' >"$fake"
chmod +x "$fake"
t_run "failing gnuplot: exit 1" 1 env GNUPLOT="$fake" \
    "$RIGOR" report "$F/small.json" --analysis "$F/small.analysis.json" -o "$T_DIR/fg"
t_has "failing gnuplot: its stderr is shown" "$T_ERR" "it broke"

# bad input: exit 2 with one clear line
t_run "missing -o: exit 2" 2 "$RIGOR" report "$F/small.json" --analysis "$F/small.analysis.json"
t_has "missing -o: says so" "$T_ERR" "-o"
t_run "no dataset: exit 2" 2 "$RIGOR" report -o "$T_DIR/x"
t_run "unreadable dataset: exit 2" 2 "$RIGOR" report "$T_DIR/nope.json" -o "$T_DIR/x"
printf '{"format": "rigor-dataset", "version": 1, "meta": {}, "runs": [{"target": "a", "run": "one", "source": "load"}]}\n' >"$T_DIR/bad.json"
t_run "invalid dataset: exit 2" 2 "$RIGOR" report "$T_DIR/bad.json" -o "$T_DIR/x"
t_has "invalid dataset: names the path" "$T_ERR" "runs[0].run"
printf '{"format": "rigor-dataset", "version": 1, "meta": {}, "runs": [' >"$T_DIR/trunc.json"
t_run "truncated JSON: exit 2" 2 "$RIGOR" report "$T_DIR/trunc.json" -o "$T_DIR/x"
t_run "unknown option: exit 2" 2 "$RIGOR" report "$F/small.json" -o "$T_DIR/x" --bogus
t_run "bad format: exit 2" 2 "$RIGOR" report "$F/small.json" -o "$T_DIR/x" --format gif
t_run "bad confidence: exit 2" 2 "$RIGOR" report "$F/small.json" -o "$T_DIR/x" --confidence 1.5
t_run "bad size: exit 2" 2 "$RIGOR" report "$F/small.json" -o "$T_DIR/x" --size 10x
t_run "concurrency no cell has: exit 2" 2 \
    "$RIGOR" report "$F/small.json" --analysis "$F/small.analysis.json" -o "$T_DIR/x" -c 7
t_has "concurrency no cell has: message" "$T_ERR" "no cell has concurrency"
printf '{"groups": [{"target": 5}]}' >"$T_DIR/an-bad.json"
t_run "analysis with a bad group: exit 2" 2 \
    "$RIGOR" report "$F/small.json" --analysis "$T_DIR/an-bad.json" -o "$T_DIR/x"
t_run "analysis not an analysis: exit 2" 2 \
    "$RIGOR" report "$F/small.json" --analysis "$F/small.json" -o "$T_DIR/x"
: >"$T_DIR/file"
t_run "output is a file: exit 1" 1 \
    "$RIGOR" report "$F/small.json" --analysis "$F/small.analysis.json" -o "$T_DIR/file" --no-charts
# a saved analysis with every key of the wrong type or out of range: a report, no crash
cat >"$T_DIR/an-odd.json" <<'EOF'
{"confidence": "high", "noise": 5, "baseline": 7,
 "groups": [{"target": "alpha", "concurrency": 10, "metrics": {"throughput_rps": {"mean": "x", "n": "y"}}},
            {"target": "beta", "concurrency": 10, "metrics": 5}],
 "comparisons": [5, {"target": 3, "metric": null, "ratio": "big"},
   {"target": "beta", "metric": "throughput_rps", "concurrency": 10, "ratio": -1,
    "ratio_ci_low": 1e308, "ratio_ci_high": -5, "ci_level": 7, "verdict": 12, "scale": "difference"},
   {"target": "beta", "metric": "latency_p99", "concurrency": 10, "ratio": 0, "verdict": "faster",
    "p_welch": 0.01, "sentence": 4},
   {"target": "beta", "metric": "latency_p50", "concurrency": 10, "ratio": 1e300, "ratio_ci_low": 0,
    "ratio_ci_high": 1e308, "p_welch": 0.01, "verdict": "worse", "note": ""}],
 "warnings": [3, {"kind": 5, "message": null}, {"target": "beta", "kind": "k", "message": ""},
              {"target": "gamma", "kind": "k", "message": " "}]}
EOF
t_run "odd analysis: report exits 0" 0 \
    "$RIGOR" report "$F/small.json" --analysis "$T_DIR/an-odd.json" -o "$T_DIR/odd" -q
python3 "$F/check_tables.py" "$T_DIR/odd/report.md" && t_ok "odd analysis: tables intact" \
    || t_fail "odd analysis: tables intact"
t_run "--help: exit 0" 0 "$RIGOR" report --help
t_has "--help: documents -o" "$T_OUT" "--output DIR"

t_done
