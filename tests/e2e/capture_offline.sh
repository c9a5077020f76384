#!/bin/sh
# tests/e2e/capture_offline.sh — `rigor capture -r` on captures made here: tcpdump records
# loopback traffic while ab and curl drive a private nginx with known request counts; the
# transactions rigor finds must equal the requests the clients completed. Then every kind of
# bad input: garbage, empty, truncated and corrupt pcaps, an unsupported link type, bad options.
. tests/e2e/lib.sh
. tests/fixtures/capture/nginx.sh
port=$(t_port)
cap_nginx "$T_DIR/ngx" "$port" || { t_fail "nginx starts"; t_done; exit 1; }
pcap=$T_DIR/lo.pcap
t_bg sh -c 'exec tcpdump -i lo -B 65536 -s 262144 --time-stamp-precision=nano -w "$1" "tcp port $2" 2>"$1.log"' \
    tcpdump "$pcap" "$port"
TD=$T_LAST
i=0; while [ ! -s "$pcap" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
sleep 0.3
ab -q -n 300 -c 4 "http://127.0.0.1:$port/" > "$T_DIR/ab1" 2>&1
ab -q -k -n 500 -c 8 "http://127.0.0.1:$port/" > "$T_DIR/ab2" 2>&1
ab -q -n 40 -c 2 "http://[::1]:$port/big" > "$T_DIR/ab3" 2>&1
curl -s -o /dev/null -I "http://127.0.0.1:$port/"
curl -s -o /dev/null "http://127.0.0.1:$port/nobody"
curl -s -o /dev/null "http://127.0.0.1:$port/missing"
sleep 1.5   # tcpdump hands over its last batch after its 1 s timeout

kill "$TD"; wait "$TD" 2>/dev/null
n1=$(awk '/^Complete requests/ {print $3}' "$T_DIR/ab1")
n2=$(awk '/^Complete requests/ {print $3}' "$T_DIR/ab2")
n3=$(awk '/^Complete requests/ {print $3}' "$T_DIR/ab3")
want4=$((n1 + n2 + 3))
t_run "capture -r of a tcpdump file" 0 "$RIGOR" capture -r "$pcap" --log "$T_DIR/tx.jsonl" -o "$T_DIR/ds.json"
cp "$T_OUT" "$T_DIR/summary"
t_has "summary counts every transaction" "$T_DIR/summary" "complete $((want4 + n3)),"
t_has "summary reports kernel drops" "$T_DIR/summary" "drops 0 (kernel)"
python3 - "$T_DIR/ds.json" "$T_DIR/tx.jsonl" "$port" "$want4" "$n3" > "$T_DIR/check" 2>&1 <<'PY'
import json, sys
ds, log, port, want4, want6 = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
runs = {r["url"]: r for r in json.load(open(ds))["runs"]}
r4, r6 = runs["http://127.0.0.1:%s" % port], runs["http://[::1]:%s" % port]
assert r4["requests"] == want4, (r4["requests"], want4)
assert r6["requests"] == want6, (r6["requests"], want6)
assert r4["status"] == {"200": want4 - 2, "204": 1, "404": 1}, r4["status"]
assert r4["errors"]["status"] == 1 and r4["capture"]["unmatched"] == 0
assert r4["latency"]["histogram"]["count"] == want4
assert 0 < r4["latency"]["min"] <= r4["latency"]["p50"] <= r4["latency"]["max"]
assert r4["handshake_rtt"]["histogram"]["count"] >= 300
assert r6["bytes_in"] >= want6 * 65536
tx = [json.loads(l) for l in open(log)]
assert len(tx) == want4 + want6, len(tx)
heads = [t for t in tx if t["method"] == "HEAD"]
assert len(heads) == 1 and heads[0]["status"] == 200
for t in tx:
    assert t["flags"] == [], t
    assert t["t_req_first"] <= t["t_req_last"] <= t["t_resp_first"] <= t["t_resp_last"], t
big = [t for t in tx if t["uri"] == "/big"]
assert all(t["resp_bytes"] > 65536 for t in big)
print("ok")
PY
t_has "runs and log agree with ab and curl" "$T_DIR/check" "ok"
[ -s "$T_DIR/check" ] && sed 's/^/#   /' "$T_DIR/check" | grep -v '^#   ok$'

# An independent reference: tshark's http.time (request frame -> response frame). Every message
# here fits one segment, so the sorted lists of latencies must agree to the nanosecond.
if command -v tshark >/dev/null 2>&1; then
    tshark -r "$pcap" -Y http.response -T fields -e http.time 2>/dev/null > "$T_DIR/tshark.txt"
    python3 - "$T_DIR/tx.jsonl" "$T_DIR/tshark.txt" > "$T_DIR/ref" 2>&1 <<'PY'
import json, sys
ours = sorted(t["t_resp_last"] - t["t_req_first"] for t in map(json.loads, open(sys.argv[1])))
theirs = sorted(round(float(l) * 1e9) for l in open(sys.argv[2]) if l.strip())
assert len(ours) == len(theirs), (len(ours), len(theirs))
bad = [(a, b) for a, b in zip(ours, theirs) if abs(a - b) > 1]
assert not bad, bad[:5]
print("ok", len(ours))
PY
    t_has "latencies equal tshark's http.time" "$T_DIR/ref" "ok"
fi

# The filter applies to files too: only the IPv6 traffic.
t_run "filter on a file" 0 "$RIGOR" capture -r "$pcap" -f "ip6" -q --log "$T_DIR/v6.jsonl"
[ "$(wc -l < "$T_DIR/v6.jsonl")" -eq "$n3" ] && t_ok "ip6 filter keeps the IPv6 transactions" ||
    t_fail "ip6 filter" "$(wc -l < "$T_DIR/v6.jsonl") lines, want $n3"

# pcapng holds the same packets: the same log.
if command -v editcap >/dev/null 2>&1; then
    editcap -F pcapng "$pcap" "$T_DIR/lo.pcapng"
    t_run "pcapng file" 0 "$RIGOR" capture -r "$T_DIR/lo.pcapng" -q --log "$T_DIR/ng.jsonl"
    cmp -s "$T_DIR/ng.jsonl" "$T_DIR/tx.jsonl" && t_ok "pcapng log equals pcap log" || t_fail "pcapng log differs"
fi

# Truncated in the middle of a record: exit 2 with a clear message; packets before it count.
size=$(wc -c < "$pcap")
head -c $((size - 30)) "$pcap" > "$T_DIR/cut.pcap"
t_run "truncated pcap exits 2" 2 "$RIGOR" capture -r "$T_DIR/cut.pcap" --log "$T_DIR/cut.jsonl"
t_has "truncated pcap message" "$T_ERR" "truncated"
[ "$(wc -l < "$T_DIR/cut.jsonl")" -gt 100 ] && t_ok "transactions before the cut are logged" || t_fail "cut log empty"

head -c 10 "$pcap" > "$T_DIR/short.pcap"
t_run "pcap shorter than its header exits 2" 2 "$RIGOR" capture -r "$T_DIR/short.pcap"
t_has "short header message" "$T_ERR" "cannot read"
head -c 24 "$pcap" > "$T_DIR/header.pcap"
t_run "pcap with only its header exits 1" 1 "$RIGOR" capture -r "$T_DIR/header.pcap" -q -o "$T_DIR/header.json"
t_has "header only: says it found no packets" "$T_ERR" "header.pcap: no packets: the file holds only its header"
t_run "filter matching nothing exits 1" 1 "$RIGOR" capture -r "$pcap" -f 'udp port 9' -q
t_has "filter matching nothing: said" "$T_ERR" "no packets match the filter 'udp port 9'"
: > "$T_DIR/empty.pcap"
t_run "empty file exits 2" 2 "$RIGOR" capture -r "$T_DIR/empty.pcap"
head -c 5000 /dev/urandom > "$T_DIR/garbage.pcap"
t_run "garbage exits 2" 2 "$RIGOR" capture -r "$T_DIR/garbage.pcap"
t_has "garbage message" "$T_ERR" "unknown file format"
# A record claiming 4 GB: libpcap refuses it.
python3 - "$T_DIR/huge.pcap" "$T_DIR/usr.pcap" <<'PY'
import struct, sys
hdr = lambda lt: struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 262144, lt)
open(sys.argv[1], "wb").write(hdr(1) + struct.pack("<IIII", 1, 0, 0xfffffff0, 0xfffffff0) + b"x" * 64)
open(sys.argv[2], "wb").write(hdr(147) + struct.pack("<IIII", 1, 0, 4, 4) + b"abcd")
PY
t_run "absurd record length exits 2" 2 "$RIGOR" capture -r "$T_DIR/huge.pcap"
t_run "unsupported link type exits 2" 2 "$RIGOR" capture -r "$T_DIR/usr.pcap"
t_has "unsupported link type message" "$T_ERR" "unsupported link type"
t_run "missing file exits 2" 2 "$RIGOR" capture -r "$T_DIR/nope.pcap"
t_run "directory exits 2" 2 "$RIGOR" capture -r "$T_DIR"
t_run "bad filter exits 2" 2 "$RIGOR" capture -r "$pcap" -f "tcp port banana"
t_has "bad filter message" "$T_ERR" "bad filter"
t_run "no source exits 2" 2 "$RIGOR" capture
t_run "two sources exit 2" 2 "$RIGOR" capture -r "$pcap" -i lo
t_run "unknown option exits 2" 2 "$RIGOR" capture -r "$pcap" --frobnicate
t_run "bad count exits 2" 2 "$RIGOR" capture -r "$pcap" -c 12x
t_run "bad buffer exits 2" 2 "$RIGOR" capture -i lo --buffer 1
t_run "duration on a file exits 2" 2 "$RIGOR" capture -r "$pcap" -d 1s
t_run "unwritable log exits 2" 2 "$RIGOR" capture -r "$pcap" --log "$T_DIR/no/such/dir/x"
echo '{"format": "rigor-dataset", "version": 99, "runs": []}' > "$T_DIR/bad.json"
t_run "bad dataset exits 2" 2 "$RIGOR" capture -r "$pcap" -o "$T_DIR/bad.json"
t_run "--count stops early" 0 "$RIGOR" capture -r "$pcap" -c 10
t_has "--count: 10 packets" "$T_OUT" "packets 10 "
t_run "--help" 0 "$RIGOR" capture --help
t_has "--help documents --log" "$T_OUT" "--log FILE"
t_done
