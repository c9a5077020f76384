#!/bin/sh
# tests/fuzz/fuzz-run.sh BUILD SECONDS — what `make fuzz-run` runs after `make fuzz FUZZ=1`:
# each libFuzzer binary BUILD/fuzz/fuzz_NAME for SECONDS seconds, starting from the committed
# corpus tests/fuzz/corpus/NAME/ (read only) and keeping what it finds in BUILD/corpus/NAME/.
# A crash leaves its input in BUILD/crashes/ and stops here with status 1; add that input to
# the committed corpus once fixed, so `make check` replays it from then on.
set -u
build=${1:?usage: fuzz-run.sh BUILD SECONDS}
secs=${2:-60}
mkdir -p "$build/crashes"
for f in "$build"/fuzz/fuzz_*; do
    case $f in *.d) continue ;; esac
    [ -x "$f" ] || continue
    name=$(basename "$f")
    mkdir -p "$build/corpus/$name"
    echo "fuzz-run: $name for ${secs}s"
    if ! "$f" -max_total_time="$secs" -print_final_stats=1 -artifact_prefix="$build/crashes/$name-" \
        "$build/corpus/$name" "tests/fuzz/corpus/$name" >"$build/$name.log" 2>&1; then
        tail -40 "$build/$name.log"
        echo "fuzz-run: $name found a crash: $(ls "$build/crashes/$name-"* 2>/dev/null | head -1)" >&2
        exit 1
    fi
    grep -E '^stat::number_of_executed_units|^stat::new_units_added' "$build/$name.log" |
        sed "s/^/  /"
done
echo "fuzz-run: no crash"
