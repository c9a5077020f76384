#!/bin/sh
# bench/loadgen_io.sh — rigor load's two I/O engines (epoll, io_uring) against wrk: client CPU
# per request, side by side. Writes the "Load generator I/O engines" section of
# docs/benchmarks.md (issue 17, target 3).
#
#   sh bench/loadgen_io.sh            (from the repository root, after `make`)
#   ROUNDS=7 DURATION=3 sh bench/loadgen_io.sh
#
# Targets: nginx (one worker, no access log, 12-byte body) and `rigor serve --threads 1`.
# Settings: -t1 -c50 and -t2 -c200. In each round every tool runs once against the target,
# in the same order (wrk, rigor --engine epoll, rigor --engine io_uring); CPU is the load
# generator's user + system time (rigor: the run's client.cpu_s; wrk: /usr/bin/time) per
# 100k completed requests. Per round, each tool's CPU per request is divided by wrk's of the
# same round; the table gives the median and range of those ratios, and the medians of
# requests/s. The machine is shared and noisy: read the per-round ratios, not the absolutes.
# Environment: ROUNDS (7), DURATION (3 s), NO_DOCS=1 to leave docs alone.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
RIGOR=${RIGOR:-$top/rigor}
ROUNDS=${ROUNDS:-7}
DUR=${DURATION:-3}
W=$(mktemp -d "${TMPDIR:-/tmp}/rigor-bench-io.XXXXXX")
PIDS=""
cleanup() {
    for p in $PIDS; do kill "$p" 2>/dev/null; done
    for p in $PIDS; do wait "$p" 2>/dev/null; done
    rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[ -x "$RIGOR" ] || { echo "bench: build rigor first (make)" >&2; exit 1; }
for t in wrk nginx python3 /usr/bin/time; do
    command -v $t >/dev/null 2>&1 || { echo "bench: $t is needed (sh tools/deps.sh --bench)" >&2; exit 1; }
done
"$RIGOR" load http://127.0.0.1:1/ -n 1 --engine io_uring -q 2>&1 | grep -q "not available" &&
    { echo "bench: io_uring is not available on this machine" >&2; exit 1; }

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

. tests/fixtures/capture/nginx.sh
NP=$(free_port)
cap_nginx "$W/ngx" "$NP"
PIDS="$PIDS $NGINX_PID"
SP=$(free_port)
"$RIGOR" serve --listen "127.0.0.1:$SP" --threads 1 -q > /dev/null 2>&1 &
PIDS="$PIDS $!"
sleep 1

one() {  # scenario, port, threads, conns, round, tool
    sc=$1 port=$2 thr=$3 conns=$4 round=$5 tool=$6
    url="http://127.0.0.1:$port/"
    if [ "$tool" = wrk ]; then
        /usr/bin/time -f "%U %S" -o "$W/t" wrk -t"$thr" -c"$conns" -d"${DUR}s" "$url" > "$W/wrk" 2>&1
        python3 - "$W/wrk" "$W/t" "$sc" "$round" >> "$W/rows" <<'PY'
import re, sys
o = open(sys.argv[1]).read()
n = int(re.search(r"(\d+) requests in", o).group(1))
u, s = map(float, open(sys.argv[2]).read().split())
print(sys.argv[3], sys.argv[4], "wrk", re.search(r"Requests/sec:\s+([\d.]+)", o).group(1),
      (u + s) / n * 1e5)
PY
    else
        "$RIGOR" load "$url" -t "$thr" -c "$conns" -d "${DUR}s" --engine "$tool" -q \
            -o "$W/r.json" > /dev/null 2>&1
        python3 - "$W/r.json" "$sc" "$round" "$tool" >> "$W/rows" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["runs"][-1]
print(sys.argv[2], sys.argv[3], r["engine"], r["throughput_rps"],
      r["client"]["cpu_s"] / r["requests"] * 1e5)
PY
        rm -f "$W/r.json"
    fi
}

load=$(cut -d' ' -f1 /proc/loadavg)
i=1
while [ "$i" -le "$ROUNDS" ]; do
    for sc in "nginx:$NP:1:50" "serve:$SP:1:50" "nginx:$NP:2:200" "serve:$SP:2:200"; do
        IFS=: read -r name port thr conns <<EOF
$sc
EOF
        for tool in wrk epoll io_uring; do
            one "$name-t$thr-c$conns" "$port" "$thr" "$conns" "$i" "$tool"
        done
    done
    i=$((i + 1))
done
load_end=$(cut -d' ' -f1 /proc/loadavg)

python3 - "$W/rows" "$top/docs/benchmarks.md" "$ROUNDS" "$DUR" "$load" "$load_end" "${NO_DOCS:-}" <<'PY'
import collections, statistics as st, sys
rows = [l.split() for l in open(sys.argv[1])]
data = collections.defaultdict(dict)   # (scenario, tool) -> round -> (rps, cpu)
for sc, rnd, tool, rps, cpu in rows:
    data[(sc, tool)][rnd] = (float(rps), float(cpu))
names = {"nginx-t1-c50": "nginx (one worker), -t1 -c50", "serve-t1-c50": "`rigor serve --threads 1`, -t1 -c50",
         "nginx-t2-c200": "nginx (one worker), -t2 -c200", "serve-t2-c200": "`rigor serve --threads 1`, -t2 -c200"}
label = {"wrk": "wrk", "epoll": "rigor load --engine epoll", "io_uring": "rigor load --engine io_uring"}
out = ["## Load generator I/O engines (bench/loadgen_io.sh)", "",
       "Measured by `sh bench/loadgen_io.sh` (%s alternating rounds of %s s per tool and setting, "
       "medians; load average %s at the start, %s at the end; 2 cores shared by client, server "
       "and other work). CPU is the load generator's user + system time per 100k completed "
       "requests; \"per round\" divides it by wrk's of the same round: median [min–max]."
       % (sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6]), ""]
for sc in names:
    if (sc, "wrk") not in data:
        continue
    w = data[(sc, "wrk")]
    out += ["**%s**" % names[sc], "",
            "| tool | req/s | × wrk | CPU s / 100k req | per round: CPU × wrk | per round: CPU × epoll |",
            "|---|---:|---:|---:|---:|---:|"]
    for tool in ("wrk", "epoll", "io_uring"):
        d = data.get((sc, tool), {})
        if not d:
            continue
        rps = st.median(v[0] for v in d.values())
        cpu = st.median(v[1] for v in d.values())
        rw = [d[r][1] / w[r][1] for r in d if r in w]
        e = data.get((sc, "epoll"), {})
        re_ = [d[r][1] / e[r][1] for r in d if r in e]
        out.append("| %s | %s | %.2f | %.3f | %.2f [%.2f–%.2f] | %.2f [%.2f–%.2f] |" % (
            label[tool], format(int(rps), ","), rps / st.median(v[0] for v in w.values()), cpu,
            st.median(rw), min(rw), max(rw), st.median(re_), min(re_), max(re_)))
    out.append("")
text = "\n".join(out)
print(text)
if not sys.argv[7]:
    p = sys.argv[2]
    doc = open(p).read()
    head = "## Load generator I/O engines (bench/loadgen_io.sh)"
    if head in doc:
        start = doc.index(head)
        end = doc.find("\n## ", start + 5)
        notes = doc.find("<!-- io notes -->", start)
        keep = doc[notes:end + 1] if 0 <= notes < (end if end >= 0 else len(doc)) else ""
        doc = doc[:start] + text + (keep if keep else "") + ("\n" + doc[end + 1:] if end >= 0 else "")
    else:
        anchor = "## HTTPS (bench/https.sh)"
        doc = doc.replace(anchor, text + "\n" + anchor)
    open(p, "w").write(doc)
    print("wrote the I/O engines section of", p)
PY
