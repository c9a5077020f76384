#!/bin/sh
# tests/e2e/load_scenarios.sh — scenarios (issue 18): a request mix from vegeta's targets
# formats counted per endpoint, checked against nginx's own access log per path; bad targets
# files (exit 2, file:line: problem); closed-loop users with think time against Little's law
# (20 users thinking 100 ms: 20 / (0.1 s + latency) requests/s); a ramp in the per-second
# connection count; an open-loop rate ramp in the per-second requests; analyze --by-endpoint
# and the report's per-endpoint section; a plan with inline requests, think and ramp.
. tests/e2e/lib.sh
. tests/e2e/load_lib.inc
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
D=$T_DIR

# --- the mix against nginx: per-endpoint counts = nginx's per-path counts ------------------
if [ -x "$NGINX" ]; then
    NP=$(t_port)
    mkdir -p "$D/tmp"
    chmod 755 "$D"
    cat > "$D/nginx.conf" <<EOC
worker_processes 1;
error_log $D/error.log;
events { worker_connections 1024; }
http {
    log_format m '\$request_method \$uri \$status';
    access_log $D/access.log m;
    client_body_temp_path $D/tmp; proxy_temp_path $D/tmp; fastcgi_temp_path $D/tmp;
    uwsgi_temp_path $D/tmp; scgi_temp_path $D/tmp;
    server {
        listen 127.0.0.1:$NP;
        location /text { default_type text/plain; return 200 "hello\n"; }
        location /json { default_type application/json; return 200 '{"ok":1}'; }
        location /users { default_type application/json; return 201 '{"id":1}'; }
    }
}
EOC
    t_bg "$NGINX" -p "$D" -c "$D/nginx.conf" -g "daemon off; pid $D/nginx.pid;"
    wait_port "$NP" || t_fail "nginx did not start"
    printf '{"name":"a"}' > "$D/user.json"
    cat > "$D/mix.txt" <<EOC
# vegeta's HTTP format
GET http://127.0.0.1:$NP/text

POST http://127.0.0.1:$NP/json
Content-Type: application/json
@user.json

POST http://127.0.0.1:$NP/users
Content-Type: application/json
@user.json

GET http://127.0.0.1:$NP/text
X-Second: 1
EOC
    per_path() {  # METHOD PATH: lines in nginx's access log
        awk -v m="$1" -v p="$2" '$1 == m && $2 == p' "$D/access.log" | wc -l | tr -d ' '
    }
    t_run "mix -n 3000 against nginx" 0 "$RIGOR" load --targets "$D/mix.txt" -n 3000 -c 6 -t 2 -q -o "$D/mix.json"
    t_true "mix: 3 endpoints that add up to the totals, no errors" \
        "len(d['runs'][0]['endpoints']) == 3 and sum(e['requests'] for e in d['runs'][0]['endpoints']) == d['runs'][0]['requests'] == 3000 and sum(d['runs'][0]['errors'].values()) == 0" "$D/mix.json"
    t_true "mix: round-robin per connection: GET /text is half of the requests" \
        "all(abs(e['requests'] - w) <= 6 for e, w in zip(d['runs'][0]['endpoints'], [1500, 750, 750]))" "$D/mix.json"
    t_eq "per endpoint = nginx per path: GET /text" "$(per_path GET /text)" "$(jq_py "$D/mix.json" "d['runs'][0]['endpoints'][0]['requests']")"
    t_eq "per endpoint = nginx per path: POST /json" "$(per_path POST /json)" "$(jq_py "$D/mix.json" "d['runs'][0]['endpoints'][1]['requests']")"
    t_eq "per endpoint = nginx per path: POST /users" "$(per_path POST /users)" "$(jq_py "$D/mix.json" "d['runs'][0]['endpoints'][2]['requests']")"
    python3 - "$D/mix.json" > "$D/ep.txt" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["runs"][0]
e = r["endpoints"][2]
print(e["method"] == "POST" and e["endpoint"] == "POST /users" and e["status"] == {"2xx": e["requests"]}
      and e["latency"]["histogram"]["count"] == e["requests"] and e["url"].endswith("/users") and r["mix"]["order"] == "round-robin")
PY
    t_eq "per-endpoint record: method, url, endpoint, status classes, latency histogram" "$(cat "$D/ep.txt")" "True"

    # -d: the window's edges leave at most one request per connection unmatched per path
    : > "$D/access.log"
    kill -USR1 "$(cat "$D/nginx.pid")" 2>/dev/null; sleep 0.3
    : > "$D/access.log"
    cat > "$D/mix.jsonl" <<EOC
{"method": "GET", "url": "http://127.0.0.1:$NP/text", "weight": 3}
{"method": "POST", "url": "http://127.0.0.1:$NP/json", "header": {"Content-Type": ["application/json"]}, "body": "eyJhIjoxfQ==", "weight": 1}
EOC
    t_run "weighted JSON-lines mix -d 1s" 0 "$RIGOR" load --targets "$D/mix.jsonl" -d 1s -c 4 -q -o "$D/w.json"
    for ep in "0 GET /text" "1 POST /json"; do
        set -- $ep
        got=$(per_path "$2" "$3")
        t_true "-d: nginx's $2 $3 = counted + at most 4 in flight at the edges" \
            "0 <= $got - d['runs'][0]['endpoints'][$1]['requests'] <= 4" "$D/w.json"
    done
    t_true "weights 3:1 give about 75% GET /text" \
        "abs(d['runs'][0]['endpoints'][0]['requests'] / d['runs'][0]['requests'] - 0.75) < 0.05 and d['runs'][0]['mix']['order'] == 'weighted'" "$D/w.json"
else
    t_ok "# SKIP nginx not installed (per-path counts)"
fi

# --- bad targets files: exit 2, file:line: problem -------------------------------------------
printf 'GET http://127.0.0.1:1/\nnot a header\n' > "$D/bad1.txt"
t_run "bad header: exit 2" 2 "$RIGOR" load --targets "$D/bad1.txt" -d 1s
t_has "bad header: file:line: problem" "$T_ERR" "bad1.txt:2: bad header 'not a header'"
printf '{"url": "http://127.0.0.1:1/", "body": "not base64!"}\n' > "$D/bad2.txt"
t_run "bad base64 body: exit 2" 2 "$RIGOR" load --targets "$D/bad2.txt" -d 1s
t_has "bad base64: file:line" "$T_ERR" "bad2.txt:1: \"body\" must be base64"
printf 'GET http://127.0.0.1:1/a\n\nGET http://127.0.0.2:1/b\n' > "$D/bad3.txt"
t_run "two servers in one file: exit 2" 2 "$RIGOR" load --targets "$D/bad3.txt" -d 1s
t_has "two servers: names the line" "$T_ERR" "bad3.txt:3:"
t_run "missing targets file: exit 2" 2 "$RIGOR" load --targets "$D/none.txt" -d 1s
t_run "--targets with -m: exit 2" 2 "$RIGOR" load --targets "$D/mix.txt" -m POST -d 1s
t_run "--think with --rate: exit 2" 2 "$RIGOR" load http://127.0.0.1:1/ --rate 100 --think 1s
t_run "--think garbage: exit 2" 2 "$RIGOR" load http://127.0.0.1:1/ --think soon
t_run "--ramp-measured without --ramp: exit 2" 2 "$RIGOR" load http://127.0.0.1:1/ --ramp-measured
t_run "--rate 5:x: exit 2" 2 "$RIGOR" load http://127.0.0.1:1/ --rate 5:x

# --- think time: Little's law ---------------------------------------------------------------
serve_start --threads 1
t_run "-c 20 --think 100ms" 0 "$RIGOR" load "$URL" -c 20 --think 100ms -d 3s --warmup 500ms -q -o "$D/think.json"
t_true "throughput within 10% of 20 / (0.1 s + latency)" \
    "abs(d['runs'][0]['throughput_rps'] / (20 / (0.1 + d['runs'][0]['latency']['mean'] / 1e6)) - 1) < 0.10" "$D/think.json"
t_true "the think time is not in the latency (mean < 50 ms), and it is recorded" \
    "d['runs'][0]['latency']['mean'] < 50000 and d['runs'][0]['think'] == '100ms'" "$D/think.json"
t_run "exp and uniform think times run" 0 "$RIGOR" load "$URL" -c 10 --think uniform:10ms:30ms -d 1s -q -o "$D/think2.json"
t_true "uniform 10-30 ms: 10 users give 10 / (20 ms + latency) req/s within 15%" \
    "abs(d['runs'][0]['throughput_rps'] / (10 / (0.02 + d['runs'][0]['latency']['mean'] / 1e6)) - 1) < 0.15" "$D/think2.json"

# --- ramps ----------------------------------------------------------------------------------
t_run "--ramp 2s --ramp-measured" 0 "$RIGOR" load "$URL" -c 40 --ramp 2s --ramp-measured --think 50ms -d 3s -q -o "$D/ramp.json"
python3 - "$D/ramp.json" > "$D/ramp.txt" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["runs"][0]
c = r["timeseries"]["connections"]
print(c[0] <= 25 and c[0] < c[1] and c[-1] == 40 and r["ramp_s"] == 2 and r["ramp_measured"])
PY
t_eq "the ramp shows in the per-second connections: rising from about half to 40" "$(cat "$D/ramp.txt")" "True"
t_run "--ramp 1s (warm-up)" 0 "$RIGOR" load "$URL" -c 40 --ramp 1s -d 2s -q -o "$D/ramp2.json"
t_true "a ramp not measured is outside the window: all 40 from the first second" \
    "d['runs'][0]['timeseries']['connections'] == [40, 40] and d['runs'][0]['connections_opened'] == 40" "$D/ramp2.json"
t_run "--rate 200:2000 over 2 s" 0 "$RIGOR" load "$URL" -c 10 --rate 200:2000 -d 2s -q -o "$D/rr.json"
python3 - "$D/rr.json" > "$D/rr.txt" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["runs"][0]
s = r["timeseries"]["requests"]
o = r["open_loop"]
# rate 200 -> 2000 over 2 s: second 0 holds 200 + 900 / 2 = 650 sends, second 1 1550
print(abs(s[0] - 650) <= 30 and abs(s[1] - 1550) <= 30 and o["ramp"]["to_rps"] == 2000
      and abs(o["intended_rps"] - 1100) < 20 and r["rate"] == 2000)
PY
t_eq "open-loop ramp: 650 then 1550 sends per second (the schedule's integral)" "$(cat "$D/rr.txt")" "True"

# --- analyze --by-endpoint and the report -----------------------------------------------------
cat > "$D/smix.txt" <<EOC
GET ${URL}text

POST ${URL}json
@user.json
EOC
printf '{}' > "$D/user.json"
"$RIGOR" load --targets "$D/smix.txt" -c 2 -d 300ms --runs 3 --label one -q -o "$D/s.json" >/dev/null 2>&1
"$RIGOR" load --targets "$D/smix.txt" -c 2 -d 300ms --runs 3 --label two -q -o "$D/s.json" >/dev/null 2>&1
t_run "analyze --by-endpoint" 0 "$RIGOR" analyze "$D/s.json" --by-endpoint --json
cp "$T_OUT" "$D/an.json"
t_true "--by-endpoint: one group per target and endpoint, comparisons per endpoint" \
    "sorted((g['target'], g['endpoint']) for g in d['groups']) == [('one', 'GET /text'), ('one', 'POST /json'), ('two', 'GET /text'), ('two', 'POST /json')] and {c['endpoint'] for c in d['comparisons']} == {'GET /text', 'POST /json'} and d['family_size'] == len([c for c in d['comparisons'] if c['in_family']])" "$D/an.json"
t_true "--by-endpoint: an endpoint's figures are its own (throughput of GET /text = its requests / window)" \
    "all(g['metrics']['throughput_rps']['n'] == 3 for g in d['groups'])" "$D/an.json"
t_run "analyze without --by-endpoint: the totals" 0 "$RIGOR" analyze "$D/s.json" --json
cp "$T_OUT" "$D/an2.json"
t_true "without --by-endpoint: no endpoint key" "all('endpoint' not in g for g in d['groups']) and len(d['groups']) == 2" "$D/an2.json"
t_run "report with a mix" 0 "$RIGOR" report "$D/s.json" -o "$D/rep" --no-charts -q
t_has "report: per-endpoint section" "$D/rep/report.md" "## Per endpoint"
t_has "report: per-endpoint row" "$D/rep/report.md" "| two | POST /json | 2 | 3 |"

# --- a plan with inline requests, think time and a ramp ---------------------------------------
p1=$(t_port)
cat > "$D/plan.json" <<EOC
{"title": "scenario", "duration": "1s", "warmup": "0s", "runs": 1, "concurrency": [8],
 "think": "20ms", "ramp": "400ms",
 "targets": [
  {"name": "s", "start": "exec rigor serve --listen 127.0.0.1:$p1 --quiet",
   "requests": [{"method": "GET", "url": "http://127.0.0.1:$p1/a"},
                {"method": "POST", "url": "http://127.0.0.1:$p1/b", "body_text": "{\"x\":1}",
                 "header": {"Content-Type": ["application/json"]}}]}]}
EOC
t_run "plan with requests, think, ramp" 0 "$RIGOR" run "$D/plan.json" -o "$D/plan-ds.json" -q
t_true "plan run: two endpoints, think and ramp recorded, url from the first request" \
    "[e['endpoint'] for e in d['runs'][0]['endpoints']] == ['GET /a', 'POST /b'] and d['runs'][0]['think'] == '20ms' and d['runs'][0]['ramp_s'] == 0.4 and d['runs'][0]['url'].endswith('/a')" "$D/plan-ds.json"
cat > "$D/plan-bad.json" <<EOC
{"concurrency": [1], "targets": [{"name": "s", "requests": [{"url": "http://127.0.0.1:1/", "body": 5}]}]}
EOC
t_run "plan with a bad request: exit 2" 2 "$RIGOR" run "$D/plan-bad.json" --dry-run
t_has "plan error names the request" "$T_ERR" "targets[0].requests[0]: \"body\" must be base64"
t_done
