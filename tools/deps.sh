#!/bin/sh
# Install the Debian packages rigor needs to build and to run its tests.
#   sh tools/deps.sh           build + test dependencies
#   sh tools/deps.sh --bench   also the peers compared in bench/ (wrk, ab, h2load, tshark, ministat)
# hey is a test dependency: the plan e2e test drives it as an external generator; faketime
# (libfaketime) gives one load host of the distributed e2e test a clock 0.7 s behind.
# As root it runs apt-get; otherwise it prints the exact command to run.
set -eu

BUILD_PKGS="build-essential pkg-config libpcap-dev libgsl-dev libjansson-dev libhttp-parser-dev libcsv-dev libexpat1-dev zlib1g-dev gnuplot-nox"
TEST_PKGS="nginx-light tcpdump curl apache2-utils python3 iproute2 procps hey faketime"
BENCH_PKGS="wrk hey nghttp2-client tshark ministat python3-scipy nodejs npm time"

want="$BUILD_PKGS $TEST_PKGS"
[ "${1:-}" = "--bench" ] && want="$want $BENCH_PKGS"

missing=""
for p in $want; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing="$missing $p"
    fi
done

if [ -z "$missing" ]; then
    echo "deps: all packages present"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "deps: missing packages:$missing"
    echo "deps: run as root:  apt-get update && apt-get install -y$missing"
    exit 1
fi

echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer no without a prompt.
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections 2>/dev/null || true
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing
