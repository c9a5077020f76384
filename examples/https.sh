#!/bin/sh
# examples/https.sh — what TLS costs on loopback: examples/https.json (rigor serve over http,
# over https, and over https with a handshake per request), after making the self-signed
# certificate the plan trusts (tools/tls-selfsigned.sh, in out/https/tls/).
# Output: out/https/report.md, its charts and the dataset (about 80 s).
set -u
cd "$(dirname "$0")/.."
[ -x ./rigor ] || { echo "https example: build rigor first (make)" >&2; exit 1; }
out=out/https
mkdir -p "$out"
[ -s "$out/tls/server.pem" ] || sh tools/tls-selfsigned.sh "$out/tls" server 30 || exit 1
rm -f "$out/dataset.json"
./rigor run examples/https.json -o "$out/dataset.json" --report "$out"
