#!/bin/sh
# tools/deps.sh — the Debian packages rigor needs, by job; installs the missing ones as root.
#
#   sh tools/deps.sh [PROFILE...] [-q]
#
# Profiles (several may be given; the packages are the union):
#   --build   compile ./rigor: compiler, pkg-config, libpcap, GSL, jansson, http-parser,
#             libcsv, expat, zlib, OpenSSL (libssl)
#   --demo    --build + gnuplot (the demo's charts)
#   --test    --demo + what `make check` drives: nginx, tcpdump, curl, ab, python3, ip, ps,
#             hey (the plan e2e drives it as an external generator), openssl (the HTTPS
#             tests make their certificates with it), faketime (libfaketime: one load
#             host of the distributed e2e test runs 0.7 s behind)
#             (the default, and what `make deps` installs)
#   --bench   --test + the peers compared in bench/ (wrk, hey, h2load, tshark, ministat,
#             scipy, Node.js and npm, GNU time), strace and valgrind (bench/https.sh counts
#             system calls and instructions)
#   --fuzz    --build + clang and its libFuzzer runtime (make fuzz FUZZ=1 CC=clang)
#   --fresh-root   debootstrap (tools/fresh-root.sh)
#   -q        say nothing when everything is present
#
# Every build goal of the Makefile runs this first with the profile it needs, so that
# `make check` or `make demo` is enough as the first command on a fresh Debian machine.
# Root: apt-get installs what is missing. Anyone else: the exact apt-get line is printed and
# the exit status is 1, before anything is compiled. Not Debian (no dpkg-query), or
# RIGOR_NO_DEPS=1 (also `make NO_DEPS=1`): nothing is checked and the status is 0.
# Node.js and npm: a `node` or `npm` already on PATH (say from NodeSource, whose nodejs
# conflicts with Debian's npm) is used as it is, never replaced by Debian's.
set -eu

BUILD="build-essential pkg-config libpcap-dev libgsl-dev libjansson-dev libhttp-parser-dev libcsv-dev libexpat1-dev zlib1g-dev libssl-dev liburing-dev"
DEMO="gnuplot-nox"
TEST="nginx-light tcpdump curl apache2-utils python3 iproute2 procps hey openssl faketime"
BENCH="wrk hey nghttp2-client tshark ministat python3-scipy time strace valgrind"
FUZZ="clang libclang-rt-dev"
FRESH="debootstrap ca-certificates"

want=""
quiet=0
for arg in "$@"; do
    case $arg in
    --build) want="$want $BUILD" ;;
    --demo) want="$want $BUILD $DEMO" ;;
    --test) want="$want $BUILD $DEMO $TEST" ;;
    --bench)
        want="$want $BUILD $DEMO $TEST $BENCH"
        # Debian's npm depends on Debian's nodejs; with another Node.js installed, asking
        # for it ends in "held broken packages". Whatever is on PATH is used.
        command -v node >/dev/null 2>&1 || want="$want nodejs"
        command -v npm >/dev/null 2>&1 || want="$want npm"
        ;;
    --fuzz) want="$want $BUILD $FUZZ" ;;
    --fresh-root) want="$want $FRESH" ;;
    -q | --quiet) quiet=1 ;;
    -h | --help) sed -n '2,24s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) echo "deps: unknown option '$arg' (try --help)" >&2; exit 2 ;;
    esac
done
[ -n "$want" ] || want="$BUILD $DEMO $TEST"

if [ "${RIGOR_NO_DEPS:-0}" = 1 ]; then
    exit 0
fi
if ! command -v dpkg-query >/dev/null 2>&1; then
    [ "$quiet" = 1 ] || echo "deps: not a Debian system: not checked (packages of Debian 12:$want)" >&2
    exit 0
fi

# One dpkg-query for all of them: names it does not know are missing too.
want=$(printf '%s\n' $want | sort -u)
installed=$(dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' $want 2>/dev/null |
            awk '$2 == "ii" { print $1 }')
missing=""
for p in $want; do
    printf '%s\n' "$installed" | grep -qx "$p" || missing="$missing $p"
done

if [ -z "$missing" ]; then
    [ "$quiet" = 1 ] || echo "deps: all packages present"
    exit 0
fi

line="apt-get update && apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" -ne 0 ]; then
    echo "deps: missing Debian packages:$missing" >&2
    echo "deps: install them as root, then run make again:" >&2
    echo "  $line" >&2
    exit 1
fi

echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer no without a prompt.
echo "wireshark-common wireshark-common/install-setuid boolean false" |
    debconf-set-selections 2>/dev/null || true
apt-get update -qq || echo "deps: apt-get update failed; trying the package lists there are" >&2
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
