#!/bin/sh
# tests/e2e/analyze.sh — `rigor analyze` on fixture datasets: text, --json (parsed by python),
# --markdown, options, and bad input (exit 2 with file and line).
. "$(dirname "$0")/lib.sh"
F=tests/fixtures/analyze
PY=/usr/bin/python3

t_run "analyze text" 0 "$RIGOR" analyze "$F/two_targets.json"
t_has "text: cell header" "$T_OUT" "fastify @ 100 connections: 6 runs"
t_has "text: faster sentence" "$T_OUT" "faster than express at 100 connections (99.44% CI, Holm, n = 6 + 6)"
t_has "text: the family and its level" "$T_OUT" "Holm over 17 comparisons at 95%"
t_has "text: drift warning" "$T_OUT" "steady state not reached"
t_has "text: incomplete skipped" "$T_OUT" "1 incomplete skipped"

t_run "analyze --json" 0 "$RIGOR" analyze --json "$F/two_targets.json"
cp "$T_OUT" "$T_DIR/a.json"
if $PY - "$T_DIR/a.json" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["confidence"] == 0.95
assert len(d["groups"]) == 5
c = [x for x in d["comparisons"] if x["target"] == "fastify" and x["concurrency"] == 100
     and x["metric"] == "throughput_rps"][0]
assert c["verdict"] == "faster", c
assert c["ratio_ci_low"] < c["ratio_ci95_low"] < c["ratio"] < c["ratio_ci95_high"] < c["ratio_ci_high"]
assert c["p_adjusted"] < 0.05 and c["in_family"] and c["scale"] == "log"
assert 0.95 < c["ci_level"] < 1 and d["family_size"] == 17
# every verdict agrees with its printed interval and the 1% noise band, and only then
for x in d["comparisons"]:
    lo, hi = (x["ratio_ci_low"], x["ratio_ci_high"]) if x["scale"] == "log" else \
             (x["difference_ci_low"], x["difference_ci_high"])
    null, band = (1, 0.01) if x["scale"] == "log" else (0, 0.01 * abs(x["mean_baseline"]))
    clears = lo is not None and (lo > null + band or hi < null - band)
    assert clears == (x["verdict"] != "~"), x
kinds = {w["kind"] for w in d["warnings"]}
assert {"drift", "error_rate", "single_run", "incomplete", "runs_needed"} <= kinds, kinds
PYEOF
then t_ok "json parses and holds the verdicts"; else t_fail "json parses and holds the verdicts"; fi

t_run "analyze --markdown" 0 "$RIGOR" analyze --markdown "$F/two_targets.json"
t_has "markdown: table header" "$T_OUT" "| metric | n | mean | 95% CI |"
t_has "markdown: comparison row" "$T_OUT" "| fastify @ 100 connections | throughput_rps |"
t_has "markdown: warnings" "$T_OUT" "## Warnings"

t_run "analyze stdin + --baseline + --confidence 99%" 0 sh -c \
    "\"$RIGOR\" analyze --baseline fastify --confidence 99% - < $F/two_targets.json"
t_has "baseline fastify: express slower" "$T_OUT" "express is"
t_has "99% everywhere" "$T_OUT" "Holm over 17 comparisons at 99%"

t_run "summary-only published runs" 0 "$RIGOR" analyze "$F/published.json"
t_has "published: verdict" "$T_OUT" "express is 2.10×"
t_has "published: no baseline warning" "$T_OUT" "no fastapi runs at 2000 req/s"

t_run "bootstrap seeded" 0 "$RIGOR" analyze --json --bootstrap 2000 --seed 3 "$F/two_targets.json"
cp "$T_OUT" "$T_DIR/b1.json"
"$RIGOR" analyze --json --bootstrap 2000 --seed 3 "$F/two_targets.json" > "$T_DIR/b2.json"
if cmp -s "$T_DIR/b1.json" "$T_DIR/b2.json" && grep -q '"bootstrap"' "$T_DIR/b1.json"; then
    t_ok "bootstrap reproducible"; else t_fail "bootstrap reproducible"; fi

# the Markdown is a product: byte-identical to the reviewed golden file. Regenerate after an
# intended change with: ./rigor analyze --markdown tests/fixtures/analyze/two_targets.json \
#   > tests/fixtures/analyze/two_targets.md   (and review the diff)
"$RIGOR" analyze --markdown "$F/two_targets.json" > "$T_DIR/md" 2>&1
if cmp -s "$T_DIR/md" "$F/two_targets.md"; then t_ok "markdown matches golden"
else t_fail "markdown matches golden"; diff "$T_DIR/md" "$F/two_targets.md" | head -20 | sed 's/^/#   /'; fi

# the cases of issue 11 (tests/fixtures/analyze/make_fixtures.py says what each is)
t_run "cases: text" 0 "$RIGOR" analyze "$F/cases.json"
t_has "cases: a 503-only server is at 100%" "$T_OUT" "fail503 has a higher error rate than ok at 10 connections: 100% vs 0%"
t_has "cases: RSS constant per process: no verdict" "$T_OUT" "again and ok: no verdict on server memory (RSS) at 10 connections"
t_has "cases: per_process warning" "$T_OUT" "does not vary between the runs of one server process"
t_has "cases: open loop shortfall" "$T_OUT" "did not keep up with the asked rate in 2 of 5 runs (at worst 1600 of 2000 req/s)"
t_has "cases: zero throughput by difference" "$T_OUT" "zero is slower than ok at 10 connections: 0 req/s vs"
t_run "cases: json" 0 "$RIGOR" analyze --json "$F/cases.json"
cp "$T_OUT" "$T_DIR/c.json"
if $PY - "$T_DIR/c.json" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
g = {(x["target"], x["concurrency"], x["rate"]): x for x in d["groups"]}
assert g[("fail503", 10, None)]["metrics"]["error_rate"]["mean"] == 1.0
rss = g[("ok", 10, None)]["metrics"]["server_rss_kb"]
assert rss["per_process"] and rss["n"] == 1 and rss["n_runs"] == 5, rss
c = {(x["target"], x["concurrency"], x["rate"], x["metric"]): x for x in d["comparisons"]}
x = c[("again", 10, None, "server_rss_kb")]
assert x["verdict"] == "~" and not x["in_family"] and x["note"] == "one observation per server process"
x = c[("zero", 10, None, "throughput_rps")]
assert x["scale"] == "difference" and x["ratio"] == 0 and x["verdict"] == "slower", x
assert x["difference_ci_high"] < 0
assert all(not x["in_family"] or x["p_adjusted"] is not None for x in d["comparisons"])
assert sum(x["in_family"] for x in d["comparisons"]) == d["family_size"]
kinds = [w["kind"] for w in d["warnings"]]
assert kinds.count("per_process") == 2 and "rate_shortfall" in kinds, kinds
PYEOF
then t_ok "cases json: error rate, per-process, difference scale, family"; else t_fail "cases json: error rate, per-process, difference scale, family"; fi

# hostile labels, zero and huge values, n = 1, all-zero baselines: no NaN, no raw escapes
t_run "edge dataset text" 0 "$RIGOR" analyze "$F/edge.json"
t_lacks "edge text: no nan" "$T_OUT" "nan"
if grep -q "$(printf '\033')" "$T_OUT"; then t_fail "edge text: escape sequence removed"; else t_ok "edge text: escape sequence removed"; fi
t_run "edge dataset markdown" 0 "$RIGOR" analyze --markdown "$F/edge.json"
t_lacks "edge markdown: no nan" "$T_OUT" "nan"
t_has "edge markdown: pipe escaped" "$T_OUT" 'c \[31m\|\*'
t_run "edge dataset json" 0 "$RIGOR" analyze --json "$F/edge.json"
if $PY -c 'import json,sys; json.load(open(sys.argv[1]))' "$T_OUT"; then t_ok "edge json parses"; else t_fail "edge json parses"; fi

t_run "bad dataset exits 2" 2 "$RIGOR" analyze "$F/bad_type.json"
t_has "bad dataset: file, line, column, path" "$T_ERR" "bad_type.json:4:24: runs[0].requests"
printf '{"format": "rigor-dataset", "version": 1, "runs": [' > "$T_DIR/trunc.json"
t_run "truncated JSON exits 2" 2 "$RIGOR" analyze "$T_DIR/trunc.json"
t_has "truncated JSON: file and line" "$T_ERR" "trunc.json:1:"
t_run "missing file exits 2" 2 "$RIGOR" analyze "$T_DIR/nope.json"
t_run "no dataset exits 2" 2 "$RIGOR" analyze
t_run "unknown option exits 2" 2 "$RIGOR" analyze --frobnicate "$F/two_targets.json"
t_run "bad confidence exits 2" 2 "$RIGOR" analyze --confidence 1.5 "$F/two_targets.json"
t_run "bad noise exits 2" 2 "$RIGOR" analyze --noise abc "$F/two_targets.json"
t_run "bad bootstrap exits 2" 2 "$RIGOR" analyze --bootstrap 5 "$F/two_targets.json"
t_run "bad ratio exits 2" 2 "$RIGOR" analyze --ratio median "$F/two_targets.json"
t_has "bad ratio: says what is allowed" "$T_ERR" "want geometric or mean"
t_run "ratio of means (Fieller)" 0 "$RIGOR" analyze --json --ratio mean "$F/two_targets.json"
t_has "ratio of means: Fieller" "$T_OUT" '"ratio_ci_method": "fieller"'
t_run "unknown baseline exits 2" 2 "$RIGOR" analyze -b nope "$F/two_targets.json"
t_has "unknown baseline names the targets" "$T_ERR" "targets: 'express', 'fastify', 'nginx'"
t_run "--json with --markdown exits 2" 2 "$RIGOR" analyze --json --markdown "$F/two_targets.json"
t_run "help" 0 "$RIGOR" analyze --help
t_has "help lists options" "$T_OUT" "--include-incomplete"
t_done
