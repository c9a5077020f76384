#!/bin/sh
# tests/e2e/run.sh — `rigor run` end to end on loopback with rigor serve targets it starts:
# interleaved order (differs from sequential, matches the recorded and --dry-run order),
# servers started from this rigor and gone afterwards, the dataset complete, summary, report,
# thresholds (exit 3 with the message), per-target thresholds, sequential order.
. "$(dirname "$0")/lib.sh"

p1=$(t_port); p2=$(t_port)
while [ "$p2" = "$p1" ]; do p2=$(t_port); done
cat >"$T_DIR/plan.json" <<EOF
{"title": "e2e", "duration": "300ms", "warmup": "0s", "runs": 3, "concurrency": [1, 4],
 "seed": 5,
 "targets": [
  {"name": "a", "url": "http://127.0.0.1:$p1/",
   "start": "command -v rigor > $T_DIR/a.which; echo \$\$ > $T_DIR/a.pid; exec rigor serve --listen 127.0.0.1:$p1 --quiet"},
  {"name": "b", "url": "http://127.0.0.1:$p2/",
   "start": "echo \$\$ > $T_DIR/b.pid; exec rigor serve --listen 127.0.0.1:$p2 --body-size 2k --quiet"}],
 "thresholds": ["errors < 1%"]}
EOF

t_run "plan runs to the end" 0 "$RIGOR" run "$T_DIR/plan.json" -o "$T_DIR/ds.json" -q
cp "$T_OUT" "$T_DIR/summary.txt"
t_has "summary has a line per cell" "$T_DIR/summary.txt" "a                      4    3"
t_has "summary checks the threshold" "$T_DIR/summary.txt" "ok        errors < 1%"
t_has "summary names the dataset" "$T_DIR/summary.txt" "Dataset: $T_DIR/ds.json"

# The start command found the rigor under test first on PATH.
if [ "$(cat "$T_DIR/a.which" 2>/dev/null)" = "$(cd "$(dirname "$RIGOR")" && pwd)/rigor" ]; then
    t_ok "start command runs this rigor (its directory first on PATH)"
else
    t_fail "start command runs this rigor" "got '$(cat "$T_DIR/a.which" 2>/dev/null)', RIGOR=$RIGOR"
fi

# Both servers are gone.
for n in a b; do
    pid=$(cat "$T_DIR/$n.pid" 2>/dev/null)
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then t_ok "server $n ($pid) is gone"
    else t_fail "server $n is gone" "pid '$pid' still alive"; fi
done

"$RIGOR" run "$T_DIR/plan.json" --dry-run >"$T_DIR/dry.txt" 2>&1
python3 - "$T_DIR/ds.json" "$T_DIR/dry.txt" "$(cat "$T_DIR/a.pid")" <<'EOF' >"$T_DIR/check.txt" 2>&1
import json, sys, collections
ds = json.load(open(sys.argv[1]))
runs = ds["runs"]
got = [(r["target"], r["concurrency"], r["run"]) for r in runs]
seq = [(t, c, r) for t in ("a", "b") for c in (1, 4) for r in (1, 2, 3)]
plan = ds["meta"]["plan"]
rec = [(s["target"], s["concurrency"], s["run"]) for s in plan["sequence"]]
dry = []
for line in open(sys.argv[2]).read().splitlines()[1:]:
    f = line.split()
    dry.append((f[1], int(f[2].split("=")[1]), int(f[4])))
print("count", len(runs) == 12)
print("once", sorted(collections.Counter(got).values()) == [1] * 12 and sorted(got) == sorted(seq))
print("complete", all(r["complete"] for r in runs))
print("not-sequential", got != seq)
print("recorded", got == rec)
print("dry-run", got == dry)
print("rounds", [r["run"] for r in runs] == sorted(r["run"] for r in runs))
print("meta", plan["order"] == "interleaved" and plan["seed"] == 5 and plan["definition"]["title"] == "e2e")
a = [r for r in runs if r["target"] == "a"]
print("server-pid", all(r.get("server", {}).get("pid") == int(sys.argv[3]) for r in a))
print("requests", all(r["requests"] > 0 for r in runs))
cmd = ds["meta"]["provenance"]["command"]
print("provenance", cmd.index("plan.json") < cmd.index("-o") < cmd.index("-q"))
EOF
for k in count once complete not-sequential recorded dry-run rounds meta server-pid requests provenance; do
    if grep -qx "$k True" "$T_DIR/check.txt"; then t_ok "dataset: $k"
    else t_fail "dataset: $k" "$(cat "$T_DIR/check.txt" | tr '\n' ' ')"; fi
done

# Same seed, same order; another seed, another order (dry runs: nothing sent).
sed 's/"seed": 5/"seed": 6/' "$T_DIR/plan.json" >"$T_DIR/plan6.json"
"$RIGOR" run "$T_DIR/plan.json" --dry-run >"$T_DIR/dry2.txt" 2>&1
"$RIGOR" run "$T_DIR/plan6.json" --dry-run >"$T_DIR/dry6.txt" 2>&1
if cmp -s "$T_DIR/dry.txt" "$T_DIR/dry2.txt"; then t_ok "dry run: same seed, same order"
else t_fail "dry run: same seed, same order"; fi
if tail -n +2 "$T_DIR/dry.txt" | cmp -s - "$(tail -n +2 "$T_DIR/dry6.txt" >"$T_DIR/d6"; echo "$T_DIR/d6")"
then t_fail "dry run: another seed, another order"; else t_ok "dry run: another seed, another order"; fi

# Without --resume an existing dataset is never overwritten.
t_run "existing -o without --resume is refused" 2 "$RIGOR" run "$T_DIR/plan.json" -o "$T_DIR/ds.json"
t_has "... with a clear message" "$T_ERR" "already exists: add --resume"
# --resume on a finished dataset has nothing to do and changes nothing.
cp "$T_DIR/ds.json" "$T_DIR/ds.before"
t_run "resume of a finished plan succeeds" 0 "$RIGOR" run "$T_DIR/plan.json" -o "$T_DIR/ds.json" --resume -q
if cmp -s "$T_DIR/ds.json" "$T_DIR/ds.before"; then t_ok "... and leaves the dataset as it was"
else t_fail "... and leaves the dataset as it was"; fi

# Thresholds: violated -> exit 3, the target, the cell, the value and the limit; report written.
p3=$(t_port)
cat >"$T_DIR/thr.json" <<EOF
{"duration": "300ms", "warmup": 0, "runs": 2, "concurrency": [2], "order": "sequential",
 "targets": [
  {"name": "solo", "url": "http://127.0.0.1:$p3/",
   "start": "echo \$\$ > $T_DIR/solo.pid; exec rigor serve --listen 127.0.0.1:$p3 --quiet",
   "thresholds": ["p50 < 1us"]}],
 "thresholds": ["throughput_rps > 1G", "errors < 50%"]}
EOF
t_run "violated thresholds exit 3" 3 "$RIGOR" run "$T_DIR/thr.json" -o "$T_DIR/thr-ds.json" --report "$T_DIR/rep" -q
t_has "violation names target, cell, value, limit" "$T_ERR" 'threshold "throughput_rps > 1G" violated: solo at concurrency 2: throughput_rps = '
t_has "... and the limit" "$T_ERR" "limit > 1.00G req/s"
t_has "per-target threshold is checked" "$T_ERR" 'threshold "p50 < 1us" violated: solo at concurrency 2'
t_lacks "a met threshold is not reported as violated" "$T_ERR" "errors < 50%"
t_has "summary marks it" "$T_OUT" "VIOLATED  throughput_rps > 1G"
if [ -s "$T_DIR/rep/report.md" ]; then t_ok "report written before the threshold exit"
else t_fail "report written before the threshold exit"; fi
pid=$(cat "$T_DIR/solo.pid" 2>/dev/null)
if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then t_ok "sequential: server gone"
else t_fail "sequential: server gone" "pid '$pid'"; fi

# A target that is already running (no start) is loaded as it is.
p4=$(t_port)
t_bg "$RIGOR" serve --listen "127.0.0.1:$p4" --quiet
t_wait_http "http://127.0.0.1:$p4/" 10 || t_fail "external server answers"
cat >"$T_DIR/ext.json" <<EOF
{"duration": "300ms", "warmup": 0, "runs": 1, "rate": [200], "connections": 2,
 "targets": [{"name": "ext", "url": "http://127.0.0.1:$p4/"}]}
EOF
t_run "open-loop plan against a running target" 0 "$RIGOR" run "$T_DIR/ext.json" -o "$T_DIR/ext-ds.json" -q
t_has "rate recorded" "$T_DIR/ext-ds.json" '"rate": 200'
rm -f "$T_DIR/ext-ds.json"
t_run "--report --no-charts" 0 "$RIGOR" run "$T_DIR/ext.json" -o "$T_DIR/ext-ds.json" --report "$T_DIR/rep2" --no-charts -q
if [ -s "$T_DIR/rep2/report.md" ] && ! ls "$T_DIR"/rep2/*.png >/dev/null 2>&1; then
    t_ok "... writes report.md and no chart"
else
    t_fail "... writes report.md and no chart" "$(ls "$T_DIR/rep2" 2>&1)"
fi
t_run "--no-charts without --report" 2 "$RIGOR" run "$T_DIR/ext.json" --no-charts
if kill -0 "$T_LAST" 2>/dev/null; then t_ok "a target rigor did not start is left running"
else t_fail "a target rigor did not start is left running"; fi

# method, headers, body and env reach their destinations (a Python server records requests).
p5=$(t_port)
cat >"$T_DIR/echo.py" <<'EOF'
import http.server, os, sys
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with open(os.environ["OUT"], "a") as f:
            f.write("%s %s %s %s\n" % (self.command, self.path, self.headers.get("X-Rigor"), body.decode()))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")
    def log_message(self, *a):
        pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
EOF
cat >"$T_DIR/post.json" <<EOF
{"duration": "300ms", "warmup": 0, "runs": 1, "concurrency": [1],
 "targets": [{"name": "echo", "url": "http://127.0.0.1:$p5/p?q=1",
   "start": "exec python3 $T_DIR/echo.py $p5", "env": {"OUT": "$T_DIR/reqs.txt"},
   "method": "POST", "headers": {"X-Rigor": "yes"}, "body": {"k": [1, 2]}}]}
EOF
t_run "POST plan with headers, body and env" 0 "$RIGOR" run "$T_DIR/post.json" -q
t_has "... request as the plan says" "$T_DIR/reqs.txt" 'POST /p?q=1 yes {"k":[1,2]}'
t_lacks "... and nothing else" "$T_DIR/reqs.txt" "GET"

t_done
