#!/bin/sh
# tests/e2e/load_openloop.sh — open loop (--rate): the schedule is kept (never more requests
# than intended, the backlog reported), and coordinated omission is corrected: with the
# server stopped (SIGSTOP) for 1 s inside the run, the corrected p99 shows the stall while
# the uncorrected one does not. Orders of magnitude only: no timing thresholds.
. tests/e2e/lib.sh
. tests/e2e/load_lib.inc
D=$T_DIR

serve_start
t_run "--rate 400 for 2s" 0 "$RIGOR" load "$URL" --rate 400 -c 8 -d 2s -q -o "$D/r.json"
t_true "open loop: 800 sends were due in the window" "d['runs'][0]['open_loop']['due'] == 800" "$D/r.json"
t_true "open loop: never more than intended (+1 in flight per connection)" \
    "d['runs'][0]['requests'] <= 800 + 8" "$D/r.json"
t_true "open loop: the bulk of the schedule was achieved" \
    "d['runs'][0]['requests'] >= 400 and d['runs'][0]['open_loop']['sent'] >= 400" "$D/r.json"
t_true "open loop: identity keys (rate set, concurrency null)" \
    "d['runs'][0]['rate'] == 400 and d['runs'][0]['concurrency'] is None" "$D/r.json"
serve_stop

# a server that cannot keep up (10 connections x 50 ms = 200 req/s at most, asked 1000):
# the backlog is reported and the user is told
serve_start --delay 50ms
t_run "--rate beyond capacity" 0 "$RIGOR" load "$URL" --rate 1000 -c 10 -d 1s -q -o "$D/slow.json"
t_has "says the target did not keep up" "$T_ERR" "did not keep up"
t_true "backlog counted" "d['runs'][0]['open_loop']['backlog'] > 300" "$D/slow.json"
t_true "latency from the intended time grows past the service time" \
    "d['runs'][0]['latency']['p99'] > 5 * d['runs'][0]['latency_uncorrected']['p50']" "$D/slow.json"
serve_stop

# coordinated omission: SIGSTOP the server for 1 s in a 4 s run at 1000 req/s
serve_start
"$RIGOR" load "$URL" --rate 1000 -c 10 -d 4s -q -o "$D/co.json" >/dev/null 2>&1 &
LG=$!
sleep 1.5
kill -STOP "$SV"
sleep 1
kill -CONT "$SV"
wait "$LG"
t_eq "CO run finished" "$?" 0
serve_stop
t_true "CO: corrected p99 shows the stall (>= 200 ms)" \
    "d['runs'][0]['latency']['p99'] >= 200000" "$D/co.json"
t_true "CO: uncorrected p99 does not (10x smaller)" \
    "d['runs'][0]['latency_uncorrected']['p99'] * 10 < d['runs'][0]['latency']['p99']" "$D/co.json"
t_true "CO: both saw the 1 s stall as their maximum" \
    "d['runs'][0]['latency']['max'] >= 700000 and d['runs'][0]['latency_uncorrected']['max'] >= 700000" "$D/co.json"
t_done
