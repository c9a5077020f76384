#!/bin/sh
# bench/distributed.sh — several load hosts on one machine, in network namespaces made here
# (a server namespace with a bridge and `rigor serve --threads 2` at 10.78.0.1, three load
# hosts on the bridge):
#
#  A. Start skew across hosts — the spread of the hosts' real load starts
#     (clock.load_start_ns, on each host's clock; the namespaces share one clock, so this is
#     the start machinery's own skew): `rigor run` with load_hosts (ip netns exec), and the
#     recipes of docs/distributed.md — GNU parallel and pdsh (its exec module standing in for
#     ssh), each without and with --start-at. ROUNDS starts each, median and max.
#  B. Merged throughput against one host: one host at -c 48 against three hosts at -c 48 in
#     all (16 each, --split, merged with rigor merge), ROUNDS interleaved rounds of 5 s, with
#     the server's own count of responses as a cross-check and each generator's CPU.
#
# Needs root, ip netns, GNU parallel and pdsh (sh tools/deps.sh --bench); prints Markdown for
# docs/benchmarks.md. The machine's 2 cores are shared by the server and the generators:
# compare within a table, and read B as what one machine can show, not as a scaling law.
set -eu
RIGOR=$(cd "$(dirname "${RIGOR:-./rigor}")" && pwd)/$(basename "${RIGOR:-./rigor}")
ROUNDS=${ROUNDS:-5}
if [ "$(id -u)" -ne 0 ] || ! ip netns list >/dev/null 2>&1; then
    echo "bench/distributed.sh: needs root and ip netns" >&2
    exit 0
fi
for t in parallel pdsh python3; do
    command -v "$t" >/dev/null || { echo "bench/distributed.sh: needs $t" >&2; exit 1; }
done
D=$(mktemp -d "${TMPDIR:-/tmp}/rigor-bench-dist.XXXXXX")
P="rgb$$"
NS="${P}s ${P}1 ${P}2 ${P}3"
cleanup() {
    for n in $NS; do
        for p in $(ip netns pids "$n" 2>/dev/null); do kill -9 "$p" 2>/dev/null || true; done
        ip netns del "$n" 2>/dev/null || true
    done
    rm -rf "$D"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for n in $NS; do ip netns add "$n"; ip -n "$n" link set lo up; done
ip -n "${P}s" link add br0 type bridge
ip -n "${P}s" addr add 10.78.0.1/24 dev br0
ip -n "${P}s" link set br0 up
for i in 1 2 3; do
    ip -n "${P}s" link add "v$i" type veth peer name eth0 netns "$P$i"
    ip -n "${P}s" link set "v$i" master br0 up
    ip -n "$P$i" addr add "10.78.0.1$i/24" dev eth0
    ip -n "$P$i" link set eth0 up
done
URL=http://10.78.0.1:8080/
H="${P}1 ${P}2 ${P}3"

serve() {   # serve STATSFILE: the server, until serve_stop
    ip netns exec "${P}s" "$RIGOR" serve --listen 10.78.0.1:8080 --threads 2 -q --stats-file "$1" &
    SV=$!
    sleep 0.5
}
serve_stop() { kill "$SV"; wait "$SV" 2>/dev/null || true; }

# skew FILES...: spread of the runs' load starts (first run of each file), in ms
skew() {
    python3 - "$@" <<'PY'
import json, sys
s = [json.load(open(f))["runs"][0]["clock"]["load_start_ns"] for f in sys.argv[1:]]
print("%.3f" % ((max(s) - min(s)) / 1e6))
PY
}

# stats "v1 v2 ...": median and max
stats() {
    python3 -c 'import statistics, sys
v = [float(x) for x in sys.argv[1:]]
print("%.3f | %.3f" % (statistics.median(v), max(v)))' $1
}

# ---- A: start skew ----
serve "$D/a-stats.json"
cat >"$D/plan.json" <<EOF
{"duration": "1s", "warmup": "1s", "runs": $ROUNDS, "concurrency": [3],
 "load_hosts": ["${P}1", "${P}2", "${P}3"], "remote": "ip netns exec {host}",
 "start_lead": "1s", "targets": [{"name": "s", "url": "$URL"}]}
EOF
"$RIGOR" run "$D/plan.json" -o "$D/run.json" -q >/dev/null
RUN_SKEW=$(python3 -c 'import json, sys
print(" ".join("%.3f" % (r["clock"]["start_skew_s"] * 1e3) for r in json.load(open(sys.argv[1]))["runs"]))' "$D/run.json")
RUN_UNC=$(python3 -c 'import json, sys, statistics
print("%.0f" % (statistics.median(r["clock"]["uncertainty_s"] for r in json.load(open(sys.argv[1]))["runs"]) * 1e6))' "$D/run.json")

PAR_NO="" PAR_AT="" PDSH_NO="" PDSH_AT=""
k=0
while [ $k -lt "$ROUNDS" ]; do
    k=$((k + 1))
    parallel -j0 --will-cite "ip netns exec {} $RIGOR load $URL -c 1 -d 1s -q -o $D/pn-{}.json" ::: $H >/dev/null 2>&1
    PAR_NO="$PAR_NO $(skew "$D"/pn-*.json)"
    T="@$(( $(date +%s) + 3 ))"
    parallel -j0 --will-cite "ip netns exec {} $RIGOR load $URL -c 3 --split {#}/3 --start-at $T -d 1s -q -o $D/pa-{}.json" ::: $H >/dev/null 2>&1
    PAR_AT="$PAR_AT $(skew "$D"/pa-*.json)"
    rm -f "$D"/pn-*.json "$D"/pa-*.json
    pdsh -f 8 -R exec -w "$(echo $H | tr ' ' ,)" ip netns exec %h "$RIGOR" load "$URL" -c 1 -d 1s -q -o "$D/dn-%h.json" >/dev/null 2>&1
    PDSH_NO="$PDSH_NO $(skew "$D"/dn-*.json)"
    T="@$(( $(date +%s) + 3 ))"
    pdsh -f 8 -R exec -w "$(echo $H | tr ' ' ,)" sh -c "ip netns exec %h $RIGOR load $URL -c 3 --split \$((%n + 1))/3 --start-at $T -d 1s -q -o $D/da-%h.json" >/dev/null 2>&1
    PDSH_AT="$PDSH_AT $(skew "$D"/da-*.json)"
    rm -f "$D"/dn-*.json "$D"/da-*.json
done
serve_stop

echo "### Start skew across 3 hosts (bench/distributed.sh, $ROUNDS starts each)"
echo
echo "Spread of the hosts' real load starts (\`clock.load_start_ns\`), in ms; the namespaces share"
echo "one clock, so this is the start machinery's skew, clock offsets excluded."
echo
echo "| how the hosts are started | median ms | max ms |"
echo "|---|---:|---:|"
echo "| \`rigor run\`, load_hosts, \`ip netns exec {host}\` (start_lead 1 s, probe) | $(stats "$RUN_SKEW") |"
echo "| GNU parallel \`-j0\`, no --start-at | $(stats "$PAR_NO") |"
echo "| GNU parallel \`-j0\`, --start-at | $(stats "$PAR_AT") |"
echo "| pdsh \`-R exec\`, no --start-at | $(stats "$PDSH_NO") |"
echo "| pdsh \`-R exec\`, --start-at | $(stats "$PDSH_AT") |"
echo
echo "rigor run's clock probes: median uncertainty of the merged runs' offsets ${RUN_UNC} µs."
echo

# ---- B: merged throughput vs one host ----
ONE="" THREE="" SRV1="" SRV3="" CPU1="" CPU3=""
k=0
while [ $k -lt "$ROUNDS" ]; do
    k=$((k + 1))
    serve "$D/s1.json"
    ip netns exec "${P}1" "$RIGOR" load "$URL" -c 48 -d 5s --warmup 1s -q -o "$D/one.json" >/dev/null
    serve_stop
    serve "$D/s3.json"
    T="@$(( $(date +%s) + 3 ))"
    parallel -j0 --will-cite "ip netns exec {} $RIGOR load $URL -c 48 --split {#}/3 --start-at $T -d 5s --warmup 1s -q -o $D/t-{#}.json" ::: $H >/dev/null 2>&1
    serve_stop
    "$RIGOR" merge "$D"/t-1.json "$D"/t-2.json "$D"/t-3.json -o "$D/m.json" -q
    ONE="$ONE $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["runs"][0]["throughput_rps"])' "$D/one.json")"
    THREE="$THREE $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["runs"][0]["throughput_rps"])' "$D/m.json")"
    CPU1="$CPU1 $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["runs"][0]["client"]["cpu_pct"])' "$D/one.json")"
    CPU3="$CPU3 $(python3 -c 'import json,sys; print(sum(h["client"]["cpu_pct"] for h in json.load(open(sys.argv[1]))["runs"][0]["hosts"]))' "$D/m.json")"
    SRV1="$SRV1 $(python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["runs"][0]; s=json.load(open(sys.argv[2]))
print(s["responses"] - d["requests"] - d["edges"]["outside_window"])' "$D/one.json" "$D/s1.json")"
    SRV3="$SRV3 $(python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["runs"][0]; s=json.load(open(sys.argv[2]))
print(s["responses"] - d["requests"] - d["edges"]["outside_window"])' "$D/m.json" "$D/s3.json")"
    rm -f "$D"/t-*.json "$D/m.json" "$D/one.json"
done
python3 - "$ONE" "$THREE" "$CPU1" "$CPU3" "$SRV1" "$SRV3" "$ROUNDS" <<'PY'
import statistics, sys
one, three, c1, c3, s1, s3 = ([float(x) for x in a.split()] for a in sys.argv[1:7])
m1, m3 = statistics.median(one), statistics.median(three)
print("### Merged throughput against one host (bench/distributed.sh, %s rounds of 5 s)" % sys.argv[7])
print()
print("`rigor serve --threads 2` in the server namespace, closed loop, 48 connections in all.")
print()
print("| load | req/s (median) | range | generator CPU % (sum) | server answered − counted − outside window |")
print("|---|---:|---:|---:|---:|")
print("| 1 host, -c 48 | %.0f | %.0f–%.0f | %.0f | %s |" % (m1, min(one), max(one), statistics.median(c1),
      " ".join("%d" % x for x in s1)))
print("| 3 hosts, -c 48 (--split, merged) | %.0f | %.0f–%.0f | %.0f | %s |" % (m3, min(three), max(three),
      statistics.median(c3), " ".join("%d" % x for x in s3)))
print()
print("Merged / one host: %.2f× (median of the per-round ratios %.2f×)." %
      (m3 / m1, statistics.median(b / a for a, b in zip(one, three))))
PY
