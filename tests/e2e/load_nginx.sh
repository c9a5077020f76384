#!/bin/sh
# tests/e2e/load_nginx.sh — `rigor load` against a private nginx (one worker, temp config):
# every request rigor counts is a line in nginx's access log; nginx's keepalive_requests
# limit (connections closed with "Connection: close") is followed without errors; gzip's
# chunked responses parse; 404s are status errors.
. tests/e2e/lib.sh
. tests/e2e/load_lib.inc
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$NGINX" ] || { t_ok "# SKIP nginx not installed"; t_done; exit 0; }
D=$T_DIR
PORT=$(t_port)
mkdir -p "$D/html" "$D/tmp"
python3 -c 'print("rigor " * 2000)' > "$D/html/big.txt"
printf 'hello world\n' > "$D/html/index.html"
chmod 755 "$D" "$D/html"   # nginx's worker (nobody when started by root) reads these
chmod 644 "$D/html/"*
cat > "$D/nginx.conf" <<EOF
worker_processes 1;
error_log $D/error.log;
events { worker_connections 1024; }
http {
    access_log $D/access.log;
    client_body_temp_path $D/tmp; proxy_temp_path $D/tmp; fastcgi_temp_path $D/tmp;
    uwsgi_temp_path $D/tmp; scgi_temp_path $D/tmp;
    keepalive_requests 500;
    gzip on; gzip_min_length 0; gzip_types text/plain;
    server {
        listen 127.0.0.1:$PORT;
        root $D/html;
    }
}
EOF
t_bg "$NGINX" -p "$D" -c "$D/nginx.conf" -g "daemon off; pid $D/nginx.pid;"
wait_port "$PORT" || { t_fail "nginx did not start"; sed 's/^/#   /' "$D/error.log"; t_done; exit 1; }
U="http://127.0.0.1:$PORT"
lines() { wc -l < "$D/access.log" | tr -d ' '; }

t_run "nginx -n 3000" 0 "$RIGOR" load "$U/" -n 3000 -c 4 -t 2 -q -o "$D/n.json"
t_true "nginx: 3000 requests, no errors (through keepalive_requests closes)" \
    "d['runs'][0]['requests'] == 3000 and sum(d['runs'][0]['errors'].values()) == 0" "$D/n.json"
t_eq "nginx access log agrees" "$(lines)" 3000

t_run "nginx --no-keepalive" 0 "$RIGOR" load "$U/" -n 200 -c 2 --no-keepalive -q -o "$D/n.json"
t_eq "nginx access log agrees (no keep-alive)" "$(lines)" 3200

before=$(lines)
t_run "nginx -d 1s" 0 "$RIGOR" load "$U/" -d 1s -c 4 -q -o "$D/n.json"
t_true "nginx -d: log = counted + in flight at the end" \
    "0 <= $(lines) - $before - d['runs'][2]['requests'] <= 4" "$D/n.json"

t_run "nginx gzip chunked" 0 "$RIGOR" load "$U/big.txt" -H 'Accept-Encoding: gzip' -n 200 -c 2 -q -o "$D/gz.json"
t_true "chunked gzip responses parse" \
    "d['runs'][0]['requests'] == 200 and sum(d['runs'][0]['errors'].values()) == 0" "$D/gz.json"
curl -s -o /dev/null -D "$D/gz.hdr" -H 'Accept-Encoding: gzip' "$U/big.txt"
t_has "nginx really sent chunked" "$D/gz.hdr" "Transfer-Encoding: chunked"

t_run "nginx 404" 0 "$RIGOR" load "$U/missing" -n 50 -c 1 -q -o "$D/404.json"
t_true "404s are status errors" \
    "d['runs'][0]['errors']['status'] == 50 and d['runs'][0]['status'] == {'404': 50}" "$D/404.json"
t_done
