#!/bin/sh
# tests/e2e/report_analyze.sh — `rigor report` with the real analysis (an_analyze), and the
# converted published datasets in datasets/.
#
# Unlike report_basic.sh (which feeds a fixed analysis to test the rendering alone), this
# checks the join with analyze: its intervals and verdicts reach the tables, options reach
# it, the output is byte-identical across runs, and every dataset in datasets/ validates and
# reports.
. tests/e2e/lib.sh
F=tests/fixtures/report

t_run "analyze: report exits 0" 0 "$RIGOR" report "$F/small.json" -o "$T_DIR/a1" --no-charts
t_has "analyze: CI in the summary" "$T_DIR/a1/report.md" "±"
t_has "analyze: a verdict" "$T_DIR/a1/report.md" "| beta | **faster** | throughput |"
t_has "analyze: the sentence form" "$T_DIR/a1/report.md" "beta is 2.01×"
t_run "analyze: second run exits 0" 0 "$RIGOR" report "$F/small.json" -o "$T_DIR/a2" --no-charts
cmp -s "$T_DIR/a1/report.md" "$T_DIR/a2/report.md" && t_ok "analyze: byte-identical rerun" \
    || t_fail "analyze: byte-identical rerun"

# the analysis that `rigor analyze --json` prints gives the same report
"$RIGOR" analyze --json "$F/small.json" >"$T_DIR/an.json" 2>/dev/null
if [ -s "$T_DIR/an.json" ]; then
    t_run "analyze --json | report --analysis exits 0" 0 \
        "$RIGOR" report "$F/small.json" --analysis "$T_DIR/an.json" -o "$T_DIR/a3" --no-charts
    cmp -s "$T_DIR/a1/report.md" "$T_DIR/a3/report.md" && t_ok "analyze: --analysis of analyze --json is the same report" \
        || t_fail "analyze: --analysis of analyze --json is the same report"
else
    t_ok "analyze --json not available in this build # SKIP"
fi

# options reach analyze
t_run "baseline: --baseline beta exits 0" 0 \
    "$RIGOR" report "$F/small.json" -o "$T_DIR/b" --no-charts --baseline beta
t_has "baseline: compared with beta" "$T_DIR/b/report.md" "## Comparisons with beta"
t_has "baseline: alpha is a row" "$T_DIR/b/report.md" "| alpha | **slower** | throughput | 10 |"
t_run "confidence: --confidence 99% exits 0" 0 \
    "$RIGOR" report "$F/small.json" -o "$T_DIR/c" --no-charts --confidence 99%
t_has "confidence: shown in the method" "$T_DIR/c/report.md" "Confidence level: 99%"
t_has "confidence: in the summary's intervals" "$T_DIR/c/report.md" "half-width of its 99% confidence interval"
t_run "baseline no target has: exit 2" 2 \
    "$RIGOR" report "$F/small.json" -o "$T_DIR/x" --baseline nobody
t_has "baseline no target has: message" "$T_ERR" "nobody"

# two datasets together
t_run "two datasets: exit 0" 0 "$RIGOR" report "$F/small.json" "$F/partial.json" -o "$T_DIR/two" --no-charts
t_has "two datasets: both listed" "$T_DIR/two/report.md" "- partial.json (3 runs)"

# every stored dataset loads, analyses and reports, in tables that fit (9 columns at most);
# the converted published ones show their source
for d in datasets/*.json; do
    n=$(basename "$d" .json)
    t_run "datasets/$n: report exits 0" 0 "$RIGOR" report "$d" -o "$T_DIR/d-$n" --no-charts
    python3 tests/fixtures/report/check_tables.py "$T_DIR/d-$n/report.md" \
        && t_ok "datasets/$n: every table at most 9 columns" || t_fail "datasets/$n: every table at most 9 columns"
    grep -q '"source": "published"' "$d" || continue
    t_has "datasets/$n: provenance in the header" "$T_DIR/d-$n/report.md" "source: published"
    t_has "datasets/$n: the source rows reprinted" "$T_DIR/d-$n/report.md" "## As published"
done
# the published examples (docs/examples, rebuilt by `make examples`) fit a page too
python3 tests/fixtures/report/check_tables.py docs/examples/*/report.md \
    && t_ok "docs/examples: every table at most 9 columns (rebuilt with make examples)" \
    || t_fail "docs/examples: every table at most 9 columns (rebuilt with make examples)"
# the README quotes the real loopback comparison's headline as its report has it now
python3 - docs/examples/loopback-comparison/report.md README.md <<'PY' \
    && t_ok "README: the loopback comparison's headline is the report's" \
    || t_fail "README: the loopback comparison's headline is the report's (rebuild docs/examples, copy it)"
import sys
md = open(sys.argv[1], encoding="utf-8").read().split("\n")
readme = open(sys.argv[2], encoding="utf-8").read()
end = next(i for i, l in enumerate(md) if l.startswith("!["))
missing = [l for l in md[2:end] if l and "> " + l not in readme]
for l in missing:
    print("#   not in README:", l[:100])
sys.exit(1 if missing else 0)
PY
t_has "autocannon: a published column with no v1 field is reprinted" \
    "$T_DIR/d-autocannon-python-vs-js/report.md" "| Min Req/Sec |"
# ...and the converter reproduces them byte for byte from the seeds, when the seeds are here
seeds=${RIGOR_SEEDS:-$(pwd)/../shared/seeds}
if [ -d "$seeds" ] && command -v python3 >/dev/null; then
    mkdir -p "$T_DIR/conv/datasets"
    cp datasets/convert_seeds.py "$T_DIR/conv/datasets/"
    python3 "$T_DIR/conv/datasets/convert_seeds.py" "$seeds" >/dev/null
    same=1
    for d in datasets/*.json; do
        grep -q '"source": "published"' "$d" || continue
        cmp -s "$d" "$T_DIR/conv/datasets/$(basename "$d")" || { same=0; echo "#   $d differs"; }
    done
    [ $same = 1 ] && t_ok "datasets: convert_seeds.py reproduces the committed files" \
        || t_fail "datasets: convert_seeds.py reproduces the committed files"
else
    t_ok "datasets: converter check skipped (no seeds at $seeds) # SKIP"
fi
t_done
