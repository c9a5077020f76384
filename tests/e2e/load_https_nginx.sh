#!/bin/sh
# tests/e2e/load_https_nginx.sh — `rigor load https://` against Debian's nginx (one worker,
# private config in the test's directory, a certificate from tools/tls-selfsigned.sh).
# nginx's access log is the reference: one line per request with its connection number, TLS
# version, session reuse and SNI, so the client's requests, handshakes (connections),
# resumptions and versions are checked against the server's own record. A TLS 1.2-only
# server negotiates 1.2, refuses --tls-version 1.3 (a `tls` error), and a capture of the
# traffic (tcpdump, then rigor capture -r) counts one handshake per connection and one
# transaction per request.
. tests/e2e/lib.sh
. tests/e2e/load_lib.inc
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$NGINX" ] || { t_ok "# SKIP nginx not installed"; t_done; exit 0; }
command -v openssl >/dev/null || { t_ok "# SKIP openssl not installed"; t_done; exit 0; }
D=$T_DIR
P=$(t_port)
P12=$(t_port)
while [ "$P12" = "$P" ]; do P12=$(t_port); done
mkdir -p "$D/html" "$D/tmp"
printf 'hello world\n' > "$D/html/index.html"
chmod 755 "$D" "$D/html"
chmod 644 "$D/html/"*
sh tools/tls-selfsigned.sh "$D" server 2
cat > "$D/nginx.conf" <<EOF
worker_processes 1;
error_log $D/error.log;
events { worker_connections 1024; }
http {
    log_format tls '\$connection \$ssl_protocol \$ssl_session_reused \$ssl_server_name \$status';
    access_log $D/access.log tls;
    client_body_temp_path $D/tmp; proxy_temp_path $D/tmp; fastcgi_temp_path $D/tmp;
    uwsgi_temp_path $D/tmp; scgi_temp_path $D/tmp;
    keepalive_requests 500;
    ssl_certificate $D/server.pem;
    ssl_certificate_key $D/server.key;
    server { listen 127.0.0.1:$P ssl; root $D/html; ssl_protocols TLSv1.2 TLSv1.3; }
    server { listen 127.0.0.1:$P12 ssl; root $D/html; ssl_protocols TLSv1.2; }
}
EOF
t_bg "$NGINX" -p "$D" -c "$D/nginx.conf" -g "daemon off; pid $D/nginx.pid;"
wait_port "$P" && wait_port "$P12" || { t_fail "nginx did not start"; sed 's/^/#   /' "$D/error.log"; t_done; exit 1; }
CAP=""
if command -v tcpdump >/dev/null && [ "$(id -u)" = 0 ]; then
    t_bg tcpdump -i lo -s 0 -U -w "$D/tls.pcap" "tcp port $P or tcp port $P12" 2>/dev/null
    CAP=$T_LAST
    sleep 1
fi

# log_stats FROM_LINE: "requests connections reused_connections versions sni statuses" of the
# access log lines after FROM_LINE
log_stats() {
    tail -n +"$(($1 + 1))" "$D/access.log" | python3 -c '
import sys, collections
conns, reused, vers, sni, st, n = {}, set(), collections.Counter(), set(), set(), 0
for line in sys.stdin:
    c, proto, r, name, status = line.split()
    n += 1
    conns.setdefault(c, proto)
    if r == "r":
        reused.add(c)
    sni.add(name)
    st.add(status)
for p in conns.values():
    vers[p] += 1
print(n, len(conns), len(reused), dict(vers), sorted(sni), sorted(st))'
}
lines() { wc -l < "$D/access.log" | tr -d ' '; }
U="https://localhost:$P/"

# keep-alive through nginx's keepalive_requests closes: reconnects resume sessions
t_run "nginx https -n 3000 -c 4 -t 2" 0 "$RIGOR" load "$U" -n 3000 -c 4 -t 2 --cacert "$D/server.pem" -q -o "$D/a.json"
got=$(log_stats 0)
want=$(jq_py "$D/a.json" "'%d %d %d %s %s %s' % (d['runs'][0]['requests'], d['runs'][0]['tls_handshakes'], d['runs'][0]['tls']['resumed'], {'TLSv1.3': d['runs'][0]['tls_handshakes']}, ['localhost'], ['200'])")
t_eq "keep-alive: requests, connections, resumptions, versions, SNI as nginx logged them" "$got" "$want"
t_true "keep-alive: no error; nginx's closes were followed by resumed handshakes" \
    "sum(d['runs'][0]['errors'].values()) == 0 and d['runs'][0]['tls_handshakes'] >= 6 and d['runs'][0]['tls']['resumed'] >= d['runs'][0]['tls_handshakes'] - 4" "$D/a.json"

# a connection per request
before=$(lines)
t_run "nginx https --no-keepalive -n 200" 0 "$RIGOR" load "$U" -n 200 -c 2 --no-keepalive --cacert "$D/server.pem" -q -o "$D/b.json"
got=$(log_stats "$before")
want=$(jq_py "$D/b.json" "'%d %d %d %s %s %s' % (200, 200, d['runs'][0]['tls']['resumed'], {'TLSv1.3': 200}, ['localhost'], ['200'])")
t_eq "no keep-alive: 200 requests on 200 connections, resumptions as nginx logged them" "$got" "$want"
t_true "no keep-alive: all but the first handshakes resumed" "d['runs'][0]['tls']['resumed'] >= 198" "$D/b.json"

# the TLS 1.2-only server
before=$(lines)
U12="https://127.0.0.1:$P12/"
t_run "nginx TLS 1.2 only" 0 "$RIGOR" load "$U12" -n 300 -c 3 --no-keepalive --cacert "$D/server.pem" -q -o "$D/c.json"
got=$(log_stats "$before")
want=$(jq_py "$D/c.json" "'%d %d %d %s %s %s' % (300, 300, d['runs'][0]['tls']['resumed'], {'TLSv1.2': 300}, ['-'], ['200'])")
t_eq "TLS 1.2: negotiated, counted alike; no SNI for an IP address" "$got" "$want"
t_run "--tls-version 1.3 against a TLS 1.2-only server: exit 1" 1 "$RIGOR" load "$U12" -n 4 -c 1 --tls-version 1.3 --cacert "$D/server.pem" -q
t_has "--tls-version 1.3: the reason" "$T_ERR" "TLS handshake failed: tlsv1 alert protocol version"
t_run "nginx without --cacert: exit 1" 1 "$RIGOR" load "$U" -n 4 -c 1 -q
t_has "nginx without --cacert: certificate message" "$T_ERR" "certificate verification failed"

# the capture of all that traffic
if [ -n "$CAP" ]; then
    sleep 1
    kill "$CAP"
    wait "$CAP" 2>/dev/null
    t_run "capture -r of the HTTPS traffic" 0 "$RIGOR" capture -r "$D/tls.pcap" -o "$D/cap.json" --log "$D/cap.jsonl"
    conns=$(($(jq_py "$D/a.json" "d['runs'][0]['tls_handshakes']") + 200 + 300))
    t_true "capture: one TLS handshake per connection the clients completed" \
        "sum(r['tls_handshakes'] for r in d['runs']) == $conns" "$D/cap.json"
    t_true "capture: transactions from records within 2% of the 3500 requests" \
        "abs(sum(r['requests'] for r in d['runs']) - 3500) <= 70" "$D/cap.json"
    t_true "capture: https runs, versions and SNI as negotiated" \
        "[(r['url'].split(':')[0], r['tls']['versions'].get('TLSv1.2', 0), r['tls']['sni'].get('localhost', 0)) for r in d['runs']] == [('https', 0, $conns - 300), ('https', 300, 0)]" "$D/cap.json"
    t_eq "capture: every log line flagged tls, with its connection's TLS facts" \
        "$(grep -c '"tls"\],"tls":{"version":"TLSv1.[23]"' "$D/cap.jsonl")" "$(wc -l < "$D/cap.jsonl" | tr -d ' ')"
else
    t_ok "# SKIP capture: needs tcpdump and root"
fi
t_done
