#!/bin/sh
# examples/demo.sh — what `make demo` runs (after building ./rigor): a real comparison on
# loopback, ending in a report with charts.
#
# The plan (examples/demo.json) starts three copies of rigor's reference target: "fast",
# "slow" (1 ms of service time per request) and "fast-again" (identical to "fast"), and loads
# each at 3 concurrencies, 5 runs per cell, interleaved — about a minute and a half. The
# statistics should prove "slow" slower and find no difference for "fast-again" (~).
# Output: out/demo/report.md, its charts (out/demo/*.png) and the dataset they come from.
set -u
cd "$(dirname "$0")/.."
out=out/demo

if [ ! -x ./rigor ]; then
    echo "demo: ./rigor is missing: run 'make demo' (it builds rigor first)" >&2
    exit 1
fi

# Charts need gnuplot. tools/deps.sh installs what is missing as root, or prints the exact
# apt-get line; without gnuplot the demo still runs and writes report.md without charts.
charts=""
if ! command -v gnuplot >/dev/null 2>&1; then
    echo "demo: gnuplot is not installed (needed for the charts)"
    sh tools/deps.sh
    if ! command -v gnuplot >/dev/null 2>&1; then
        echo "demo: going on without charts (report.md only); install the packages above and"
        echo "      rebuild the report later with: ./rigor report $out/dataset.json -o $out"
        charts="--no-charts"
    fi
fi

mkdir -p "$out"
rm -f "$out/dataset.json" "$out"/*.png "$out"/*.gp "$out"/*.dat "$out/report.md"
echo "demo: 3 targets x 3 concurrencies x 5 runs on loopback, about 95 s"
./rigor run examples/demo.json -o "$out/dataset.json" --report "$out" $charts
status=$?

echo
case $status in
0) echo "demo: done." ;;
3) echo "demo: done, but a threshold of the plan was violated (see above)." ;;
*) echo "demo: rigor run exited with status $status (see above)." ;;
esac
if [ -s "$out/report.md" ]; then
    echo "  report:   $out/report.md"
    n=$(ls "$out"/*.png 2>/dev/null | wc -l)
    [ "$n" -gt 0 ] && echo "  charts:   $out/*.png ($n charts, each with its .gp and .dat)"
    echo "  dataset:  $out/dataset.json"
    echo "  rebuild the report from the dataset:  ./rigor report $out/dataset.json -o $out"
    echo "  the statistics again, as text:        ./rigor analyze $out/dataset.json"
fi
exit $status
