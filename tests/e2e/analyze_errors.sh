#!/bin/sh
# tests/e2e/analyze_errors.sh — the error rate end to end (issue 11: a server answering 503 to
# everything was reported at 50%): real `rigor serve --status 503` and a healthy one, loaded
# by `rigor load` and by `rigor run`; every place that shows the rate says 100%: analyze's
# document and text, the report's summary, the plan's threshold and end-of-run summary.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/load_lib.inc"
D=$T_DIR

serve_start --status 503
t_run "load a 503-only server" 0 "$RIGOR" load "$URL" -n 200 -c 2 --runs 3 -q --label fail \
    -o "$D/ds.json"
serve_stop
serve_start
t_run "load a healthy server" 0 "$RIGOR" load "$URL" -n 200 -c 2 --runs 3 -q --label ok \
    -o "$D/ds.json"
serve_stop

t_run "analyze --json" 0 "$RIGOR" analyze --json --baseline ok "$D/ds.json"
cp "$T_OUT" "$D/a.json"
t_true "error rate of the 503 server is 1.0 in every run" \
    "[g['metrics']['error_rate'] for g in d['groups'] if g['target'] == 'fail'][0]['min'] == 1.0" \
    "$D/a.json"
t_true "compared by difference: +100 points, worse" \
    "[(c['scale'], c['difference'], c['verdict']) for c in d['comparisons'] if c['metric'] == 'error_rate'][0] == ('difference', 1.0, 'worse')" \
    "$D/a.json"
t_run "analyze text" 0 "$RIGOR" analyze --baseline ok "$D/ds.json"
t_has "text: 100% vs 0%" "$T_OUT" "fail has a higher error rate than ok at 2 connections: 100% vs 0%"
t_has "text: the warning says 100%" "$T_OUT" "mean error rate 100.00% of requests"
t_run "report" 0 "$RIGOR" report --no-charts "$D/ds.json" -o "$D/report"
t_has "report: 100% in the summary" "$D/report/report.md" "| 100 ± 0% |"

p=$(t_port)
cat >"$D/plan.json" <<EOF
{"title": "503", "duration": "300ms", "warmup": "0s", "runs": 2, "concurrency": [2],
 "targets": [{"name": "fail", "url": "http://127.0.0.1:$p/",
              "start": "exec rigor serve --listen 127.0.0.1:$p --status 503 --quiet"}],
 "thresholds": ["errors < 1%"]}
EOF
t_run "rigor run: the threshold is violated" 3 "$RIGOR" run "$D/plan.json" -o "$D/plan-ds.json" \
    -q
t_has "run summary: 100% errors" "$T_OUT" "100%"
t_has "run: threshold names 100%" "$T_OUT" "errors < 1%  worst: fail at concurrency 2: 100%"
t_done
