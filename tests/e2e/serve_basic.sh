#!/bin/sh
# tests/e2e/serve_basic.sh — `rigor serve` as a target: threads, HTTP/1.0 keep-alive (ab -k),
# curl, delays that never block other connections and never answer early, body size and
# status, the stats file and the "served N requests" line.
. tests/e2e/lib.sh
. tests/e2e/load_lib.inc
D=$T_DIR

serve_start --threads 3 --body-size 1k --status 201
t_run "curl" 0 curl -s -o "$D/body" -w '%{http_code} %{size_download}' "$URL"
t_has "status and body size" "$T_OUT" "201 1000"
if command -v ab >/dev/null 2>&1; then
    t_run "ab -k (HTTP/1.0 keep-alive)" 0 ab -k -n 1000 -c 10 "$URL"
    t_has "ab: every request kept alive" "$T_OUT" "Keep-Alive requests:    1000"
    t_has "ab: no failures" "$T_OUT" "Failed requests:        0"
else
    t_ok "# SKIP ab not installed"; t_ok "# SKIP"; t_ok "# SKIP"
fi
t_run "load on 3 threads" 0 "$RIGOR" load "$URL" -n 3000 -c 30 -t 3 -q -o "$D/t.json"
serve_stop
t_eq "stats: requests" "$(jq_py "$D/stats.json" 'd["requests"]')" 4001
t_true "every status is 201" "d['runs'][0]['status'] == {'201': 3000}" "$D/t.json"

# a fixed delay: no response comes early (min >= delay), and 20 connections are served
# concurrently (they would time out at --timeout 5s if answered one after another)
serve_start --delay 1s
t_run "delay 1s, 20 connections at once" 0 "$RIGOR" load "$URL" -n 20 -c 20 --timeout 5s -q -o "$D/delay.json"
serve_stop
t_true "delay: all answered, none early" \
    "d['runs'][0]['requests'] == 20 and d['runs'][0]['latency']['min'] >= 1000000 and sum(d['runs'][0]['errors'].values()) == 0" "$D/delay.json"
serve_start --delay uniform:50ms:100ms
t_run "uniform delay" 0 "$RIGOR" load "$URL" -n 200 -c 10 -q -o "$D/uni.json"
serve_stop
t_true "uniform delay: none below its lower bound" "d['runs'][0]['latency']['min'] >= 50000" "$D/uni.json"

P=$(t_port)
"$RIGOR" serve --listen "127.0.0.1:$P" -q 2>"$D/served.err" &
S=$!
wait_port "$P"
"$RIGOR" load "http://127.0.0.1:$P/" -n 123 -c 3 -q >/dev/null
kill -INT "$S"
wait "$S"
t_eq "SIGINT: exit 0" "$?" 0
t_has "served N requests on stderr" "$D/served.err" "served 123 requests"
t_done
