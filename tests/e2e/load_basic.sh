#!/bin/sh
# tests/e2e/load_basic.sh — `rigor load` against `rigor serve` on loopback: the requests
# counted by the load generator agree with the server's own count; -n is exact; keep-alive
# and --no-keepalive; sweeps, --runs, --rate lists and -o appends give the expected cells.
. tests/e2e/lib.sh
. tests/e2e/load_lib.inc
D=$T_DIR

# -n is exact, and the server saw exactly those requests (3 threads, 20 connections)
serve_start
t_run "load -n 5000" 0 "$RIGOR" load "$URL" -n 5000 -c 20 -t 3 -q -o "$D/n.json"
serve_stop
t_eq "-n 5000: requests" "$(jq_py "$D/n.json" 'd["runs"][0]["requests"]')" 5000
t_eq "-n 5000: server responses" "$(jq_py "$D/stats.json" 'd["responses"]')" 5000
t_eq "-n 5000: status 200" "$(jq_py "$D/n.json" 'd["runs"][0]["status"]["200"]')" 5000
t_eq "-n 5000: histogram count" "$(jq_py "$D/n.json" 'd["runs"][0]["latency"]["histogram"]["count"]')" 5000
t_eq "-n 5000: reused connections (+1 port probe)" "$(jq_py "$D/stats.json" 'd["connections"]')" 21
t_has "summary line on stdout" "$T_OUT" "5000"
# the I/O engine that ran is recorded: by default io_uring where this kernel gives it, else
# epoll; the engine tests/fixtures/rigor-engine forces in tests/run.sh's second pass
DEF=io_uring
"$RIGOR" load http://127.0.0.1:1/ -n 1 --engine io_uring -q 2>&1 |
    grep -q "io_uring is not available" && DEF=epoll
t_true "-n 5000: engine recorded (${RIGOR_TEST_ENGINE:-default: $DEF})" \
    "d['runs'][0]['engine'] == '${RIGOR_TEST_ENGINE:-$DEF}'" "$D/n.json"

# -d: the server answered what was counted plus at most the requests in flight at the end
serve_start
t_run "load -d 1s" 0 "$RIGOR" load "$URL" -d 1s -c 8 -q -o "$D/d.json"
serve_stop
t_true "-d: server count = client count + in flight" \
    "0 <= $(jq_py "$D/stats.json" 'd["responses"]') - d['runs'][0]['requests'] <= 8" "$D/d.json"
t_true "-d: duration_s is the window" "d['runs'][0]['duration_s'] == 1.0" "$D/d.json"
t_true "-d: one time-series point per second" "len(d['runs'][0]['timeseries']['requests']) == 1" "$D/d.json"
t_true "-d: time series sums to requests" \
    "sum(d['runs'][0]['timeseries']['requests']) == d['runs'][0]['requests']" "$D/d.json"

# --no-keepalive: one connection per request
serve_start
t_run "load --no-keepalive" 0 "$RIGOR" load "$URL" --no-keepalive -n 300 -c 4 -q -o "$D/ka.json"
serve_stop
t_eq "--no-keepalive: requests" "$(jq_py "$D/ka.json" 'd["runs"][0]["requests"]')" 300
t_eq "--no-keepalive: one connection per request (+1 port probe)" "$(jq_py "$D/stats.json" 'd["connections"]')" 301
t_eq "--no-keepalive: no errors" "$(jq_py "$D/ka.json" 'sum(d["runs"][0]["errors"].values())')" 0

# sweeps and repeats, appended to an existing dataset, saved as valid JSON
serve_start
t_run "sweep -c 2,4 --runs 2" 0 "$RIGOR" load "$URL" -c 2,4 --runs 2 -n 100 -q -o "$D/n.json" --label sv
t_eq "sweep: cells in order (appended)" \
    "$(jq_py "$D/n.json" '[(r["concurrency"], r["run"], r["target"]) for r in d["runs"][1:]]')" \
    "[(2, 1, 'sv'), (4, 1, 'sv'), (2, 2, 'sv'), (4, 2, 'sv')]"
t_eq "sweep: 5 runs in the file" "$(jq_py "$D/n.json" 'len(d["runs"])')" 5
t_run "--rate list" 0 "$RIGOR" load "$URL" -c 4 --rate 200,400 -d 1s -q -o "$D/r.json"
t_eq "rate cells" "$(jq_py "$D/r.json" '[(r["rate"], r["concurrency"], r["connections"]) for r in d["runs"]]')" \
    "[(200.0, None, 4), (400.0, None, 4)]"
t_true "open loop keeps latency_uncorrected" \
    "all('latency_uncorrected' in r and 'open_loop' in r for r in d['runs'])" "$D/r.json"

# warm-up is excluded; -o - writes the dataset on stdout and the summary on stderr
t_run "--warmup with -o -" 0 "$RIGOR" load "$URL" --warmup 300ms -d 500ms -c 2 -q -o -
cp "$T_OUT" "$D/stdout.json"
t_true "-o -: dataset on stdout" "d['format'] == 'rigor-dataset' and d['runs'][0]['duration_s'] == 0.5" "$D/stdout.json"
t_has "-o -: summary on stderr" "$T_ERR" "req/s"

# --pid: server CPU and RSS sampled every second, in the run and the time series
t_run "--pid" 0 "$RIGOR" load "$URL" --pid "$SV" -d 2s -c 4 -q -o "$D/pid.json"
t_true "--pid: server object" \
    "d['runs'][0]['server']['pid'] == $SV and d['runs'][0]['server']['rss_kb_max'] > 0 and d['runs'][0]['server']['cpu_pct_mean'] >= 0" "$D/pid.json"
t_true "--pid: cpu and rss series as long as the requests series" \
    "len(d['runs'][0]['timeseries']['cpu_pct']) == len(d['runs'][0]['timeseries']['requests']) == 2 and None not in d['runs'][0]['timeseries']['rss_kb']" "$D/pid.json"

# methods and bodies: POST with a body from a file, HEAD (no body follows its headers)
printf 'name=rigor&x=1' > "$D/body.txt"
t_run "POST --body @file" 0 "$RIGOR" load "$URL" -m POST --body @"$D/body.txt" -H 'Content-Type: application/x-www-form-urlencoded' -n 100 -c 2 -q -o "$D/m.json"
t_run "HEAD" 0 "$RIGOR" load "$URL" -m HEAD -n 100 -c 2 -q --timeout 2s -o "$D/m.json"
t_eq "POST and HEAD complete without errors" \
    "$(jq_py "$D/m.json" '[(r["method"], r["requests"], sum(r["errors"].values())) for r in d["runs"]]')" \
    "[('POST', 100, 0), ('HEAD', 100, 0)]"
t_true "POST sends its body" "d['runs'][0]['bytes_out'] > 100 * 14" "$D/m.json"
serve_stop

# IPv6 loopback
P6=$(t_port)
t_bg "$RIGOR" serve --listen "[::1]:$P6" -q
if wait_port "$P6" ::1; then
    t_run "IPv6 load" 0 "$RIGOR" load "http://[::1]:$P6/" -n 200 -c 2 -q -o "$D/v6.json"
    t_eq "IPv6 requests" "$(jq_py "$D/v6.json" 'd["runs"][0]["requests"]')" 200
else
    t_ok "# SKIP no IPv6 loopback"
fi
t_done
