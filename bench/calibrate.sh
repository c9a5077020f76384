#!/bin/sh
# bench/calibrate.sh — the long version of the calibration of `rigor analyze` (issue 11):
# tests/unit/analyze/test_calibration.c with TRIALS reports per setting instead of the
# quick default, printing the Markdown tables of docs/benchmarks.md ("Calibration"): A/A
# false alarms per report for every setting, the power on true effects, the drift warning's
# rates — each with the rule of rigor v1 (Welch on raw values, Holm, Fieller at 95%) beside
# it where it applies. CPU-bound and deterministic (fixed seeds); about a minute at 1000.
set -eu
TRIALS=${TRIALS:-1000}
BUILD=${BUILD:-build}
make -s "$BUILD/tests/analyze/test_calibration" >/dev/null
echo "## calibration: $TRIALS reports per setting ($(date -u +%Y-%m-%d))"
RIGOR_CALIBRATE=$TRIALS "$BUILD/tests/analyze/test_calibration" | grep -v '^ok \|^1\.\.'
