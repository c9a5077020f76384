#!/bin/sh
# tests/e2e/fuzz_build.sh — `make fuzz FUZZ=1 CC=clang` builds real libFuzzer binaries (with
# ASan + UBSan) from the same sources as the replay drivers, and each one runs: a few
# thousand inputs mutated from the committed corpus, without a crash. Skipped without clang's
# libFuzzer runtime (tools/deps.sh --fuzz installs it) and in the `make asan` pass (it builds
# its own sanitized binaries). The committed corpus is only read.
. tests/e2e/lib.sh
if [ "${RIGOR_ASAN:-0}" = 1 ]; then
    t_ok "# SKIP libFuzzer build: checked in the plain pass"; t_done; exit 0
fi
printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return d && n; }\n' \
    > "$T_DIR/probe.c"
if ! clang -fsanitize=fuzzer -o "$T_DIR/probe" "$T_DIR/probe.c" >/dev/null 2>&1; then
    t_ok "# SKIP no clang with libFuzzer (sh tools/deps.sh --fuzz)"; t_done; exit 0
fi

# The build directory FUZZ=1 uses (build/fuzz), so a later `make fuzz FUZZ=1` is incremental.
t_run "make fuzz FUZZ=1 CC=clang" 0 make --no-print-directory -j2 NO_DEPS=1 FUZZ=1 CC=clang fuzz
for f in tests/fuzz/fuzz_*.c; do
    name=$(basename "$f" .c)
    bin=build/fuzz/fuzz/$name
    if ! [ -x "$bin" ]; then
        t_fail "$name: libFuzzer binary built" "no $bin"
        continue
    fi
    if nm "$bin" 2>/dev/null | grep -q 'LLVMFuzzerRunDriver\|fuzzer::Fuzzer'; then
        t_ok "$name: linked with libFuzzer"
    else
        t_fail "$name: linked with libFuzzer" "no libFuzzer symbols in $bin"
    fi
    mkdir -p "$T_DIR/corpus/$name"
    if "$bin" -runs=3000 -max_total_time=20 -artifact_prefix="$T_DIR/crash-" \
        "$T_DIR/corpus/$name" "tests/fuzz/corpus/$name" >"$T_DIR/$name.log" 2>&1; then
        t_ok "$name: 3000 inputs under ASan + UBSan, no crash"
    else
        t_fail "$name: 3000 inputs under ASan + UBSan, no crash" "$(tail -5 "$T_DIR/$name.log")"
    fi
done
t_done
