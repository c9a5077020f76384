#!/bin/sh
# tests/e2e/import_samples.sh — files of k6, vegeta, oha, wrk2 and HdrHistogram written from
# their documented formats (tests/fixtures/import/make_samples.py, with the pitfalls:
# zones, whole-second CSV times, column orders, legacy thresholds, gzip) imported and
# compared with samples.expected.json.
. "$(dirname "$0")/lib.sh"
FX=tests/fixtures/import
for f in k6.json k6.json.gz k6-unix.csv k6-milli.csv k6-rfc3339.csv k6-summary-legacy.json \
         k6-summary-data.json k6-summary-v1.json vegeta.json vegeta-9.csv vegeta-12.csv \
         oha.csv oha.json wrk2.txt latency.hgrm; do
    t_run "import $f" 0 "$RIGOR" import -q "$FX/$f" -o "$T_DIR/$f.json"
done
python3 tests/e2e/import_check.py samples "$FX" "$T_DIR" > "$T_DIR/checks" 2>&1 ||
    t_fail "import_check.py ran" "$(tail -3 "$T_DIR/checks")"
while IFS='|' read -r res name why; do
    case $res in
    ok) t_ok "$name" ;;
    fail) t_fail "$name" "$why" ;;
    esac
done < "$T_DIR/checks"
t_done
