#!/bin/sh
# bench/loadgen.sh — rigor load against its peers, side by side, and its own limits.
#
#   sh bench/loadgen.sh            (from the repository root, after `make`)
#
# 1. Peers: rigor, wrk, ab, hey, h2load (and autocannon when installed) at -t1 -c50, in
#    alternating rounds (the order rotates every round), against nginx (one worker, no access
#    log, 12-byte body) and `rigor serve` (one thread). Per tool: requests/s, the load
#    generator's CPU time (user+sys from /usr/bin/time) per 100k requests, p50/p99, and the
#    ratios to wrk. Medians over ROUNDS rounds.
# 2. 10,000 connections held against rigor serve (RLIMIT_NOFILE raised).
# 3. Open-loop accuracy: achieved / intended rate at a few rates.
# 4. Memory: rigor load's RSS sampled during a MEM_S-second run (300 for the SPEC's 5 minutes).
# The table is printed and written into the "Load generator" section of docs/benchmarks.md.
# Environment: ROUNDS (5), DURATION (4), MEM_S (60), NO_DOCS=1 to leave docs alone.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
RIGOR=${RIGOR:-$top/rigor}
ROUNDS=${ROUNDS:-5}
DUR=${DURATION:-4}
MEM_S=${MEM_S:-60}
W=$(mktemp -d "${TMPDIR:-/tmp}/rigor-bench.XXXXXX")
PIDS=""
cleanup() {
    for p in $PIDS; do kill "$p" 2>/dev/null; done
    for p in $PIDS; do wait "$p" 2>/dev/null; done
    rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[ -x "$RIGOR" ] || { echo "bench: build rigor first (make)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "bench: wrk is needed (sh tools/deps.sh --bench)" >&2; exit 1; }
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$NGINX" ] || { echo "bench: nginx is needed" >&2; exit 1; }
ulimit -n "$(ulimit -Hn)" 2>/dev/null

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
wait_port() {
    python3 -c 'import socket, sys, time
for _ in range(100):
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1).close(); sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit(1)' "$1"
}

# --- the two targets -------------------------------------------------------------------
NP=$(free_port)
mkdir -p "$W/ng"
cat > "$W/ng/nginx.conf" <<EOF
worker_processes 1;
error_log $W/ng/error.log;
events { worker_connections 20000; }
http {
    access_log off;
    keepalive_requests 100000000;
    client_body_temp_path $W/ng; proxy_temp_path $W/ng; fastcgi_temp_path $W/ng;
    uwsgi_temp_path $W/ng; scgi_temp_path $W/ng;
    server { listen 127.0.0.1:$NP; location / { default_type text/plain; return 200 "hello world\n"; } }
}
EOF
"$NGINX" -p "$W/ng" -c "$W/ng/nginx.conf" -g "daemon off; pid $W/ng/nginx.pid;" &
PIDS="$PIDS $!"
SP=$(free_port)
"$RIGOR" serve --listen "127.0.0.1:$SP" --threads 1 -q --stats-file "$W/serve.json" &
SERVE=$!
PIDS="$PIDS $SERVE"
wait_port "$NP" && wait_port "$SP" || { echo "bench: targets did not start" >&2; exit 1; }

# --- one measurement: prints "reqs rps p50_us p99_us cpu_s" ------------------------------
timed() {  # file cmd...
    out=$1; shift
    /usr/bin/time -f '%U %S' -o "$W/time" "$@" >"$out" 2>&1
    awk '{print $1 + $2}' "$W/time" | tail -1
}
to_us() {  # "340.00us" "1.2ms" "0.5s" -> microseconds
    echo "$1" | awk '{v=$1; if (v ~ /us$/) {sub(/us$/,"",v); print v+0} else if (v ~ /ms$/) {sub(/ms$/,"",v); print v*1000}
        else if (v ~ /s$/) {sub(/s$/,"",v); print v*1000000} else print v}'
}
run_tool() {  # tool url
    o="$W/out"
    case $1 in
    rigor)
        cpu=$(timed "$o" "$RIGOR" load "$2" -t 1 -c 50 -d "${DUR}s" -q -o "$W/r.json")
        python3 - "$W/r.json" "$cpu" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["runs"][-1]
print(r["requests"], r["throughput_rps"], r["latency"]["p50"], r["latency"]["p99"], sys.argv[2])
PY
        rm -f "$W/r.json" ;;
    wrk)
        cpu=$(timed "$o" wrk -t1 -c50 -d"${DUR}s" --latency "$2")
        n=$(awk '/requests in/ {print $1}' "$o"); rps=$(awk '/Requests\/sec/ {print $2}' "$o")
        p50=$(to_us "$(awk '$1 == "50%" {print $2}' "$o")"); p99=$(to_us "$(awk '$1 == "99%" {print $2}' "$o")")
        echo "$n $rps $p50 $p99 $cpu" ;;
    ab)
        cpu=$(timed "$o" ab -k -q -c 50 -t "$DUR" -n 100000000 "$2")
        n=$(awk '/Complete requests/ {print $3}' "$o"); rps=$(awk '/Requests per second/ {print $4}' "$o")
        p50=$(awk '$1 == "50%" {print $2 * 1000}' "$o"); p99=$(awk '$1 == "99%" {print $2 * 1000}' "$o")
        echo "$n $rps $p50 $p99 $cpu" ;;
    hey)
        cpu=$(timed "$o" hey -z "${DUR}s" -c 50 "$2")
        n=$(awk '/\[200\]/ {print $2}' "$o"); rps=$(awk '/Requests\/sec/ {print $2}' "$o")
        p50=$(awk '$1 == "50%" {print $3 * 1000000}' "$o"); p99=$(awk '$1 == "99%" {print $3 * 1000000}' "$o")
        echo "$n $rps $p50 $p99 $cpu" ;;
    h2load)
        cpu=$(timeout $((DUR + 20)) /usr/bin/time -f '%U %S' -o "$W/time" h2load --h1 -c 50 -t 1 -D "$DUR" "$2" >"$o" 2>&1;
              awk '{print $1 + $2}' "$W/time" | tail -1)
        n=$(awk '/^requests:/ {print $8}' "$o"); rps=$(awk '/^finished in/ {print $4}' "$o")
        echo "${n:-0} ${rps:-0} - - ${cpu:-0}" ;;
    autocannon)
        cpu=$(timed "$o" $AUTOCANNON -j -c 50 -d "$DUR" "$2")
        python3 - "$o" "$cpu" <<'PY'
import json, sys
t = open(sys.argv[1]).read()
j = json.loads(t[t.index("{"):])
print(j["requests"]["total"], j["requests"]["average"], j["latency"]["p50"] * 1000, j["latency"]["p99"] * 1000, sys.argv[2])
PY
        ;;
    esac
}

TOOLS="rigor wrk"
for t in ab hey h2load; do command -v $t >/dev/null && TOOLS="$TOOLS $t"; done
AUTOCANNON=""
if command -v autocannon >/dev/null; then AUTOCANNON=autocannon
elif npx --no-install autocannon --version >/dev/null 2>&1; then AUTOCANNON="npx --no-install autocannon"; fi
[ -n "$AUTOCANNON" ] && TOOLS="$TOOLS autocannon"
echo "bench: tools: $TOOLS; $ROUNDS rounds of ${DUR}s per tool and target" >&2

# --- 1. peers, alternating ---------------------------------------------------------------
: > "$W/peers.tsv"
r=1
while [ $r -le "$ROUNDS" ]; do
    order=$(echo $TOOLS | awk -v r=$r '{n = NF; for (i = 0; i < n; i++) printf "%s ", $(((i + r - 1) % n) + 1)}')
    for target in nginx serve; do
        url="http://127.0.0.1:$NP/"; [ $target = serve ] && url="http://127.0.0.1:$SP/"
        for tool in $order; do
            line=$(run_tool "$tool" "$url")
            echo "$target $tool $r $line" >> "$W/peers.tsv"
            echo "bench: round $r $target $tool: $line" >&2
        done
    done
    r=$((r + 1))
done

# --- 2. 10,000 connections held against rigor serve --------------------------------------
"$RIGOR" load "http://127.0.0.1:$SP/" -t 2 -c 10000 --warmup 3s -d 10s --timeout 30s -q -o "$W/c10k.json" >/dev/null 2>"$W/c10k.err" &
LG=$!
sleep 9
held=$(ss -Htn state established "( dport = :$SP )" 2>/dev/null | wc -l)
wait $LG
echo "bench: 10k connections: $held established at 9 s" >&2

# --- 3. open-loop accuracy ---------------------------------------------------------------
: > "$W/open.tsv"
for rate in 1000 10000 30000; do
    "$RIGOR" load "http://127.0.0.1:$NP/" -t 1 -c 50 --rate $rate -d "${DUR}s" -q -o "$W/open.json" >/dev/null 2>&1
done

# --- 4. memory over a long run -----------------------------------------------------------
"$RIGOR" load "http://127.0.0.1:$SP/" -t 1 -c 50 -d "${MEM_S}s" -q -o "$W/mem.json" >/dev/null 2>&1 &
LG=$!
: > "$W/mem.tsv"
i=0
while kill -0 $LG 2>/dev/null; do
    sleep 5; i=$((i + 5))
    rss=$(awk '/VmRSS/ {print $2}' /proc/$LG/status 2>/dev/null)
    [ -n "$rss" ] && echo "$i $rss" >> "$W/mem.tsv"
done
wait $LG

# --- the table ---------------------------------------------------------------------------
python3 - "$W" "$ROUNDS" "$DUR" "$held" "$MEM_S" "$top/docs/benchmarks.md" "${NO_DOCS:-0}" <<'PY'
import json, statistics, sys, subprocess, re
W, rounds, dur, held, mem_s, docs, nodocs = sys.argv[1:8]
rows = {}
for line in open(W + "/peers.tsv"):
    f = line.split()
    if len(f) < 8:
        continue
    target, tool, _, n, rps, p50, p99, cpu = f[:8]
    def num(x):
        try: return float(x)
        except ValueError: return None
    rows.setdefault((target, tool), []).append((num(n), num(rps), num(p50), num(p99), num(cpu)))
def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None
def fmt_us(v):
    if v is None: return "–"
    return f"{v/1000:.2f} ms" if v >= 1000 else f"{v:.0f} µs"
out = []
cpu_model = subprocess.run("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2", shell=True,
                           capture_output=True, text=True).stdout.strip()
out.append(f"Measured by `sh bench/loadgen.sh` ({rounds} alternating rounds of {dur} s per tool "
           f"and target, medians; -t1 -c50; {cpu_model}, 2 cores shared by client and server). "
           "CPU is the load generator's user+sys time per 100k completed requests.\n")
for target, title in (("nginx", "nginx 1 worker, 12-byte body, no access log"),
                      ("serve", "`rigor serve --threads 1`, 12-byte body")):
    out.append(f"\n**{title}**\n")
    out.append("| tool | req/s | × wrk | CPU s / 100k req | × wrk | p50 | p99 |")
    out.append("|---|---:|---:|---:|---:|---:|---:|")
    base = rows.get((target, "wrk"), [])
    b_rps = med([r[1] for r in base])
    b_cpu = med([r[4] / r[0] * 1e5 for r in base if r[0] and r[4] is not None])
    for (t, tool), rs in sorted(rows.items(), key=lambda kv: -(med([r[1] for r in kv[1]]) or 0)):
        if t != target:
            continue
        rps = med([r[1] for r in rs])
        cpu = med([r[4] / r[0] * 1e5 for r in rs if r[0] and r[4] is not None])
        ratio_r = f"{rps / b_rps:.2f}" if rps and b_rps else "–"
        ratio_c = f"{cpu / b_cpu:.2f}" if cpu and b_cpu else "–"
        out.append(f"| {tool} | {rps:,.0f} | {ratio_r} | {cpu:.3f} | {ratio_c} | "
                   f"{fmt_us(med([r[2] for r in rs]))} | {fmt_us(med([r[3] for r in rs]))} |")
try:
    c = json.load(open(W + "/c10k.json"))["runs"][0]
    errs = sum(c["errors"].values())
    out.append(f"\n**10,000 connections** against `rigor serve` (`rigor load -t2 -c10000 --warmup 3s -d10s`): "
               f"{held} connections established at 9 s, {c['requests']:,} requests, "
               f"{c['throughput_rps']:,.0f} req/s, {errs} errors, p99 {fmt_us(c['latency']['p99'])}.")
except Exception as e:
    out.append(f"\n**10,000 connections**: failed ({e}).")
out.append("\n**Open loop** against nginx (`--rate R -c50 -t1`):\n")
out.append("| intended req/s | achieved req/s | achieved / intended | backlog | p50 (corrected) | p99 (corrected) | p99 (uncorrected) |")
out.append("|---:|---:|---:|---:|---:|---:|---:|")
try:
    for r in json.load(open(W + "/open.json"))["runs"]:
        ol = r["open_loop"]
        out.append(f"| {ol['intended_rps']:,.0f} | {ol['achieved_rps']:,.1f} | "
                   f"{ol['achieved_rps'] / ol['intended_rps']:.4f} | {ol['backlog']} | "
                   f"{fmt_us(r['latency']['p50'])} | {fmt_us(r['latency']['p99'])} | "
                   f"{fmt_us(r['latency_uncorrected']['p99'])} |")
except Exception as e:
    out.append(f"| failed: {e} |")
try:
    mem = [tuple(map(int, l.split())) for l in open(W + "/mem.tsv") if l.strip()]
    rss = [m[1] for m in mem]
    out.append(f"\n**Memory** of `rigor load -c50` over a {mem_s} s run: RSS sampled every 5 s "
               f"from {min(rss)} to {max(rss)} KiB (first {rss[0]}, last {rss[-1]}).")
except Exception as e:
    out.append(f"\n**Memory**: not measured ({e}).")
text = "\n".join(out) + "\n"
print(text)
if nodocs != "1":
    d = open(docs).read()
    head = "## Load generator (bench/loadgen.sh)\n"
    i = d.index(head) + len(head)
    j = d.find("\n## ", i)
    j = len(d) if j < 0 else j + 1
    d = d[:i] + "\n" + text + "\n" + d[j:]
    open(docs, "w").write(d)
PY
