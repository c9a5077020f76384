#!/bin/sh
# tests/e2e/stats.sh — `rigor stats`: byte-identical to the real ministat with --pooled
# (golden outputs in tests/fixtures/stats/ministat_*.txt, made by make_ministat.sh), NIST
# StRD NumAcc1-4 certified values, JSON, columns, stdin, 10^6 values, and bad input.
. "$(dirname "$0")/lib.sh"
F=tests/fixtures/stats
PY=/usr/bin/python3

# ministat's golden outputs: same table and "Difference at" blocks, line for line
for g in "abe_95:-c 95 ms_a.txt ms_b.txt ms_e.txt" "abe_99:-c 99 ms_a.txt ms_b.txt ms_e.txt" \
         "cd_80:-c 80 ms_c.txt ms_d.txt" "fg_90:-c 90 ms_f.txt ms_g.txt" \
         "ea_98:-c 98 ms_e.txt ms_a.txt"; do
    name=${g%%:*}; args=${g#*:}
    (cd $F && "$RIGOR" stats --pooled -A $args) > "$T_DIR/ours" 2>&1
    head -n "$(wc -l < $F/ministat_$name.txt)" "$T_DIR/ours" > "$T_DIR/head"
    if cmp -s "$T_DIR/head" "$F/ministat_$name.txt"; then t_ok "matches ministat: $name"
    else t_fail "matches ministat: $name"; diff "$T_DIR/head" "$F/ministat_$name.txt" | sed 's/^/#   /'; fi
done

# NIST StRD univariate: certified mean and standard deviation
for k in 1 2 3 4; do
    t_run "NumAcc$k runs" 0 "$RIGOR" stats --json "$F/NumAcc$k.txt"
    if $PY - "$T_OUT" "$k" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))["sets"][0]
cert = {"1": (10000002, 1, 3, 1e-15), "2": (1.2, 0.1, 1001, 1e-13),
        "3": (1000000.2, 0.1, 1001, 1e-9), "4": (10000000.2, 0.1, 1001, 1e-8)}[sys.argv[2]]
m, s, n, tol = cert
assert d["n"] == n, d
assert abs(d["mean"] - m) <= 1e-15 * m, d["mean"]
assert abs(d["stdev"] - s) <= tol * s, (d["stdev"], s)
PYEOF
    then t_ok "NumAcc$k certified mean and sd"; else t_fail "NumAcc$k certified mean and sd"; fi
done
t_run "NumAcc4 text has no nan" 0 "$RIGOR" stats "$F/NumAcc1.txt" "$F/NumAcc4.txt"
t_lacks "NumAcc4: no nan (ministat prints -nan)" "$T_OUT" "nan"

# JSON document of the issue
t_run "stats --json two sets" 0 "$RIGOR" stats --json "$F/ms_a.txt" "$F/ms_e.txt"
if $PY - "$T_OUT" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
for k in ["name", "n", "min", "max", "median", "mean", "stdev", "ci_low", "ci_high"]:
    assert k in d["sets"][0], k
c = d["comparisons"][0]
for k in ["name", "baseline", "difference", "difference_ci_low", "difference_ci_high", "ratio",
          "ratio_ci_low", "ratio_ci_high", "p_welch", "p_mannwhitney", "significant"]:
    assert k in c, k
assert c["significant"] is True and c["difference_ci_low"] > 0 and c["ratio_ci_low"] > 1
assert d["confidence"] == 0.95
PYEOF
then t_ok "json has the issue's keys and a significant difference"; else t_fail "json keys"; fi

# columns, stdin, comments
printf '# a comment\n1 10\n\n2 20\n   # indented comment\n3 30\n' > "$T_DIR/cols.txt"
t_run "column 2" 0 sh -c "\"$RIGOR\" stats --json -C 2 \"$T_DIR/cols.txt\""
t_has "column 2 mean" "$T_OUT" '"mean": 20'
t_run "stdin" 0 sh -c "printf '4\n5\n6\n' | \"$RIGOR\" stats --json -"
t_has "stdin name" "$T_OUT" '"name": "(stdin)"'
t_has "stdin mean" "$T_OUT" '"mean": 5'

# edge cases: n = 1, identical values, zero mean
echo 7 > "$T_DIR/one.txt"
printf '5\n5\n5\n5\n' > "$T_DIR/same.txt"
printf -- '-1\n1\n-2\n2\n' > "$T_DIR/zero.txt"
t_run "n = 1 and identical values" 0 "$RIGOR" stats --json "$T_DIR/one.txt" "$T_DIR/same.txt" "$T_DIR/zero.txt"
if $PY -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["sets"][0]["stdev"] is None; assert d["sets"][1]["stdev"] == 0' "$T_OUT"; then
    t_ok "n = 1: null sd; identical: sd 0"; else t_fail "n = 1: null sd; identical: sd 0"; fi
t_lacks "no NaN in JSON" "$T_OUT" "NaN"
t_run "n = 1 text" 0 "$RIGOR" stats "$T_DIR/zero.txt" "$T_DIR/one.txt" "$T_DIR/same.txt"

# 10^6 values
awk 'BEGIN { for (i = 0; i < 1000000; i++) print 1000 + (i % 1000) / 10 }' > "$T_DIR/big.txt"
t_run "10^6 values" 0 "$RIGOR" stats --json "$T_DIR/big.txt"
t_has "10^6: n" "$T_OUT" '"n": 1000000'
t_has "10^6: mean" "$T_OUT" '"mean": 1049.95'

# bad input: file and line named, exit 2
printf '1\n2\nabc\n' > "$T_DIR/junk.txt"
t_run "junk exits 2" 2 "$RIGOR" stats "$T_DIR/junk.txt"
t_has "junk: file and line" "$T_ERR" "junk.txt:3: not a number 'abc'"
printf '1\nnan\n' > "$T_DIR/nan.txt"
t_run "NaN exits 2" 2 "$RIGOR" stats "$T_DIR/nan.txt"
t_has "NaN: file and line" "$T_ERR" "nan.txt:2: not a finite number 'nan'"
printf '1\n-inf\n' > "$T_DIR/inf.txt"
t_run "inf exits 2" 2 "$RIGOR" stats "$T_DIR/inf.txt"
printf '1\n1e999\n' > "$T_DIR/huge.txt"
t_run "overflow exits 2" 2 "$RIGOR" stats "$T_DIR/huge.txt"
printf '1,2\n' > "$T_DIR/comma.txt"
t_run "trailing junk exits 2" 2 "$RIGOR" stats "$T_DIR/comma.txt"
printf '# nothing\n\n' > "$T_DIR/empty.txt"
t_run "no numbers exits 2" 2 "$RIGOR" stats "$T_DIR/empty.txt"
t_has "no numbers: said" "$T_ERR" "no numbers"
t_run "missing column exits 2" 2 "$RIGOR" stats -C 3 "$T_DIR/cols.txt"
t_has "missing column: line" "$T_ERR" "cols.txt:2: no column 3"
t_run "missing file exits 2" 2 "$RIGOR" stats "$T_DIR/nope.txt"
t_run "no file exits 2" 2 "$RIGOR" stats
t_run "bad confidence exits 2" 2 "$RIGOR" stats -c 100 "$F/ms_a.txt"
t_run "bad column exits 2" 2 "$RIGOR" stats -C 0 "$F/ms_a.txt"
t_run "unknown option exits 2" 2 "$RIGOR" stats --bogus "$F/ms_a.txt"
t_run "stdin twice exits 2" 2 sh -c "echo 1 | \"$RIGOR\" stats - -"
printf '1\n2\0junk\n' > "$T_DIR/nul.txt"
t_run "embedded NUL exits 2" 2 "$RIGOR" stats "$T_DIR/nul.txt"
t_has "embedded NUL: line" "$T_ERR" "nul.txt:2:"
printf '\001\002\377\376\n' > "$T_DIR/binary.txt"
t_run "binary junk exits 2" 2 "$RIGOR" stats "$T_DIR/binary.txt"
printf '1\n2\n0x10\n' > "$T_DIR/hex.txt"
t_run "hexadecimal exits 2" 2 "$RIGOR" stats "$T_DIR/hex.txt"
t_has "hexadecimal: line and value" "$T_ERR" "hex.txt:3: not a number '0x10'"
printf '1\n2\n0X1p4\n' > "$T_DIR/hexf.txt"
t_run "hexadecimal float exits 2" 2 "$RIGOR" stats "$T_DIR/hexf.txt"
t_run "help" 0 "$RIGOR" stats --help
t_has "help: pooled" "$T_OUT" "--pooled"
t_done
