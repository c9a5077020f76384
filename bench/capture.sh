#!/bin/sh
# bench/capture.sh — rigor capture vs tshark vs tcpdump on a large loopback capture, and a
# live capture beside full-speed load. Writes the "Capture" section of docs/benchmarks.md.
#
#   sh bench/capture.sh            (from the repository root; needs root for tcpdump/-i lo)
#   BENCH_SECONDS=4 BENCH_ROUNDS=3 sh bench/capture.sh
#   RIGOR_BEFORE=/path/to/old/rigor sh bench/capture.sh   (adds an older build to the rounds:
#                                   before/after side by side on the same file)
#
# 1. A private nginx (one worker) on a free loopback port; tcpdump -i lo records it while
#    wrk drives it (-t1 -c50, keep-alive) for BENCH_SECONDS.
# 2. Offline, timed side by side on that file, BENCH_ROUNDS rounds alternating, medians:
#      rigor capture -r F -q --log /dev/null   (every transaction written as JSON)
#      rigor capture -r F -q                   (extraction + summary only)
#      tcpdump -r F -w /dev/null               (the floor: just reading the file)
#      tshark -r F -Y http.response -T fields -e http.time   (once: it is slow)
#    and the transaction counts of rigor, tshark and wrk side by side.
# 3. Live: rigor capture -i lo during another wrk run: kernel drops and counts vs wrk's.
# 4. The sidecar: rigor load -c50 --capture lo against rigor serve at full speed: the run's
#    wire object (drops, requests) against the server's own count of responses.
# 5. With valgrind installed: instructions per packet by layer of the engine (callgrind; they
#    do not depend on the machine's load), rigor with and without --log (and RIGOR_BEFORE),
#    and tcpdump, on the same file (bench/callgrind_layers.py). NO_PROFILE=1 skips it.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
RIGOR=${RIGOR:-$top/rigor}
secs=${BENCH_SECONDS:-8}
rounds=${BENCH_ROUNDS:-5}
BEFORE=${RIGOR_BEFORE:-}
for t in wrk tcpdump tshark nginx python3 /usr/bin/time; do
    command -v $t >/dev/null 2>&1 || { echo "bench/capture.sh: $t is needed (sh tools/deps.sh --bench)"; exit 1; }
done
[ "$(id -u)" -eq 0 ] || { echo "bench/capture.sh: run as root (live capture on lo)"; exit 1; }
[ -x "$RIGOR" ] || { echo "bench/capture.sh: build rigor first (make)"; exit 1; }

dir=$(mktemp -d /tmp/rigor-bench-capture.XXXXXX)
pids=""
cleanup() { for p in $pids; do kill "$p" 2>/dev/null || true; done; rm -rf "$dir"; }
trap cleanup EXIT INT TERM
. tests/fixtures/capture/nginx.sh
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cap_nginx "$dir/ngx" "$port"
pids="$pids $NGINX_PID"
url="http://127.0.0.1:$port/"

# ---- 1. the capture file
pcap=$dir/lo.pcap
tcpdump -i lo -B 262144 -s 262144 --time-stamp-precision=nano -w "$pcap" "tcp port $port" 2>"$dir/tcpdump.log" &
td=$!
pids="$pids $td"
sleep 1
wrk -t1 -c50 -d"${secs}s" "$url" > "$dir/wrk1" 2>&1
sleep 1.5
kill -INT "$td"; wait "$td" 2>/dev/null || true
wrk_req=$(awk '/requests in/ {print $1}' "$dir/wrk1")
td_drop=$(awk '/dropped by kernel/ {print $1}' "$dir/tcpdump.log")
packets=$(awk '/packets captured/ {print $1}' "$dir/tcpdump.log")
size=$(du -m "$pcap" | cut -f1)
echo "capture file: $packets packets, ${size} MB, wrk completed $wrk_req requests, tcpdump dropped $td_drop"

# ---- 2. offline timings
load=$(cut -d' ' -f1 /proc/loadavg)
timeit() {  # name, command...: appends "elapsed cpu" (seconds, GNU time) to $dir/t.NAME
    n=$1; shift
    /usr/bin/time -f "%e %U %S" -o "$dir/time.out" "$@" > /dev/null 2>&1 || true
    awk '{print $1, $2 + $3}' "$dir/time.out" >> "$dir/t.$n"
}
i=0
while [ $i -lt "$rounds" ]; do
    timeit rigor_log "$RIGOR" capture -r "$pcap" -q --log /dev/null
    timeit rigor "$RIGOR" capture -r "$pcap" -q
    timeit tcpdump tcpdump -r "$pcap" -w /dev/null
    if [ -n "$BEFORE" ]; then
        timeit before_log "$BEFORE" capture -r "$pcap" -q --log /dev/null
        timeit before "$BEFORE" capture -r "$pcap" -q
    fi
    i=$((i + 1))
done
timeit tshark tshark -r "$pcap" -Y http.response -T fields -e http.time
median() {  # name, column (1 elapsed, 2 cpu)
    awk -v c="$2" '{print $c}' "$dir/t.$1" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}
t_rl=$(median rigor_log 1); t_r=$(median rigor 1); t_td=$(median tcpdump 1); t_ts=$(median tshark 1)
c_rl=$(median rigor_log 2); c_r=$(median rigor 2); c_td=$(median tcpdump 2); c_ts=$(median tshark 2)
t_bl=0 t_b=0 c_bl=0 c_b=0
if [ -n "$BEFORE" ]; then
    t_bl=$(median before_log 1); t_b=$(median before 1); c_bl=$(median before_log 2); c_b=$(median before 2)
fi
"$RIGOR" capture -r "$pcap" > "$dir/rigor.sum"
rigor_tx=$(sed -n 's/.*complete \([0-9]*\),.*/\1/p' "$dir/rigor.sum")
rigor_unm=$(sed -n 's/.*unmatched \([0-9]*\)).*/\1/p' "$dir/rigor.sum")
tshark_tx=$(tshark -r "$pcap" -Y http.response -T fields -e http.time 2>/dev/null | grep -c . || true)
echo "offline (elapsed/cpu): rigor+log ${t_rl}/${c_rl}s rigor ${t_r}/${c_r}s tcpdump ${t_td}/${c_td}s tshark ${t_ts}/${c_ts}s; transactions rigor $rigor_tx (unmatched $rigor_unm) tshark $tshark_tx wrk $wrk_req"

# ---- 3. live beside load
"$RIGOR" capture -i lo -f "tcp port $port" --user root > "$dir/live.sum" 2>"$dir/live.err" &
rc_pid=$!
pids="$pids $rc_pid"
sleep 1
wrk -t1 -c50 -d"${secs}s" "$url" > "$dir/wrk2" 2>&1
sleep 0.5
kill -INT "$rc_pid"; wait "$rc_pid" || true
live_wrk=$(awk '/requests in/ {print $1}' "$dir/wrk2")
live_rps=$(awk '/Requests\/sec/ {print $2}' "$dir/wrk2")
live_tx=$(sed -n 's/.*complete \([0-9]*\),.*/\1/p' "$dir/live.sum")
live_drop=$(sed -n 's/^drops \([0-9]*\) (kernel), \([0-9]*\).*/\1/p' "$dir/live.sum")
live_pk=$(sed -n 's/^packets \([0-9]*\) .*/\1/p' "$dir/live.sum")
echo "live: wrk $live_wrk requests ($live_rps req/s), rigor $live_tx transactions, $live_pk packets, kernel drops $live_drop"

# ---- 4. the sidecar beside rigor load at full speed
sport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$RIGOR" serve --listen "127.0.0.1:$sport" -q --stats-file "$dir/serve.json" 2>/dev/null &
sp=$!
pids="$pids $sp"
sleep 0.5
"$RIGOR" load "http://127.0.0.1:$sport/" -c 50 -d "${secs}s" --capture lo -o "$dir/load.json" -q > /dev/null
kill "$sp"; wait "$sp" 2>/dev/null || true
set -- $(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))["runs"][0]; s = json.load(open(sys.argv[2]))
w = r["wire"]
print(r["requests"], int(r["throughput_rps"]), w["requests"], w["drops"], w["ifdrops"], w["unmatched"],
      s["responses"], r["latency"]["p50"], w["p50"], w["ttfb"]["p50"])' "$dir/load.json" "$dir/serve.json")
sc_req=$1 sc_rps=$2 sc_wire=$3 sc_drop=$4 sc_ifdrop=$5 sc_unm=$6 sc_served=$7 sc_cp50=$8 sc_wp50=$9
echo "sidecar: rigor load $sc_req requests ($sc_rps req/s), wire $sc_wire, server sent $sc_served, drops $sc_drop/$sc_ifdrop"

# ---- 5. instructions per packet, by layer (callgrind)
if [ -z "${NO_PROFILE:-}" ] && command -v valgrind >/dev/null 2>&1; then
    cg() {  # file name, command...
        n=$1; shift
        valgrind --tool=callgrind --callgrind-out-file="$dir/cg.$n" "$@" > /dev/null 2>&1 || true
    }
    cg rigor "$RIGOR" capture -r "$pcap" -q
    cg rigorlog "$RIGOR" capture -r "$pcap" -q --log /dev/null
    set -- "rigor, log off=cg.rigor" "rigor, --log=cg.rigorlog"
    if [ -n "$BEFORE" ]; then
        cg before "$BEFORE" capture -r "$pcap" -q
        cg beforelog "$BEFORE" capture -r "$pcap" -q --log /dev/null
        set -- "$@" "before, log off=cg.before" "before, --log=cg.beforelog"
    fi
    cg tcpdump tcpdump -Z root -r "$pcap" -w /dev/null
    (cd "$dir" && python3 "$top/bench/callgrind_layers.py" "$packets" "$@" "tcpdump=cg.tcpdump") \
        > "$dir/layers.md"
    cat "$dir/layers.md"
fi

# ---- the table
python3 - "$top/docs/benchmarks.md" <<PY
import sys
p = sys.argv[1]
pk = $packets
rows = [("rigor capture -r F -q --log /dev/null", $t_rl, $c_rl), ("rigor capture -r F -q", $t_r, $c_r)]
if $t_b > 0:
    rows += [("rigor capture -r F -q --log /dev/null (before)", $t_bl, $c_bl),
             ("rigor capture -r F -q (before)", $t_b, $c_b)]
rows += [("tcpdump -r F -w /dev/null", $t_td, $c_td),
         ("tshark -r F -Y http.response -T fields -e http.time", $t_ts, $c_ts)]
t_rl, t_r, t_td, t_ts = $t_rl, $t_r, $t_td, $t_ts
c_rl, c_td, c_ts = $c_rl, $c_td, $c_ts
out = ["## Capture (bench/capture.sh)", "",
       "A loopback capture made by the script: tcpdump -i lo while \`wrk -t1 -c50 -d${secs}s\` drives a",
       "private nginx (one worker, 12-byte body): %d packets, ${size} MB, %s requests completed by wrk." % (pk, "$wrk_req"),
       "Offline times are medians of $rounds alternating rounds (tshark: one run); CPU = user + system",
       "time of the process. On this shared 2-core VM elapsed time includes waiting for a CPU (load",
       "average %s while measuring)." % "$load", "",
       "| command | elapsed (s) | packets per second (elapsed) | elapsed × tcpdump | CPU (s) | packets per CPU second |",
       "|---|---:|---:|---:|---:|---:|"]
for name, t, c in rows:
    out.append("| \`%s\` | %.3f | %s | %.2f× | %.3f | %s |" % (name, t, format(int(pk / max(t, 1e-3)), ","),
               t / max(t_td, 1e-3), c, format(int(pk / max(c, 1e-3)), ",")))
out += ["",
        "- rigor (writing every transaction as JSON) is **%.0f× faster than tshark** in CPU time (%.0f× elapsed)" % (c_ts / max(c_rl, 1e-3), t_ts / t_rl),
        "  and reads **%s packets per elapsed second** (%s without the log); it takes %.2f× (%.2f× without" % (format(int(pk / t_rl), ","), format(int(pk / t_r), ","), t_rl / max(t_td, 1e-3), t_r / max(t_td, 1e-3)),
        "  the log) the time tcpdump takes just to read and rewrite the file.",
        "- Transactions found: rigor %s complete and %s unmatched, tshark %s" % ("$rigor_tx", "$rigor_unm", "$tshark_tx"),
        "  http.response lines, wrk %s completed requests (wrk does not count the responses in flight at its end)." % "$wrk_req",
        "- Live: \`rigor capture -i lo\` during a second wrk run (%s requests, %s req/s): %s transactions," % ("$live_wrk", "$live_rps", "$live_tx"),
        "  %s packets, **%s kernel drops** (64 MiB buffer, 100 ms batches)." % ("$live_pk", "$live_drop"),
        "- Sidecar: \`rigor load -c50 -d${secs}s --capture lo\` against \`rigor serve\` at full speed: %s requests" % "$sc_req",
        "  in the window (%s req/s); the \`wire\` object counts %s transactions, the server sent %s responses" % ("$sc_rps", "$sc_wire", "$sc_served"),
        "  (the window excludes the requests in flight at its edges), **%s kernel drops**, %s interface drops," % ("$sc_drop", "$sc_ifdrop"),
        "  %s unmatched. Median latency: client %s us, wire %s us." % ("$sc_unm", "$sc_cp50", "$sc_wp50"), ""]
import os
lay = "$dir/layers.md"
if os.path.exists(lay) and os.path.getsize(lay) > 0:
    out += ["Instructions per packet by layer of the engine, counted by callgrind on the same file",
            "(\`valgrind --tool=callgrind\`; exact and independent of the machine's load; tcpdump: its",
            "whole process, i.e. reading the file through the same libpcap and writing it out):", ""]
    out += open(lay).read().splitlines() + [""]
text = open(p).read()
start = text.index("## Capture (bench/capture.sh)")
end = text.find("\n## ", start + 5)
text = text[:start] + "\n".join(out) + ("\n" + text[end + 1:] if end >= 0 else "")
open(p, "w").write(text)
print("wrote the Capture section of", p)
PY
