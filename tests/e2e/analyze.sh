#!/bin/sh
# tests/e2e/analyze.sh — `rigor analyze` on fixture datasets: text, --json (parsed by python),
# --markdown, options, and bad input (exit 2 with file and line).
. "$(dirname "$0")/lib.sh"
F=tests/fixtures/analyze
PY=/usr/bin/python3

t_run "analyze text" 0 "$RIGOR" analyze "$F/two_targets.json"
t_has "text: cell header" "$T_OUT" "fastify @ 100 connections: 6 runs"
t_has "text: faster sentence" "$T_OUT" "faster than express at 100 connections (95% CI, p < 0.001, n = 6 + 6)"
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
assert c["ratio_ci_low"] < c["ratio"] < c["ratio_ci_high"]
assert c["p_adjusted"] < 0.05
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
t_has "99% everywhere" "$T_OUT" "(99% CI"

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
t_run "unknown baseline exits 2" 2 "$RIGOR" analyze -b nope "$F/two_targets.json"
t_has "unknown baseline names the targets" "$T_ERR" "targets: 'express', 'fastify', 'nginx'"
t_run "--json with --markdown exits 2" 2 "$RIGOR" analyze --json --markdown "$F/two_targets.json"
t_run "help" 0 "$RIGOR" analyze --help
t_has "help lists options" "$T_OUT" "--include-incomplete"
t_done
