#!/bin/sh
# bench/https.sh — `rigor load https://` against `wrk https://`, side by side.
#
#   sh bench/https.sh              (from the repository root, after `make`)
#
# Target: nginx, one worker, no access log, a 12-byte `return 200`, TLS with an EC P-256
# certificate from tools/tls-selfsigned.sh, on two ports: one that resumes sessions (tickets
# and a session cache: nginx's usual setup) and one that cannot (tickets and cache off).
# Scenarios, all -t1 -c50, in alternating rounds (the order of the tools rotates every round):
#   keepalive     the connections are made once: the cost of TLS records
#   close         a new connection per request (rigor --no-keepalive, wrk -H 'Connection:
#                 close'), the server resumes sessions: abbreviated handshakes
#   close-full    the same against the port that cannot resume: a full handshake per request
# Tools: rigor (certificate verified with --cacert, its default), rigor -k (no verification,
# as wrk), wrk. Per tool: requests/s, the load generator's CPU time (user+sys) per 100k
# requests, and the ratios to wrk; medians over ROUNDS rounds. The server's handshakes are
# checked from rigor's runs (tls.resumed) so "resumed" means what it says.
# With RIGOR_BASE=PATH (a rigor built before the TLS work) it also compares plain
# `http://` runs of RIGOR_BASE and this rigor with wrk against the same nginx (the hot path
# must not get slower).
# Counts (when strace, and for RIGOR_BASE valgrind, are installed): timings on a shared VM swing
# by ±30%, so the work is also counted: system calls per request (strace -c -f) for every tool,
# as the difference between a long and a short run divided by the difference in requests (so
# start-up and the first handshakes cancel out); and for the plain-http before/after, the
# user-space instructions per request of the load thread (valgrind's callgrind: the inclusive
# cost of lg_worker_main over a -n 30000 run, so loading OpenSSL at start-up is left out).
# (Instructions are not compared with wrk: under valgrind wrk completes too few requests in a
# timed run to mean anything.)
# The tables are printed and written into the "HTTPS" section of docs/benchmarks.md.
# Environment: ROUNDS (5), DURATION (4), SCENARIOS (a subset, e.g. "close close-full"),
# NO_COUNTS=1 to skip the counts, NO_DOCS=1 to leave docs alone.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
RIGOR=${RIGOR:-$top/rigor}
ROUNDS=${ROUNDS:-5}
DUR=${DURATION:-4}
BASE=${RIGOR_BASE:-}
W=$(mktemp -d "${TMPDIR:-/tmp}/rigor-bench-https.XXXXXX")
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

# --- the target ------------------------------------------------------------------------
sh "$top/tools/tls-selfsigned.sh" "$W" server 2
P_RES=$(free_port)
P_FULL=$(free_port)
while [ "$P_FULL" = "$P_RES" ]; do P_FULL=$(free_port); done
P_HTTP=$(free_port)
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
    ssl_certificate $W/server.pem;
    ssl_certificate_key $W/server.key;
    ssl_protocols TLSv1.2 TLSv1.3;   # nginx 1.22's default lacks TLSv1.3
    server { listen 127.0.0.1:$P_RES ssl; ssl_session_cache shared:S:10m; ssl_session_tickets on;
             location / { default_type text/plain; return 200 "hello world\n"; } }
    server { listen 127.0.0.1:$P_FULL ssl; ssl_session_cache off; ssl_session_tickets off;
             location / { default_type text/plain; return 200 "hello world\n"; } }
    server { listen 127.0.0.1:$P_HTTP;
             location / { default_type text/plain; return 200 "hello world\n"; } }
}
EOF
"$NGINX" -p "$W/ng" -c "$W/ng/nginx.conf" -g "daemon off; pid $W/ng/nginx.pid;" &
PIDS="$PIDS $!"
wait_port "$P_RES" && wait_port "$P_FULL" && wait_port "$P_HTTP" ||
    { echo "bench: nginx did not start" >&2; cat "$W/ng/error.log" >&2; exit 1; }

# --- one measurement: prints "requests rps cpu_s resumed/handshakes" ----------------------
timed() {  # out cmd...
    out=$1; shift
    /usr/bin/time -f '%U %S' -o "$W/time" "$@" >"$out" 2>&1
    awk '{print $1 + $2}' "$W/time" | tail -1
}
rigor_line() {  # dataset cpu
    python3 - "$1" "$2" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["runs"][-1]
t = r.get("tls_handshakes")
print(r["requests"], r["throughput_rps"], sys.argv[2],
      "%.4f" % (r["tls"]["resumed"] / t) if t else "-",
      ",".join(sorted(r["tls"]["versions"])) + "/" + (r["tls"]["cipher"] or "") if t else "-")
PY
}
run_tool() {  # tool scenario
    case $2 in
    keepalive) url="https://localhost:$P_RES/"; ka=""; wh="" ;;
    close) url="https://localhost:$P_RES/"; ka="--no-keepalive"; wh="Connection: close" ;;
    close-full) url="https://localhost:$P_FULL/"; ka="--no-keepalive"; wh="Connection: close" ;;
    http) url="http://127.0.0.1:$P_HTTP/"; ka=""; wh="" ;;
    esac
    o="$W/out"
    rm -f "$W/r.json"
    case $1 in
    rigor|rigor-k|base)
        bin=$RIGOR; tls="--cacert $W/server.pem"
        [ "$1" = rigor-k ] && tls="-k"
        [ "$1" = base ] && bin=$BASE
        [ "$2" = http ] && tls=""
        cpu=$(timed "$o" "$bin" load "$url" -t 1 -c 50 -d "${DUR}s" $ka $tls -q -o "$W/r.json")
        rigor_line "$W/r.json" "$cpu" ;;
    wrk)
        if [ -n "$wh" ]; then cpu=$(timed "$o" wrk -t1 -c50 -d"${DUR}s" -H "$wh" "$url")
        else cpu=$(timed "$o" wrk -t1 -c50 -d"${DUR}s" "$url"); fi
        n=$(awk '/requests in/ {print $1}' "$o"); rps=$(awk '/Requests\/sec/ {print $2}' "$o")
        echo "${n:-0} ${rps:-0} $cpu - -" ;;
    esac
}

SCEN=${SCENARIOS:-keepalive close close-full}
[ -n "$BASE" ] && [ -z "${SCENARIOS:-}" ] && SCEN="$SCEN http"
echo "bench: $ROUNDS rounds of ${DUR}s per tool and scenario ($SCEN)" >&2
: > "$W/rows.tsv"
r=1
while [ $r -le "$ROUNDS" ]; do
    for s in $SCEN; do
        tools="rigor rigor-k wrk"
        [ "$s" = http ] && tools="rigor base wrk"
        order=$(echo $tools | awk -v r=$r '{n = NF; for (i = 0; i < n; i++) printf "%s ", $(((i + r - 1) % n) + 1)}')
        for tool in $order; do
            line=$(run_tool "$tool" "$s")
            echo "$s $tool $r $line" >> "$W/rows.tsv"
            echo "bench: round $r $s $tool: $line" >&2
        done
    done
    r=$((r + 1))
done

# --- counts: instructions and system calls per request -------------------------------------
count_run() {  # how(ir|sys) tool scenario size(short|long) -> "requests count"
    how=$1 tool=$2 s=$3 secs=2
    [ "$4" = long ] && secs=6
    case $s in
    keepalive) url="https://localhost:$P_RES/"; ka=""; wh="" ;;
    close) url="https://localhost:$P_RES/"; ka="--no-keepalive"; wh="Connection: close" ;;
    close-full) url="https://localhost:$P_FULL/"; ka="--no-keepalive"; wh="Connection: close" ;;
    http) url="http://127.0.0.1:$P_HTTP/"; ka=""; wh="" ;;
    esac
    if [ "$how" = ir ]; then pre="valgrind --tool=callgrind --callgrind-out-file=$W/cg.out"
    else pre="strace -f -c -o $W/strace.out"; fi
    rm -f "$W/c.json"
    case $tool in
    rigor|rigor-k|base)
        bin=$RIGOR; tls="--cacert $W/server.pem"
        [ "$tool" = rigor-k ] && tls="-k"
        [ "$tool" = base ] && bin=$BASE
        [ "$s" = http ] && tls=""
        len="-d ${secs}s"
        [ "$how" = ir ] && len="-n 30000"   # instructions: exactly 30000 requests
        $pre "$bin" load "$url" -t 1 -c 50 $len $ka $tls -q -o "$W/c.json" >"$W/c.out" 2>&1
        n=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["runs"][-1]["requests"])' "$W/c.json") ;;
    wrk)
        if [ -n "$wh" ]; then $pre wrk -t1 -c50 -d"${secs}s" -H "$wh" "$url" >"$W/c.out" 2>&1
        else $pre wrk -t1 -c50 -d"${secs}s" "$url" >"$W/c.out" 2>&1; fi
        n=$(awk '/requests in/ {print $1}' "$W/c.out") ;;
    esac
    if [ "$how" = ir ]; then
        c=$(callgrind_annotate --inclusive=yes "$W/cg.out" 2>/dev/null |
            awk '/engine.c:lg_worker_main / {gsub(",", "", $1); print $1; exit}')
    else c=$(awk '$NF == "total" {print $4}' "$W/strace.out"); fi
    echo "${n:-0} ${c:-0}"
}
: > "$W/counts.tsv"
if command -v strace >/dev/null && [ "${NO_COUNTS:-0}" != 1 ]; then
    for s in $SCEN; do
        tools="rigor rigor-k wrk"
        [ "$s" = http ] && tools="rigor base wrk"
        for tool in $tools; do
            hows=sys
            [ "$s" = http ] && [ "$tool" != wrk ] && command -v valgrind >/dev/null && hows="ir sys"
            for how in $hows; do
                if [ "$how" = ir ]; then   # one exact run: "requests instructions"
                    echo "$s $tool ir $(count_run ir $tool $s long)" >> "$W/counts.tsv"
                    continue
                fi
                a=$(count_run $how $tool $s short); b=$(count_run $how $tool $s long)
                echo "$s $tool $how $a $b" >> "$W/counts.tsv"
                echo "bench: counts $s $tool $how: $a / $b" >&2
            done
        done
    done
fi

python3 - "$W/rows.tsv" "$ROUNDS" "$DUR" "$top/docs/benchmarks.md" "${NO_DOCS:-0}" "$W/counts.tsv" <<'PY'
import statistics, subprocess, sys
rows_file, rounds, dur, docs, nodocs, counts_file = sys.argv[1:7]
counts = {}
for line in open(counts_file):
    f = line.split()
    if len(f) == 7:
        s, tool, how, n1, c1, n2, c2 = f[0], f[1], f[2], *map(float, f[3:7])
        counts[(s, tool, how)] = (c2 - c1) / (n2 - n1) if n2 > n1 else None
    elif len(f) == 5:
        s, tool, how, n, c = f[0], f[1], f[2], float(f[3]), float(f[4])
        counts[(s, tool, how)] = c / n if n > 0 else None
rows = {}
negotiated = set()
for line in open(rows_file):
    f = line.split()
    if len(f) < 8:
        continue
    s, tool, rnd, n, rps, cpu, res, neg = f[:8]
    try:
        rows.setdefault((s, tool), []).append((float(n), float(rps), float(cpu), res, int(rnd)))
    except ValueError:
        pass
    if neg != "-":
        negotiated.add(neg.replace("/", " "))
def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None
def cpu100k(r):
    return r[2] / r[0] * 1e5 if r[0] else None
def round_ratios(s, tool, idx):
    """Per round, tool / wrk (the two measured minutes apart): median [min-max]."""
    w = {r[4]: r for r in rows.get((s, "wrk"), [])}
    xs = []
    for r in rows.get((s, tool), []):
        b = w.get(r[4])
        if b is None:
            continue
        a_v = r[1] if idx == 1 else cpu100k(r)
        b_v = b[1] if idx == 1 else cpu100k(b)
        if a_v and b_v:
            xs.append(a_v / b_v)
    if not xs:
        return "–"
    return f"{statistics.median(xs):.2f} [{min(xs):.2f}–{max(xs):.2f}]"
cpu_model = subprocess.run("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2", shell=True,
                           capture_output=True, text=True).stdout.strip()
load = open("/proc/loadavg").read().split()[:3]
out = [f"Measured by `sh bench/https.sh` ({rounds} alternating rounds of {dur} s per tool and "
       f"scenario, medians; -t1 -c50; {cpu_model}, 2 cores shared by client and server; load "
       f"average at the end {' '.join(load)}). The per-round columns pair each tool with the wrk "
       "run of the same round: median [min–max] of those ratios. "
       "CPU is the load generator's user+sys time per 100k completed requests. nginx 1.22, one "
       "worker, `return 200` of 12 bytes, no access log, EC P-256 certificate; negotiated: "
       f"{', '.join(sorted(negotiated)) or '?'}; OpenSSL 3.0 on both sides.\n"]
titles = {"keepalive": "Keep-alive (connections made once: the cost of TLS records)",
          "close": "A new connection per request, sessions resumed (abbreviated handshakes)",
          "close-full": "A new connection per request, nginx without tickets or session cache (full handshakes)",
          "http": "Plain `http://` against the same nginx: this rigor and the one before the TLS work"}
for s in ("keepalive", "close", "close-full", "http"):
    base = rows.get((s, "wrk"))
    if not base:
        continue
    b_rps = med([r[1] for r in base])
    b_cpu = med([cpu100k(r) for r in base])
    out.append(f"\n**{titles[s]}**\n")
    has_sys = any(k[0] == s and k[2] == "sys" for k in counts)
    has_ir = any(k[0] == s and k[2] == "ir" for k in counts)
    head = ("| tool | req/s | × wrk | per round: × wrk | CPU s / 100k req | × wrk |"
            " per round: × wrk |")
    rule = "|---|---:|---:|---:|---:|---:|---:|"
    if s != "http":
        head, rule = head + " resumed handshakes |", rule + "---:|"
    if has_sys:
        head, rule = head + " system calls / req |", rule + "---:|"
    if has_ir:
        head, rule = head + " user instructions / req (load thread) |", rule + "---:|"
    out.append(head)
    out.append(rule)
    names = {"rigor": "rigor load (verified, `--cacert`)", "rigor-k": "rigor load -k",
             "wrk": "wrk", "base": "rigor load before the TLS work"}
    if s == "http":
        names["rigor"] = "rigor load (this branch)"
    for tool in ("rigor", "rigor-k", "base", "wrk"):
        rs = rows.get((s, tool))
        if not rs:
            continue
        rps = med([r[1] for r in rs]); cpu = med([cpu100k(r) for r in rs])
        res = [r for r in rs if r[3] != "-"]
        rr = "–" if not res or s == "http" else f"{med([float(r[3]) for r in res]) * 100:.1f}%"
        line = (f"| {names[tool]} | {rps:,.0f} | {rps / b_rps:.2f} | {round_ratios(s, tool, 1)} | "
                f"{cpu:.3f} | {cpu / b_cpu:.2f} | {round_ratios(s, tool, 2)} |")
        if s != "http":
            line += f" {rr} |"
        if has_sys:
            sc = counts.get((s, tool, "sys"))
            line += f" {sc:.2f} |" if sc else " – |"
        if has_ir:
            ir = counts.get((s, tool, "ir"))
            line += f" {ir:,.0f} |" if ir else " – |"
        out.append(line)
text = "\n".join(out) + "\n"
print(text)
if nodocs != "1":
    d = open(docs).read()
    head = "## HTTPS (bench/https.sh)\n"
    if head not in d:
        i = d.index("## Capture (bench/capture.sh)")
        d = d[:i] + head + "\n" + d[i:]
    i = d.index(head) + len(head)
    j = d.find("\n## ", i)
    j = len(d) if j < 0 else j + 1
    # keep the hand-written notes that follow the measured tables (marked by "<!-- notes -->")
    k = d.find("<!-- notes -->", i)
    keep = d[k:j] if 0 <= k < j else ""
    d = d[:i] + "\n" + text + ("\n" + keep if keep else "\n") + d[j:]
    open(docs, "w").write(d)
PY
