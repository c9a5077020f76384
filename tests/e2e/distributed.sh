#!/bin/sh
# tests/e2e/distributed.sh — `rigor run` with load_hosts, on one machine, in network
# namespaces this test creates: a server namespace with a bridge (10.77.0.1, `rigor serve`)
# and three load-host namespaces on it, plus a second server namespace holding the same
# address with a slow server, reached only by a fourth load host. The remote template is
# `ip netns exec {host}` (through a small wrapper that can delay, kill or fake a host's clock).
#
# Checked: the merged runs' requests equal what the server answered (minus the responses
# outside the windows and the requests in flight at the end, both counted); each merged
# histogram equals the union of the hosts' (bucket by bucket, merge_check.py); the series sum
# per absolute second; a host whose clock is 0.7 s behind (libfaketime) is measured by the
# probe and lines up; a threshold on p99 fails on the merged run when only the union of the
# hosts exceeds it (the mean of the hosts' p99s does not); a killed host and a late host make
# the run incomplete with their names, and --resume makes the step again.
# Needs root and `ip netns`: otherwise one "ok ... # SKIP" line. Every namespace (and with
# them every veth and bridge) is deleted at exit, on failure too; only addresses inside
# these namespaces are used.
. tests/e2e/lib.sh
. tests/e2e/load_lib.inc
D=$T_DIR

if [ "$(id -u)" -ne 0 ] || ! ip netns list >/dev/null 2>&1; then
    echo "ok 1 - distributed # SKIP needs root and ip netns"
    echo "1..1"
    exit 0
fi

P="rgd$$"   # namespaces: ${P}s (server), ${P}w (slow server), ${P}1..${P}3, ${P}4 (on ${P}w)
NS="${P}s ${P}w ${P}1 ${P}2 ${P}3 ${P}4"

ns_cleanup() {
    for n in $NS; do
        for p in $(ip netns pids "$n" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
        ip netns del "$n" 2>/dev/null
    done
}
trap 'ns_cleanup; t_cleanup' EXIT

ns_setup() {
    for n in $NS; do
        ip netns add "$n" && ip -n "$n" link set lo up || return 1
    done
    for s in s w; do
        ip -n "$P$s" link add br0 type bridge && ip -n "$P$s" addr add 10.77.0.1/24 dev br0 &&
            ip -n "$P$s" link set br0 up || return 1
    done
    for h in 1:s:11 2:s:12 3:s:13 4:w:14; do
        i=${h%%:*}; rest=${h#*:}; s=${rest%%:*}; a=${rest#*:}
        ip -n "$P$s" link add "v$i" type veth peer name eth0 netns "$P$i" &&
            ip -n "$P$s" link set "v$i" master br0 up &&
            ip -n "$P$i" addr add "10.77.0.$a/24" dev eth0 &&
            ip -n "$P$i" link set eth0 up || return 1
    done
}

if ! ns_setup; then
    t_fail "network namespaces could not be set up"
    t_done
    exit 1
fi
t_ok "namespaces: two servers, four load hosts, two bridges"

# the servers: fast on ${P}s, 200 ms per request on ${P}w, the same address and port
t_bg ip netns exec "${P}s" "$RIGOR" serve --listen 10.77.0.1:8080 -q --stats-file "$D/stats.json"
SV=$T_LAST
t_bg ip netns exec "${P}w" "$RIGOR" serve --listen 10.77.0.1:8080 -q --delay 200ms
SLOW=$T_LAST
ip netns exec "${P}1" sh -c "$(command -v python3) - 8080 10.77.0.1" <<'PY' || t_fail "fast server not reachable from host 1"
import socket, sys, time
for _ in range(100):
    try:
        socket.create_connection((sys.argv[2], int(sys.argv[1])), timeout=1).close(); sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit(1)
PY

# The remote wrapper: `ip netns exec HOST rigor load ...`, or late, or with a clock behind.
cat >"$D/remote.sh" <<EOF
host=\$1; shift
if [ -e "$D/late.\$host" ]; then sleep 3; fi
if [ -e "$D/fake.\$host" ]; then
    exec ip netns exec "\$host" env FAKETIME_DONT_FAKE_MONOTONIC=1 faketime -f -0.7 "\$@"
fi
exec ip netns exec "\$host" "\$@"
EOF
FAKE=no
if command -v faketime >/dev/null 2>&1 && [ -z "${RIGOR_ASAN:-}" ]; then
    FAKE=yes   # (an ASan binary refuses a preloaded library before its runtime)
    : >"$D/fake.${P}2"
fi

cat >"$D/plan.json" <<EOF
{"title": "three hosts", "duration": "3s", "warmup": "1s", "runs": 2, "concurrency": [30],
 "load_hosts": ["${P}1", "${P}2", "${P}3"], "remote": "sh $D/remote.sh {host}",
 "start_lead": "1s", "cooldown": "0s",
 "targets": [{"name": "fast", "url": "http://10.77.0.1:8080/"}]}
EOF
t_run "rigor run on three hosts" 0 "$RIGOR" run "$D/plan.json" -o "$D/ds.json"
t_has "the run names its hosts" "$T_ERR" "3 hosts, start skew"
kill "$SV"; wait "$SV" 2>/dev/null
t_true "two merged runs, complete, 3 hosts each" \
    "[(r['complete'], r['concurrency'], len(r['hosts'])) for r in d['runs']] == [(True, 30, 3)] * 2" "$D/ds.json"
t_true "hosts split 30 connections 10/10/10" \
    "all([h['connections'] for h in r['hosts']] == [10, 10, 10] for r in d['runs'])" "$D/ds.json"
for k in 0 1; do
    if python3 tests/e2e/merge_check.py "$D/ds.json" --run=$k >"$D/check$k.out" 2>&1; then
        t_ok "run $((k + 1)): merged = union of the hosts (counts, histogram buckets, series)"
    else
        t_fail "run $((k + 1)): merged = union of the hosts"; sed 's/^/#   /' "$D/check$k.out"
    fi
done
t_eq "server answered what was counted, plus the edges" "$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1])); s = json.load(open(sys.argv[2]))
low = sum(r["requests"] + r["edges"]["outside_window"] for r in d["runs"])
high = low + sum(r["edges"]["in_flight_at_end"] for r in d["runs"])
print(low <= s["responses"] <= high, low, s["responses"], high)' "$D/ds.json" "$D/stats.json" | cut -d" " -f1)" True
t_true "every host probed the coordinator's clock" \
    "all(h['clock']['reference'] == 'coordinator' and h['clock']['probe']['samples'] == 8 for r in d['runs'] for h in r['hosts'])" "$D/ds.json"
t_true "the offsets' uncertainty is recorded, and bounds" \
    "all(r['clock']['uncertainty_s'] is not None and r['clock']['uncertainty_s'] < 0.5 for r in d['runs'])" "$D/ds.json"
t_true "windows on whole seconds, three series seconds" \
    "all(r['clock']['window_start_ns'] % 10**9 == 0 and len(r['timeseries']['requests']) == 3 for r in d['runs'])" "$D/ds.json"
t_true "start skew recorded" "all(r['clock']['start_skew_s'] >= 0 for r in d['runs'])" "$D/ds.json"
if [ "$FAKE" = yes ]; then
    t_true "host 2's clock 0.7 s behind: measured by the probe" \
        "all(abs(r['hosts'][1]['clock']['offset_s'] - 0.7) < 0.05 for r in d['runs'])" "$D/ds.json"
    t_true "host 2's window still lines up (offset applied)" \
        "all(r['clock']['window_skew_s'] == 0 and r['merge']['problems'] == [] for r in d['runs'])" "$D/ds.json"
else
    echo "ok $((T_N + 1)) - clock 0.7 s behind # SKIP faketime not installed or ASan build"
    T_N=$((T_N + 1))
fi
rm -f "$D/fake.${P}2"
t_run "analyze reads the merged runs" 0 "$RIGOR" analyze "$D/ds.json"

# Thresholds judge the merged run: one host reaches the slow server (200 ms), two the fast
# one; in open loop each host sends a third of the requests, so the union's p99 is the slow
# host's (~205 ms) while the mean of the three hosts' p99s stays under the limit of 150 ms
# as long as the fast hosts' p99s stay under ~120 ms (a busy CI machine stays well below).
t_bg ip netns exec "${P}s" "$RIGOR" serve --listen 10.77.0.1:8080 -q
cat >"$D/thr.json" <<EOF
{"duration": "3s", "warmup": "1s", "runs": 1, "rate": [150], "connections": 60,
 "load_hosts": ["${P}4", "${P}2", "${P}3"], "remote": "sh $D/remote.sh {host}",
 "start_lead": "1s",
 "targets": [{"name": "api", "url": "http://10.77.0.1:8080/"}],
 "thresholds": ["p99 < 150ms"]}
EOF
t_run "threshold on the merged p99" 3 "$RIGOR" run "$D/thr.json" -o "$D/thr-ds.json"
t_has "the violation is reported" "$T_ERR" 'threshold "p99 < 150ms" violated'
t_true "only the union exceeds 150 ms: the mean of the hosts' p99s does not" \
    "(lambda r: r['latency']['p99'] > 150000 > sum(h['latency']['p99'] for h in r['hosts']) / 3)(d['runs'][0])" \
    "$D/thr-ds.json"
t_true "the fast hosts' own p99s are under the limit" \
    "all(h['latency']['p99'] < 150000 for h in d['runs'][0]['hosts'][1:])" "$D/thr-ds.json"

# A host killed during the window: the run is incomplete, with its name; --resume redoes it.
sed 's/"runs": 2/"runs": 1/' "$D/plan.json" >"$D/kill.json"
(   i=0
    while [ -z "$(ip netns pids "${P}3" 2>/dev/null)" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    sleep 3.5   # the start is at most 2 s after the hosts appear: inside the 3 s window
    for p in $(ip netns pids "${P}3"); do kill -9 "$p"; done ) &
KILLER=$!
t_run "a killed host" 1 "$RIGOR" run "$D/kill.json" -o "$D/kill-ds.json"
wait "$KILLER"
t_has "the killed host is named" "$T_ERR" "${P}3: "
t_has "how it ended is said" "$T_ERR" "killed by signal 9"
t_true "the run is kept incomplete" \
    "len(d['runs']) == 1 and not d['runs'][0]['complete'] and any('${P}3' in p for p in d['runs'][0]['merge']['problems'])" \
    "$D/kill-ds.json"
t_run "resume makes the step again" 0 "$RIGOR" run "$D/kill.json" -o "$D/kill-ds.json" --resume
t_true "after resume: one complete run" \
    "[r['complete'] for r in d['runs']] == [True]" "$D/kill-ds.json"

# A host that starts 3 s late (after the warm-up): its window starts late; named.
: >"$D/late.${P}2"
t_run "a late host" 1 "$RIGOR" run "$D/kill.json" -o "$D/late-ds.json"
t_has "the late host is named" "$T_ERR" "${P}2: its window started"
t_true "late: incomplete" "not d['runs'][0]['complete']" "$D/late-ds.json"
rm -f "$D/late.${P}2"
t_done
