#!/bin/sh
# tests/e2e/load_sigint.sh — SIGINT: the current run stops within about a second and is saved
# with "complete": false next to the finished runs, the file stays a valid dataset, the sweep
# ends, exit status 1; a second SIGINT exits at once.
. tests/e2e/lib.sh
. tests/e2e/load_lib.inc
D=$T_DIR
serve_start

# a sweep of 1 s runs interrupted after ~1.6 s: every run but the last is complete
"$RIGOR" load "$URL" -c 2,3,4,5 -d 1s -q -o "$D/int.json" >"$D/out" 2>"$D/err" &
LG=$!
sleep 1.6
kill -INT "$LG"
wait "$LG"
t_eq "interrupted: exit status 1" "$?" 1
t_has "interrupted: says where the runs are" "$D/err" "interrupted; runs saved to"
t_true "interrupted: a valid dataset" "d['format'] == 'rigor-dataset'" "$D/int.json"
t_true "interrupted: finished runs complete, the last one not, sweep stopped" \
    "1 <= len(d['runs']) < 4 and [r['complete'] for r in d['runs']] == [True] * (len(d['runs']) - 1) + [False]" "$D/int.json"
t_true "interrupted run keeps its measurements" \
    "d['runs'][-1]['duration_s'] < 1.0 and d['runs'][-1]['requests'] >= 0 and 'latency' in d['runs'][-1]" "$D/int.json"

# a long run stops within about a second (the test's own limit guards a hang)
"$RIGOR" load "$URL" -d 60s -c 2 -q -o "$D/long.json" >/dev/null 2>&1 &
LG=$!
sleep 1
kill -INT "$LG"
wait "$LG"
t_eq "long run interrupted: exit 1" "$?" 1
t_true "long run: saved incomplete, short window" \
    "d['runs'][0]['complete'] is False and d['runs'][0]['duration_s'] < 10 and d['runs'][0]['requests'] > 0" "$D/long.json"

# two SIGINTs: out at once
"$RIGOR" load "$URL" -d 60s -c 2 -q >/dev/null 2>"$D/err2" &
LG=$!
sleep 0.5
kill -INT "$LG"
kill -INT "$LG"
wait "$LG"
t_eq "second SIGINT: exit 1" "$?" 1
serve_stop
t_done
