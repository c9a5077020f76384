#!/bin/sh
# tests/e2e/run_https.sh — plans with https targets: a `rigor serve --tls-*` target started by
# the plan and trusted through "cacert", another checked with "insecure": true; the readiness
# probe speaks TLS; a target whose certificate does not verify stops the plan at once with the
# reason (not after ready_timeout), before any load.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/load_lib.inc"
command -v openssl >/dev/null || { t_ok "# SKIP openssl not installed"; t_done; exit 0; }
D=$T_DIR
sh tools/tls-selfsigned.sh "$D" server 2
p1=$(t_port); p2=$(t_port)
while [ "$p2" = "$p1" ]; do p2=$(t_port); done
TLS="--tls-cert $D/server.pem --tls-key $D/server.key"
cat >"$D/plan.json" <<EOF
{"title": "https", "duration": "300ms", "warmup": "0s", "runs": 2, "concurrency": [2],
 "targets": [
  {"name": "verified", "url": "https://localhost:$p1/", "cacert": "$D/server.pem",
   "start": "exec rigor serve --listen 127.0.0.1:$p1 $TLS --quiet"},
  {"name": "insecure", "url": "https://127.0.0.1:$p2/", "insecure": true,
   "start": "exec rigor serve --listen 127.0.0.1:$p2 $TLS --quiet"}]}
EOF
t_run "https plan runs to the end" 0 "$RIGOR" run "$D/plan.json" -o "$D/ds.json" -q
t_true "four https runs, no errors, handshakes recorded" \
    "len(d['runs']) == 4 and all(r['requests'] > 0 and sum(r['errors'].values()) == 0 and r['tls_handshakes'] >= 2 for r in d['runs'])" "$D/ds.json"
t_true "verification as the plan asked" \
    "sorted((r['target'], r['tls']['verify']) for r in d['runs']) == [('insecure', False)] * 2 + [('verified', True)] * 2" "$D/ds.json"

# a certificate that does not verify: the plan stops before any load, quickly, saying why
# (exit 2, as any target that cannot be made ready before the first run)
cat >"$D/bad.json" <<EOF
{"duration": "300ms", "concurrency": [1], "ready_timeout": "20s",
 "targets": [{"name": "bad", "url": "https://localhost:$p1/",
   "start": "exec rigor serve --listen 127.0.0.1:$p1 $TLS --quiet"}]}
EOF
start=$(date +%s)
t_run "unverifiable certificate: the plan fails" 2 "$RIGOR" run "$D/bad.json" -o "$D/bad-ds.json" -q
t_has "unverifiable certificate: the reason" "$T_ERR" "certificate verification failed: self-signed certificate"
t_true "unverifiable certificate: at once, not after ready_timeout" "$(($(date +%s) - start)) < 15" "$D/plan.json"

# a server already answering https on a started target's port is detected through TLS too
serve_start $TLS
cat >"$D/busy.json" <<EOF
{"duration": "300ms", "concurrency": [1],
 "targets": [{"name": "t", "url": "https://localhost:$PORT/", "insecure": true,
   "start": "exec rigor serve --listen 127.0.0.1:$PORT $TLS --quiet"}]}
EOF
t_run "https port already served: usage error" 2 "$RIGOR" run "$D/busy.json" -o "$D/busy-ds.json" -q
t_has "https port already served: message" "$T_ERR" "something already answers"
serve_stop
t_done
