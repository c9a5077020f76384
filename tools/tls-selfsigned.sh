#!/bin/sh
# tools/tls-selfsigned.sh — a self-signed certificate and its key for HTTPS tests and demos,
# made with the openssl command line (Debian package openssl).
#
#   sh tools/tls-selfsigned.sh DIR [NAME] [DAYS] [SAN]
#
# writes DIR/NAME.pem (the certificate) and DIR/NAME.key (its private key, EC P-256, mode
# 600). NAME defaults to "server", DAYS to 30, SAN (the names the certificate is valid for)
# to "DNS:localhost,IP:127.0.0.1,IP:::1". A self-signed certificate is its own CA: give the
# same file to `rigor load --cacert` (or a plan's "cacert") to trust it.
#
#   sh tools/tls-selfsigned.sh /tmp/tls
#   rigor serve --listen 127.0.0.1:8443 --tls-cert /tmp/tls/server.pem --tls-key /tmp/tls/server.key &
#   rigor load https://localhost:8443/ --cacert /tmp/tls/server.pem -c 50 -d 10s
set -eu
[ $# -ge 1 ] || { echo "usage: sh tools/tls-selfsigned.sh DIR [NAME] [DAYS] [SAN]" >&2; exit 2; }
dir=$1
name=${2:-server}
days=${3:-30}
san=${4:-DNS:localhost,IP:127.0.0.1,IP:::1}
command -v openssl >/dev/null || { echo "tls-selfsigned: the openssl command is needed (apt-get install openssl)" >&2; exit 1; }
mkdir -p "$dir"
umask 077
cn=$(echo "$san" | sed 's/^[A-Z]*://; s/,.*//')
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days "$days" \
    -subj "/CN=$cn" -addext "subjectAltName=$san" \
    -keyout "$dir/$name.key" -out "$dir/$name.pem" 2>/dev/null
chmod 644 "$dir/$name.pem"
