#!/bin/sh
# tests/e2e/capture_tls.sh — passive timing of HTTPS without keys, against what the client
# and the server counted and against tshark's TLS dissector (when installed):
#   - tcpdump records `rigor load https://` against `rigor serve --tls-*` (keep-alive TLS 1.3,
#     a connection per request with resumption, TLS 1.2); `rigor capture -r` then counts one
#     handshake per connection, transactions from records within 2% of the client's requests,
#     the versions, resumptions and SNI the client negotiated;
#   - tshark counts the same ClientHellos, the same SNI and the same records;
#   - `rigor load --capture lo` over https: the wire object counts the run's handshakes.
. tests/e2e/lib.sh
. tests/e2e/load_lib.inc
[ "$(id -u)" = 0 ] && command -v tcpdump >/dev/null ||
    { t_ok "# SKIP needs root and tcpdump"; t_done; exit 0; }
command -v openssl >/dev/null || { t_ok "# SKIP openssl not installed"; t_done; exit 0; }
D=$T_DIR
sh tools/tls-selfsigned.sh "$D" server 2
serve_start --tls-cert "$D/server.pem" --tls-key "$D/server.key"
U="https://localhost:$PORT/"
t_bg tcpdump -i lo -s 0 -U -w "$D/t.pcap" "tcp port $PORT" 2>/dev/null
DUMP=$T_LAST
sleep 1
L="--cacert $D/server.pem -q -o $D/load.json"
t_run "load: keep-alive" 0 "$RIGOR" load "$U" -n 2000 -c 5 $L
t_run "load: a connection per request" 0 "$RIGOR" load "$U" -n 300 -c 3 --no-keepalive $L
t_run "load: TLS 1.2" 0 "$RIGOR" load "$U" -n 200 -c 2 --no-keepalive --tls-version 1.2 $L
sleep 1
kill "$DUMP"
wait "$DUMP" 2>/dev/null
serve_stop
t_run "capture -r" 0 "$RIGOR" capture -r "$D/t.pcap" -o "$D/cap.json" --log "$D/cap.jsonl"
t_has "summary: the TLS line" "$T_OUT" "tls flows 505, handshakes 505"

# against the client and the server
t_true "one handshake per connection (5 + 300 + 200)" \
    "len(d['runs']) == 1 and d['runs'][0]['tls_handshakes'] == 505 and d['runs'][0]['tls']['incomplete'] == 0" "$D/cap.json"
t_true "transactions from records: within 2% of the 2500 requests (exactly here)" \
    "abs(d['runs'][0]['requests'] - 2500) <= 50 and d['runs'][0]['requests'] == 2500" "$D/cap.json"
want=$(python3 -c 'import json, sys
runs = json.load(open(sys.argv[1]))["runs"]
v = {}
for r in runs:
    for k, n in r["tls"]["versions"].items():
        v[k] = v.get(k, 0) + n
print(sum(r["tls"]["resumed"] for r in runs), sorted(v.items()))' "$D/load.json")
t_eq "versions and resumptions as the client negotiated them" \
    "$(jq_py "$D/cap.json" "'%d %s' % (d['runs'][0]['tls']['resumed'], sorted(d['runs'][0]['tls']['versions'].items()))")" "$want"
t_eq "resumptions as the server counted them" "$(jq_py "$D/cap.json" "d['runs'][0]['tls']['resumed']")" \
    "$(jq_py "$T_DIR/stats.json" "d['tls_resumed']")"
t_true "SNI, url, timing marked as from records, histograms filled" \
    "d['runs'][0]['tls']['sni'] == {'localhost': 505} and d['runs'][0]['url'].startswith('https://') and d['runs'][0]['tls']['timing'] == 'records' and d['runs'][0]['tls_handshake']['histogram']['count'] == 505 and d['runs'][0]['latency']['histogram']['count'] >= 2490" "$D/cap.json"
t_eq "log: a line per transaction, each flagged tls" \
    "$(grep -c '"tls"\],"tls":{"version":"TLSv1.[23]","sni":"localhost"' "$D/cap.jsonl")" 2500
# Handshake time each way: ClientHello -> the client's first data <= the server's first data.
bad=$(python3 -c 'import json, sys
n = 0
for line in open(sys.argv[1]):
    t = json.loads(line)["tls"]
    if not (t["t_client_hello"] < t["t_client_data"] <= t["t_server_data"]):
        n += 1
print(n)' "$D/cap.jsonl")
t_eq "log: t_client_hello < t_client_data <= t_server_data on every line" "$bad" 0

# against tshark's TLS dissector
if command -v tshark >/dev/null; then
    TS="tshark -r $D/t.pcap -d tcp.port==$PORT,tls"
    hellos=$($TS -Y 'tls.handshake.type == 1' -T fields -e tls.handshake.extensions_server_name 2>/dev/null | sort | uniq -c | awk '{print $1, $2}')
    t_eq "tshark: the same ClientHellos and SNI" "$hellos" "505 localhost"
    # every record has a length (encrypted TLS 1.3 records have no content_type field there)
    recs=$($TS -T fields -e tls.record.length 2>/dev/null | tr ',' '\n' | grep -c .)
    t_has "tshark: the same number of TLS records" "$T_OUT" "records $recs "
else
    t_ok "# SKIP tshark not installed"
fi

# the sidecar: rigor load --capture over https
serve_start --tls-cert "$D/server.pem" --tls-key "$D/server.key"
t_run "load --capture lo over https" 0 "$RIGOR" load "https://localhost:$PORT/" -n 1000 -c 4 --no-keepalive --cacert "$D/server.pem" --capture lo -q -o "$D/side.json"
serve_stop
t_true "sidecar: the wire object counts the run's handshakes and requests" \
    "d['runs'][0]['wire']['tls_handshakes'] == d['runs'][0]['tls_handshakes'] == 1000 and abs(d['runs'][0]['wire']['requests'] - 1000) <= 20" "$D/side.json"
t_done
