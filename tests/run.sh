#!/bin/sh
# tests/run.sh — run every test and print the closing line "N passed, N failed".
#
# Runs each unit test binary in $BUILD/tests/MODULE/, each fuzz replay driver over its corpus in
# tests/fuzz/corpus/NAME/, and each end-to-end script tests/e2e/*.sh (with $RIGOR pointing at
# the binary under test). Every producer prints TAP lines ("ok N - x" / "not ok N - x");
# a producer that exits non-zero without a "not ok" line counts as one failure (a crash).
# Each producer runs under a time limit so a hang fails instead of stalling CI.
# RIGOR_TEST_FILTER=regex runs only the producers whose name matches.
set -u
: "${RIGOR:?RIGOR must point at the rigor binary}"
: "${BUILD:?BUILD must point at the build directory}"
export RIGOR BUILD
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
limit=${RIGOR_TEST_TIMEOUT:-600}
filter=${RIGOR_TEST_FILTER:-.}
passed=0
failed=0
failed_names=""
log=$(mktemp)
trap 'rm -f "$log"' EXIT

run_one() {  # name, command...
    name=$1; shift
    echo "$name" | grep -Eq -- "$filter" || return 0
    echo "# $name"
    timeout -k 10 "$limit" "$@" >"$log" 2>&1
    rc=$?
    cat "$log"
    p=$(grep -c '^ok ' "$log")
    f=$(grep -c '^not ok ' "$log")
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1
        if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
            echo "not ok - $name timed out after ${limit}s"
        else
            echo "not ok - $name exited with status $rc"
        fi
    fi
    passed=$((passed + p))
    failed=$((failed + f))
    [ "$f" -gt 0 ] && failed_names="$failed_names $name"
    return 0
}

for t in "$BUILD"/tests/*/test_*; do
    [ -x "$t" ] || continue
    case "$t" in *.d) continue ;; esac
    run_one "unit/$(basename "$t")" "$t"
done

for f in "$BUILD"/fuzz/fuzz_*; do
    [ -x "$f" ] || continue
    case "$f" in *.d) continue ;; esac
    n=$(basename "$f")
    [ -d "tests/fuzz/corpus/$n" ] || continue
    run_one "fuzz/$n" "$f" "tests/fuzz/corpus/$n"
done

for e in tests/e2e/*.sh; do
    [ -f "$e" ] || continue
    [ "$(basename "$e")" = lib.sh ] && continue
    run_one "e2e/$(basename "$e" .sh)" sh "$e"
done

# Both I/O engines pass the load tests: the runs above used the default engine, io_uring for
# http:// where this kernel gives it (loadgen/uring.c); then the load tests run once more on
# epoll, forced. Where io_uring is not available the default was epoll already.
if ! "$RIGOR" load http://127.0.0.1:1/ -n 1 --engine io_uring -q 2>&1 |
        grep -q "io_uring is not available"; then
    for e in tests/e2e/load_*.sh; do
        [ -f "$e" ] || continue
        case "$e" in *load_https*) continue ;; esac   # TLS runs on epoll only: done above
        run_one "e2e/$(basename "$e" .sh)@epoll" env RIGOR="$top/tests/fixtures/rigor-engine" \
            RIGOR_REAL="$RIGOR" RIGOR_TEST_ENGINE=epoll sh "$e"
    done
fi

[ -n "$failed_names" ] && echo "# failing:$failed_names"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
