#!/bin/sh
# docs/examples/build.sh — rebuild every example report in docs/examples/ from datasets/.
#
# Run by `make examples` (after `make`), from any directory. Each example is a directory
# docs/examples/NAME/ holding report.md and its charts, written by `rigor report` from the
# datasets alone; the directory is emptied first so no stale chart survives. report.md is
# byte-identical from one rebuild to the next (docs/report.md, "Reproducible output").
# Needs gnuplot (apt-get install gnuplot-nox) for the charts.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
RIGOR=${RIGOR:-./rigor}
[ -x "$RIGOR" ] || { echo "build.sh: $RIGOR not found; run make first" >&2; exit 1; }

build() {  # NAME rigor-report-arguments...
    name=$1; shift
    rm -rf "docs/examples/$name"
    "$RIGOR" report "$@" -o "docs/examples/$name" -q
    echo "docs/examples/$name/report.md"
}

# Published results from the seeds, converted by datasets/convert_seeds.py (summary-only:
# one run per cell, so no intervals, box plots, spectra or time series).
build autocannon-python-vs-js datasets/autocannon-python-vs-js.json \
    --baseline "Express (async, logs)"
build locust-local-text datasets/locust-local-text.json --baseline Flask
build locust-local-json datasets/locust-local-json.json --baseline Flask
build locust-remote-text datasets/locust-remote-text.json --baseline Flask
build locust-remote-json datasets/locust-remote-json.json --baseline Flask
build k6-wsgi-servers datasets/k6-wsgi-servers.json --baseline "Flask with Gunicorn"

# Real runs made on this machine with `rigor run` (several targets x a concurrency sweep x
# repeated runs, with histograms and time series), recorded with examples/loopback.json.
build loopback-comparison datasets/loopback-comparison.json --baseline nginx
