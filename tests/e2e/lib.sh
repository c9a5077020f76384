# tests/e2e/lib.sh — helpers for end-to-end tests (sourced by tests/e2e/*.sh).
#
# Each e2e script drives the real binary ($RIGOR) and prints TAP lines through these helpers:
#   t_ok NAME / t_fail NAME MSG          record a result
#   t_run NAME EXPECTED_STATUS CMD...    run CMD, compare its exit status; output kept in $T_OUT / $T_ERR
#   t_has NAME FILE STRING               FILE contains STRING
#   t_port                               print a free TCP port on 127.0.0.1
#   t_bg CMD...                          start CMD in the background, remember its PID for cleanup
#   t_wait_http URL [SECONDS]            wait until URL answers
# Every script gets a private $T_DIR, removed at exit with every process started by t_bg.
set -u
T_N=0
T_FAILS=0
T_DIR=$(mktemp -d "${TMPDIR:-/tmp}/rigor-e2e.XXXXXX")
T_OUT="$T_DIR/.out"
T_ERR="$T_DIR/.err"
T_PIDS=""

t_cleanup() {
    for p in $T_PIDS; do kill "$p" 2>/dev/null; done
    for p in $T_PIDS; do
        i=0
        while kill -0 "$p" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
        kill -9 "$p" 2>/dev/null
    done
    rm -rf "$T_DIR"
}
trap t_cleanup EXIT
trap 'exit 130' INT TERM

t_ok() { T_N=$((T_N + 1)); echo "ok $T_N - $1"; }
t_fail() {
    T_N=$((T_N + 1)); T_FAILS=$((T_FAILS + 1))
    echo "not ok $T_N - $1"
    shift
    [ $# -gt 0 ] && echo "#   $*"
    return 0
}

# t_run NAME EXPECTED_STATUS CMD...
t_run() {
    name=$1 want=$2; shift 2
    "$@" >"$T_OUT" 2>"$T_ERR"
    got=$?
    if [ "$got" -eq "$want" ]; then
        t_ok "$name"
    else
        t_fail "$name" "exit $got, expected $want: $*"
        sed 's/^/#   stderr: /' "$T_ERR" | head -20
        sed 's/^/#   stdout: /' "$T_OUT" | head -20
    fi
}

# t_has NAME FILE STRING  (fixed string)
t_has() {
    if grep -qF -- "$3" "$2" 2>/dev/null; then t_ok "$1"; else
        t_fail "$1" "'$2' lacks '$3'"; head -20 "$2" 2>/dev/null | sed 's/^/#   /'; fi
}

# t_lacks NAME FILE STRING
t_lacks() {
    if grep -qF -- "$3" "$2" 2>/dev/null; then t_fail "$1" "'$2' contains '$3'"; else t_ok "$1"; fi
}

t_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

t_bg() {
    "$@" &
    T_PIDS="$T_PIDS $!"
    T_LAST=$!
}

# t_wait_http URL [SECONDS]: 0 when it answers in time
t_wait_http() {
    i=0; max=$(( ${2:-10} * 10 ))
    while [ $i -lt $max ]; do
        curl -s -o /dev/null --max-time 1 "$1" && return 0
        sleep 0.1; i=$((i + 1))
    done
    return 1
}

t_done() {
    echo "1..$T_N"
    [ "$T_FAILS" -eq 0 ]
}
