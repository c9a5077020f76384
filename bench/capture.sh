#!/bin/sh
# bench/capture.sh — rigor capture vs tshark vs tcpdump on a large loopback capture, and a
# live capture beside full-speed load. Writes the "Capture" section of docs/benchmarks.md.
#
#   sh bench/capture.sh            (from the repository root; needs root for tcpdump/-i lo)
#   BENCH_SECONDS=4 BENCH_ROUNDS=3 sh bench/capture.sh
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
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
RIGOR=${RIGOR:-$top/rigor}
secs=${BENCH_SECONDS:-8}
rounds=${BENCH_ROUNDS:-3}
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
    i=$((i + 1))
done
timeit tshark tshark -r "$pcap" -Y http.response -T fields -e http.time
median() {  # name, column (1 elapsed, 2 cpu)
    awk -v c="$2" '{print $c}' "$dir/t.$1" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}
t_rl=$(median rigor_log 1); t_r=$(median rigor 1); t_td=$(median tcpdump 1); t_ts=$(median tshark 1)
c_rl=$(median rigor_log 2); c_r=$(median rigor 2); c_td=$(median tcpdump 2); c_ts=$(median tshark 2)
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

# ---- the table
python3 - "$top/docs/benchmarks.md" <<PY
import sys
p = sys.argv[1]
pk = $packets
rows = [("rigor capture -r F -q --log /dev/null", $t_rl, $c_rl), ("rigor capture -r F -q", $t_r, $c_r),
        ("tcpdump -r F -w /dev/null", $t_td, $c_td),
        ("tshark -r F -Y http.response -T fields -e http.time", $t_ts, $c_ts)]
t_rl, t_r, t_td, t_ts = $t_rl, $t_r, $t_td, $t_ts
c_rl, c_td, c_ts = $c_rl, $c_td, $c_ts
out = ["## Capture (bench/capture.sh)", "",
       "A loopback capture made by the script: tcpdump -i lo while \`wrk -t1 -c50 -d${secs}s\` drives a",
       "private nginx (one worker, 12-byte body): %d packets, ${size} MB, %s requests completed by wrk." % (pk, "$wrk_req"),
       "Offline times are medians of $rounds alternating rounds (tshark: one run); CPU = user + system",
       "time of the process, which is what the 2 shared cores make steadiest.", "",
       "| command | elapsed (s) | CPU (s) | packets per CPU second | CPU vs rigor (with log) |",
       "|---|---:|---:|---:|---:|"]
for name, t, c in rows:
    out.append("| \`%s\` | %.3f | %.3f | %s | %.2f× |" % (name, t, c, format(int(pk / max(c, 1e-3)), ","), c / max(c_rl, 1e-3)))
out += ["",
        "- rigor (writing every transaction as JSON) is **%.0f× faster than tshark** in CPU time (%.0f× elapsed)" % (c_ts / max(c_rl, 1e-3), t_ts / t_rl),
        "  and reads **%s packets per CPU second** (%s per elapsed second); it needs %.1f× the CPU time" % (format(int(pk / max(c_rl, 1e-3)), ","), format(int(pk / t_rl), ","), c_rl / max(c_td, 1e-3)),
        "  tcpdump takes just to read and rewrite the file.",
        "- Transactions found: rigor %s complete (%s unmatched: requests in flight when wrk stopped), tshark %s" % ("$rigor_tx", "$rigor_unm", "$tshark_tx"),
        "  http.response lines, wrk %s completed requests (wrk does not count the responses in flight at its end)." % "$wrk_req",
        "- Live: \`rigor capture -i lo\` during a second wrk run (%s requests, %s req/s): %s transactions," % ("$live_wrk", "$live_rps", "$live_tx"),
        "  %s packets, **%s kernel drops** (64 MiB buffer, 100 ms batches)." % ("$live_pk", "$live_drop"), ""]
text = open(p).read()
start = text.index("## Capture (bench/capture.sh)")
end = text.find("\n## ", start + 5)
text = text[:start] + "\n".join(out) + ("\n" + text[end + 1:] if end >= 0 else "")
open(p, "w").write(text)
print("wrote the Capture section of", p)
PY
