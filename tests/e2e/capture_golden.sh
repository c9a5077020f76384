#!/bin/sh
# tests/e2e/capture_golden.sh — `rigor capture -r` on the synthesized fixtures gives exactly
# the golden transaction logs (tests/fixtures/capture/README.md says how both were made), and
# the -o dataset of one of them holds what the log says.
. tests/e2e/lib.sh
fx=tests/fixtures/capture
for p in "$fx"/*.pcap; do
    n=$(basename "$p" .pcap)
    t_run "golden $n: exit 0" 0 "$RIGOR" capture -r "$p" --log "$T_DIR/$n.jsonl" -q
    if [ ! -s "$fx/$n.jsonl" ]; then
        t_fail "golden $n: the golden log is empty"
    elif cmp -s "$T_DIR/$n.jsonl" "$fx/$n.jsonl"; then
        t_ok "golden $n: log matches"
    else
        t_fail "golden $n: log differs" "$(diff "$fx/$n.jsonl" "$T_DIR/$n.jsonl" | head -5)"
    fi
done

# The same capture with microsecond stamps (classic pcap magic): libpcap scales them to ns,
# and every time in basic.pcap is a whole microsecond, so the log is the same.
python3 - "$fx/basic.pcap" "$T_DIR/basic-us.pcap" <<'PY'
import struct, sys
b = bytearray(open(sys.argv[1], "rb").read())
assert struct.unpack("<I", b[:4])[0] == 0xa1b23c4d
b[:4] = struct.pack("<I", 0xa1b2c3d4)
off = 24
while off + 16 <= len(b):
    s, ns, cl, l = struct.unpack("<IIII", b[off:off + 16])
    b[off + 4:off + 8] = struct.pack("<I", ns // 1000)
    off += 16 + cl
open(sys.argv[2], "wb").write(b)
PY
t_run "microsecond pcap" 0 "$RIGOR" capture -r "$T_DIR/basic-us.pcap" --log "$T_DIR/us.jsonl" -q
cmp -s "$T_DIR/us.jsonl" "$fx/basic.jsonl" && t_ok "microsecond stamps scaled to ns" || t_fail "us log differs"

# A flow table of one flow: the idlest flows are evicted, counted, and their requests kept.
t_run "--max-flows 1" 0 "$RIGOR" capture -r "$fx/vlan.pcap" --max-flows 1 --idle-timeout 1ms
t_has "--max-flows: summary" "$T_OUT" "complete 1,"

# The log on stdout ('-') is the same, and the summary moves to stderr.
t_run "log on stdout" 0 "$RIGOR" capture -r "$fx/pipelining.pcap" --log -
if cmp -s "$T_OUT" "$fx/pipelining.jsonl"; then t_ok "stdout log matches"; else t_fail "stdout log differs"; fi
t_has "summary on stderr with --log -" "$T_ERR" "transactions 3"

# Dataset from the pipelining capture: one run, 3 requests, status counts, latency in us.
t_run "dataset from a fixture" 0 "$RIGOR" capture -r "$fx/pipelining.pcap" -o "$T_DIR/ds.json" --label pipe -q
python3 - "$T_DIR/ds.json" > "$T_DIR/check" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
r = d["runs"]
assert len(r) == 1, r
r = r[0]
assert r["target"] == "pipe" and r["source"] == "capture" and r["url"] == "http://127.0.0.1:8080"
assert r["requests"] == 3 and r["status"] == {"200": 2, "201": 1}, r["status"]
# request first byte -> response last byte: 100, 200, 300 us (the golden log's times)
assert (r["latency"]["min"], r["latency"]["max"]) == (100, 300), r["latency"]
assert r["ttfb"]["max"] == 300 and r["server_time"]["min"] == 100
assert r["handshake_rtt"]["max"] == 20
assert r["capture"]["packets"] == 9 and r["capture"]["flows"] == 1
print("ok")
PY
t_has "dataset run holds the log's figures" "$T_DIR/check" "ok"
t_run "second capture appends run 2" 0 "$RIGOR" capture -r "$fx/pipelining.pcap" -o "$T_DIR/ds.json" --label pipe -q
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print([r["run"] for r in d["runs"]])' "$T_DIR/ds.json" > "$T_DIR/runs"
t_has "run indexes 1 and 2" "$T_DIR/runs" "[1, 2]"
t_done
