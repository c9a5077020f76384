#!/bin/sh
# tests/e2e/load_https.sh — `rigor load https://` against `rigor serve --tls-cert/--tls-key`
# with a certificate made by tools/tls-selfsigned.sh: the client's counts (requests,
# handshakes, resumptions, versions) equal the server's; verification failures are a clear
# `tls` error and exit 1; -k passes; pipelined requests over TLS (openssl s_client) are all
# answered; bad TLS options and files are usage errors.
. tests/e2e/lib.sh
. tests/e2e/load_lib.inc
command -v openssl >/dev/null || { t_ok "# SKIP openssl not installed"; t_done; exit 0; }
D=$T_DIR
sh tools/tls-selfsigned.sh "$D" server 2 || { t_fail "tls-selfsigned.sh"; t_done; exit 1; }
sh tools/tls-selfsigned.sh "$D" other 2 DNS:other.test
t_eq "helper: the key is private" "$(stat -c %a "$D/server.key")" 600
t_eq "helper: the certificate names localhost and 127.0.0.1" \
    "$(openssl x509 -in "$D/server.pem" -noout -ext subjectAltName | tail -1 | tr -d ' ')" \
    "DNS:localhost,IPAddress:127.0.0.1,IPAddress:0:0:0:0:0:0:0:1"

# usage errors of rigor serve
t_run "serve: --tls-cert without --tls-key" 2 "$RIGOR" serve --tls-cert "$D/server.pem"
t_has "serve: message" "$T_ERR" "go together"
t_run "serve: key of another certificate" 2 "$RIGOR" serve --tls-cert "$D/server.pem" --tls-key "$D/other.key"
t_has "serve: mismatch message" "$T_ERR" "mismatch"
t_run "serve: missing certificate" 2 "$RIGOR" serve --tls-cert "$D/none.pem" --tls-key "$D/server.key"
t_has "serve: missing file message" "$T_ERR" "cannot use --tls-cert"

serve_start --tls-cert "$D/server.pem" --tls-key "$D/server.key" --threads 2
HURL="https://localhost:$PORT/"
stat_of() { jq_py "$T_DIR/stats.json" "d['$1']"; }

# keep-alive: one verified handshake per connection, counted alike by both sides
t_run "https -n 4000 -c 6 -t 2 --cacert" 0 "$RIGOR" load "$HURL" -n 4000 -c 6 -t 2 --cacert "$D/server.pem" -q -o "$D/ka.json"
t_true "keep-alive: 4000 requests, no errors" \
    "d['runs'][0]['requests'] == 4000 and sum(d['runs'][0]['errors'].values()) == 0 and d['runs'][0]['errors']['tls'] == 0" "$D/ka.json"
t_true "keep-alive: one handshake per connection, TLS 1.3, ALPN http/1.1, verified" \
    "d['runs'][0]['tls_handshakes'] == 6 and d['runs'][0]['tls']['versions'] == {'TLSv1.3': 6} and d['runs'][0]['tls']['alpn'] == 'http/1.1' and d['runs'][0]['tls']['verify'] is True" "$D/ka.json"
t_true "keep-alive: connect and tls_handshake latency objects, one sample per connection" \
    "d['runs'][0]['connect']['histogram']['count'] == 6 and d['runs'][0]['tls_handshake']['histogram']['count'] == 6 and d['runs'][0]['tls_handshake']['p50'] > 0" "$D/ka.json"
t_true "https: the default engine is epoll (TLS runs there)" \
    "d['runs'][0]['engine'] == 'epoll'" "$D/ka.json"
t_run "https: --engine io_uring refused" 1 "$RIGOR" load "$HURL" -n 1 --engine io_uring --cacert "$D/server.pem" -q
t_has "https: says why" "$T_ERR" "https:// runs on the epoll engine"

# a connection per request, with and without resumption, TLS 1.2 and 1.3
t_run "https --no-keepalive -n 300" 0 "$RIGOR" load "$HURL" -n 300 -c 3 --no-keepalive --cacert "$D/server.pem" -q -o "$D/nk.json"
t_run "https --no-keepalive --no-tls-resume -n 100" 0 "$RIGOR" load "$HURL" -n 100 -c 2 --no-keepalive --no-tls-resume --cacert "$D/server.pem" -q -o "$D/nk.json"
t_run "https --tls-version 1.2 --no-keepalive -n 200" 0 "$RIGOR" load "$HURL" -n 200 -c 2 --no-keepalive --tls-version 1.2 --cacert "$D/server.pem" -q -o "$D/nk.json"
t_true "no keep-alive: a handshake per request" \
    "[r['tls_handshakes'] for r in d['runs']] == [300, 100, 200] and [r['requests'] for r in d['runs']] == [300, 100, 200]" "$D/nk.json"
t_true "no keep-alive: sessions resumed (all but the first of each connection at most)" \
    "d['runs'][0]['tls']['resumed'] >= 297 and d['runs'][1]['tls']['resumed'] == 0 and d['runs'][2]['tls']['resumed'] >= 198" "$D/nk.json"
t_true "--tls-version 1.2 negotiates TLS 1.2" "d['runs'][2]['tls']['versions'] == {'TLSv1.2': 200}" "$D/nk.json"

# failures: exit 1, kind tls, a message that says why and what to do
t_run "self-signed without --cacert: exit 1" 1 "$RIGOR" load "$HURL" -n 20 -c 2 -q -o "$D/fail.json"
t_has "self-signed: the reason" "$T_ERR" "certificate verification failed: self-signed certificate"
t_has "self-signed: the way out" "$T_ERR" "-k skips verification"
t_has "self-signed: errors by kind name tls" "$T_ERR" "connect 0, read 0, write 0, timeout 0, protocol 0, tls 20)"
t_true "self-signed: 20 tls errors, no request" \
    "d['runs'][0]['errors']['tls'] == 20 and d['runs'][0]['requests'] == 0 and d['runs'][0]['tls_handshakes'] == 0" "$D/fail.json"
t_run "wrong CA: exit 1" 1 "$RIGOR" load "$HURL" -n 4 -c 1 -q --cacert "$D/other.pem"
t_has "wrong CA: message" "$T_ERR" "certificate verification failed"
t_run "-k passes" 0 "$RIGOR" load "$HURL" -n 50 -c 2 -k -q -o "$D/k.json"
t_true "-k: recorded as not verified" "d['runs'][0]['tls']['verify'] is False and d['runs'][0]['requests'] == 50" "$D/k.json"

# pipelined requests in one TLS write: every one answered, in order
printf 'GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\nGET /3 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' |
    timeout 10 openssl s_client -quiet -connect "127.0.0.1:$PORT" -servername localhost >"$D/pipe.out" 2>/dev/null
t_eq "pipelined over TLS: three responses" "$(grep -o 'HTTP/1.1 200' "$D/pipe.out" | wc -l)" 3

# plain HTTP to the TLS port, and TLS to a plain port
t_run "http:// to a TLS server: exit 1" 1 "$RIGOR" load "http://127.0.0.1:$PORT/" -n 3 -c 1 --timeout 2s -q
serve_stop
# every request and handshake the clients completed (openssl s_client: 3 and 1), no more
t_eq "server: requests" "$(stat_of requests)" $((4000 + 300 + 100 + 200 + 50 + 3))
t_eq "server: handshakes" "$(stat_of tls_handshakes)" $((6 + 300 + 100 + 200 + 2 + 1))
resumed=$(python3 -c 'import json, sys
print(sum(r["tls"]["resumed"] for f in sys.argv[1:] for r in json.load(open(f))["runs"]))' "$D/ka.json" "$D/nk.json" "$D/k.json")
t_eq "server: resumed handshakes, as the clients counted them" "$(stat_of tls_resumed)" "$resumed"
t_true "server: the failed handshakes" "d['tls_failures'] >= 20" "$T_DIR/stats.json"

serve_start
t_run "https:// to a plain server: exit 1" 1 "$RIGOR" load "https://127.0.0.1:$PORT/" -n 3 -c 1 -k -q
t_has "https:// to a plain server: says TLS" "$T_ERR" "TLS handshake failed"
serve_stop
t_done
