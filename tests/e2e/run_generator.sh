#!/bin/sh
# tests/e2e/run_generator.sh — plans whose targets are loaded by an external generator (hey):
# the whole plan against `rigor serve` (interleaved runs, servers started and stopped, CPU
# sampled, thresholds checked on the imported runs), placeholders quoted for the shell,
# output by {output} or stdout, trim_warmup, failures (unreadable output, timeout) and bad
# generator keys.
. "$(dirname "$0")/lib.sh"
if ! command -v hey >/dev/null 2>&1; then
    echo "# hey is not installed (tools/deps.sh installs it): skipping"
    t_ok "skipped: no hey"
    t_done
    exit 0
fi
p1=$(t_port); p2=$(t_port)
HEY='"generator": {"command": "hey -z {duration} -c {concurrency} -o csv {url}", "format": "hey"}'
cat >"$T_DIR/plan.json" <<JSON
{"title": "hey drives the plan", "duration": "1s", "warmup": "0s", "runs": 2,
 "concurrency": [2, 4], "seed": 5,
 "targets": [
   {"name": "fast", "url": "http://127.0.0.1:$p1/", "start": "rigor serve --listen 127.0.0.1:$p1 -q", $HEY},
   {"name": "slow", "url": "http://127.0.0.1:$p2/", "start": "rigor serve --listen 127.0.0.1:$p2 -q --delay 2ms", $HEY,
    "thresholds": ["p50 > 1ms"]}],
 "thresholds": ["p99 < 2s", "errors < 1%"]}
JSON
t_run "plan with hey as the generator" 0 "$RIGOR" run "$T_DIR/plan.json" -o "$T_DIR/ds.json" -q
t_has "thresholds checked" "$T_OUT" "ok        p99 < 2s"
python3 - "$T_DIR/ds.json" >"$T_DIR/chk" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
runs = d["runs"]
seq = [(s["target"], s["concurrency"], s["run"]) for s in d["meta"]["plan"]["sequence"]]
got = [(r["target"], r["concurrency"], r["run"]) for r in runs]
slow = [r for r in runs if r["target"] == "slow"]
checks = [
    (len(runs) == 8, "8 runs"),
    (got == seq, "runs made in the plan's interleaved order"),
    (all(r["source"] == "import:hey" for r in runs), "source import:hey"),
    (all(r["requests"] > 0 and r["latency"]["histogram"]["count"] == r["requests"] for r in runs),
     "every run has its requests and their histogram"),
    (all(r["server"]["samples"] >= 1 and r["server"]["rss_kb_max"] > 0 for r in runs),
     "server CPU/RSS sampled during the generator"),
    (all(r["generator"]["exit_status"] == 0 and "'http://127.0.0.1:" in r["generator"]["command"]
         for r in runs), "generator command recorded, URL quoted"),
    (all(r["latency"]["p50"] >= 2000 for r in slow), "slow target's 2 ms delay seen"),
]
for ok, what in checks:
    print("%s|%s" % ("ok" if ok else "fail", what))
PY
while IFS='|' read -r res what; do
    [ "$res" = ok ] && t_ok "$what" || t_fail "$what" "$(head -c 600 "$T_DIR/ds.json")"
done <"$T_DIR/chk"
sleep 0.3
curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$p1/" && t_fail "servers stopped" || t_ok "servers stopped"

# a violated threshold on imported runs: exit 3
sed 's/"p50 > 1ms"/"p50 < 1us"/' "$T_DIR/plan.json" >"$T_DIR/strict.json"
sed -i 's/"runs": 2/"runs": 1/; s/\[2, 4\]/[2]/' "$T_DIR/strict.json"
t_run "threshold violated on imported runs: exit 3" 3 "$RIGOR" run "$T_DIR/strict.json" -q
t_has "... names it" "$T_ERR" 'threshold "p50 < 1us" violated: slow'

# plan-level generator, output through {output}, a hostile name kept out of the shell,
# trim_warmup cutting the first requests
cat >"$T_DIR/plan2.json" <<JSON
{"duration": "1s", "warmup": "300ms", "runs": 1, "concurrency": [2],
 "generator": {"command": "echo {target} >/dev/null; hey -z {total} -c {concurrency} -o csv {url} > {output}",
               "format": "hey", "trim_warmup": true},
 "targets": [{"name": "x'; touch $T_DIR/INJECTED; echo '", "url": "http://127.0.0.1:$p1/",
              "start": "rigor serve --listen 127.0.0.1:$p1 -q"}]}
JSON
t_run "plan-level generator, {output}, trim_warmup" 0 "$RIGOR" run "$T_DIR/plan2.json" -o "$T_DIR/ds2.json" -q
[ -e "$T_DIR/INJECTED" ] && t_fail "target name kept out of the shell" || t_ok "target name kept out of the shell"
python3 - "$T_DIR/ds2.json" >"$T_DIR/chk2" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["runs"][0]
ok = r["import"]["skipped_requests"] > 0 and r["warmup_s"] == 0.3 and "-z 1300ms" in r["generator"]["command"]
print("ok" if ok else json.dumps({k: r.get(k) for k in ("import", "generator", "warmup_s")}))
PY
[ "$(cat "$T_DIR/chk2")" = ok ] && t_ok "warm-up requests dropped, {total} = 1300ms" || t_fail "trim_warmup" "$(cat "$T_DIR/chk2")"

# failures: output that does not read, a command that does not finish
cat >"$T_DIR/plan3.json" <<JSON
{"duration": "1s", "warmup": "0s", "runs": 2, "concurrency": [1],
 "targets": [{"name": "t", "url": "http://127.0.0.1:$p1/", "start": "rigor serve --listen 127.0.0.1:$p1 -q",
              "generator": {"command": "echo not-a-csv; echo the-tool-said-this >&2", "format": "hey"}}]}
JSON
t_run "unreadable output: exit 1" 1 "$RIGOR" run "$T_DIR/plan3.json" -o "$T_DIR/ds3.json" -q
t_has "... says the output could not be read" "$T_ERR" "the generator's output could not be read"
t_has "... quotes the tool's output" "$T_ERR" "the-tool-said-this"
sed 's/"command": "echo not-a-csv; echo the-tool-said-this >&2"/"command": "sleep 20", "timeout": "1s"/' \
    "$T_DIR/plan3.json" >"$T_DIR/plan4.json"
t_run "generator timeout: exit 1" 1 "$RIGOR" run "$T_DIR/plan4.json" -o "$T_DIR/ds4.json" -q
t_has "... says so" "$T_ERR" "did not finish within 1 s"

# capture beside an external generator: the wire sees every request hey completed (root only)
if [ "$(id -u)" -eq 0 ]; then
    cat >"$T_DIR/cap.json" <<JSON
{"duration": "1s", "warmup": "0s", "runs": 1, "concurrency": [2], "capture": "lo",
 "targets": [{"name": "t", "url": "http://127.0.0.1:$p1/", "start": "rigor serve --listen 127.0.0.1:$p1 -q",
              $HEY}]}
JSON
    t_run "generator with capture lo" 0 "$RIGOR" run "$T_DIR/cap.json" -o "$T_DIR/cap-ds.json" -q
    w=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["runs"][0]; print(r["wire"]["requests"] == r["requests"] > 0, r["wire"]["drops"])' "$T_DIR/cap-ds.json")
    [ "$w" = "True 0" ] && t_ok "wire requests = hey's requests, no drops" || t_fail "capture beside hey" "$w"
else
    echo "ok - # SKIP capture needs root"
fi

# bad generator keys: exit 2 before any load
bad() {  # name, generator JSON, message, [extra target keys]
    printf '{"concurrency": [2], "targets": [{"url": "http://127.0.0.1:%s/", "generator": %s%s}]}\n' \
        "$p1" "$2" "${4:-}" >"$T_DIR/bad.json"
    t_run "rejected: $1" 2 "$RIGOR" run "$T_DIR/bad.json" --dry-run
    t_has "message: $1" "$T_ERR" "$3"
}
bad "unknown placeholder" '{"command": "hey -z {duraton} {url}", "format": "hey"}' \
    "targets[0].generator.command: unknown placeholder {duraton}"
bad "unknown format" '{"command": "hey {url}", "format": "heyy"}' "targets[0].generator.format: unknown format"
bad "missing format" '{"command": "hey {url}"}' "targets[0].generator.format: missing"
bad "missing command" '{"format": "hey"}' "targets[0].generator.command: missing"
bad "{rate} in closed loop" '{"command": "vegeta -rate {rate}", "format": "vegeta"}' "{rate} in a closed-loop plan"
bad "trim_warmup on a summary" '{"command": "k6 run s.js", "format": "k6-summary", "trim_warmup": true}' \
    "generator.trim_warmup: k6-summary holds aggregates only"
bad "unknown generator key" '{"command": "hey {url}", "format": "hey", "retries": 2}' \
    "targets[0].generator.retries: unknown key"
bad "headers with a generator" '{"command": "hey {url}", "format": "hey"}' \
    "targets[0].headers: not used with an external generator" ', "headers": {"X": "1"}'
t_done
