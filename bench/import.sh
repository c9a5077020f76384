#!/bin/sh
# bench/import.sh — how fast `rigor import` reads big result files, beside a bare reading of
# the same file by Python's C-accelerated csv and json modules (one pass, no processing: a
# floor for "reading the file", not a competitor).
#
# Files (synthetic, written here): hey -o csv and vegeta CSV of 10^6 requests, a JMeter JTL
# CSV of 10^6 samples with its header, k6 --out json of 2x10^5 requests (8x10^5 lines).
# rigor reads per-request files twice (the first pass finds the window start) and builds the
# run: histogram, per-second series, status counts. CPU seconds, median of ROUNDS rounds,
# alternating the two readers (a shared 2-core VM is noisy: compare ratios).
# Prints a Markdown table for docs/benchmarks.md. Needs /usr/bin/python3 and GNU time.
set -eu
RIGOR=${RIGOR:-./rigor}
ROUNDS=${ROUNDS:-3}
D=$(mktemp -d "${TMPDIR:-/tmp}/rigor-bench-import.XXXXXX")
trap 'rm -rf "$D"' EXIT

/usr/bin/python3 - "$D" <<'PYEOF'
import random, sys, os
d = sys.argv[1]
r = random.Random(1)
N = 1000000
with open(os.path.join(d, "hey.csv"), "w") as f:
    f.write("response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset\n")
    for i in range(N):
        rt = r.lognormvariate(-6.2, 0.5)
        f.write("%4.4f,0.0000,0.0000,0.0000,%4.4f,0.0000,200,%4.4f\n" % (rt, rt, i * 0.00003))
with open(os.path.join(d, "vegeta.csv"), "w") as f:
    t = 1796040000000000000
    for i in range(N):
        f.write("%d,200,%d,0,12,,aGVsbG8=,,%d,GET,http://127.0.0.1:8080/,\n"
                % (t + i * 30000, int(r.lognormvariate(14.5, 0.5)), i))
with open(os.path.join(d, "jmeter.jtl"), "w") as f:
    f.write("timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,"
            "failureMessage,bytes,sentBytes,grpThreads,allThreads,URL,Latency,IdleTime,Connect\n")
    for i in range(N):
        el = int(r.lognormvariate(1, 0.5))
        f.write("%d,%d,GET /,200,OK,users 1-%d,text,true,,92,110,4,4,http://127.0.0.1:8080/,%d,0,0\n"
                % (1796040000000 + i // 30, el, i % 4 + 1, el))
tag = ('{"expected_response":"true","group":"","method":"GET","name":"http://127.0.0.1:8080/",'
       '"proto":"HTTP/1.1","scenario":"default","status":"200","url":"http://127.0.0.1:8080/"}')
with open(os.path.join(d, "k6.json"), "w") as f:
    for i in range(200000):
        ts = "2026-11-30T06:%02d:%09.6f+02:00" % ((i // 600000) % 60, (i * 0.0001) % 60)
        for m, v in (("http_reqs", 1), ("http_req_duration", r.lognormvariate(0.7, 0.5)),
                     ("http_req_blocked", 0.002), ("http_req_failed", 0)):
            f.write('{"metric":"%s","type":"Point","data":{"time":"%s","value":%s,"tags":%s}}\n'
                    % (m, ts, v, tag))
PYEOF

cpu() { /usr/bin/time -f "%U %S" "$@" 2>&1 >/dev/null | tail -1 | awk '{print $1 + $2}'; }
median() { sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

echo "| file | size | rigor import (CPU s) | Python bare read (CPU s) | ratio |"
echo "|---|---:|---:|---:|---:|"
for f in hey.csv vegeta.csv jmeter.jtl k6.json; do
    case $f in
    k6.json) py='import json,sys
for l in open(sys.argv[1]): json.loads(l)' ;;
    *) py='import csv,sys
for row in csv.reader(open(sys.argv[1])): pass' ;;
    esac
    : >"$D/r" ; : >"$D/p"
    i=0
    while [ $i -lt "$ROUNDS" ]; do
        cpu "$RIGOR" import -q "$D/$f" -c 4 -o "$D/out.json" >>"$D/r"
        rm -f "$D/out.json"
        cpu /usr/bin/python3 -c "$py" "$D/$f" >>"$D/p"
        i=$((i + 1))
    done
    r=$(median <"$D/r"); p=$(median <"$D/p")
    size=$(du -m "$D/$f" | cut -f1)
    echo "| $f | ${size} MB | $r | $p | $(echo "$r $p" | awk '{printf "%.2f", $1 / $2}')x |"
done
