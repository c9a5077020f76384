#!/bin/sh
# bench/report.sh — time `rigor report` on a 1,000-run dataset, gnuplot excluded.
#
# SPEC target: a dataset of 1,000 runs analysed and written out (report.md and every chart's
# .dat/.gp, not the PNGs) in under a second. The dataset is synthetic but full-sized: 5
# targets x 10 concurrencies x 20 runs, each run with a latency histogram (~400 buckets,
# HdrHistogram layout at 3 significant digits), a 10-second time series, errors, status
# codes and server samples. We time `rigor report DATASET -o DIR --scripts-only` (everything
# but running gnuplot) and report the median of 5, then the same steps timed in-process.
# Run from the repository root after `make` (make bench does both).
set -eu
RIGOR=${RIGOR:-./rigor}
dir=$(mktemp -d "${TMPDIR:-/tmp}/rigor-bench-report.XXXXXX")
trap '[ -n "${KEEP:-}" ] || rm -rf "$dir"' EXIT

python3 - "$dir/runs1000.json" <<'PY'
import json, random, sys
rng = random.Random(1)
def lowest(v):                      # lowest value of v's bucket (3 significant digits)
    b = max(0, (v | 2047).bit_length() - 11)
    return (v >> b) << b
runs = []
for t in range(5):
    for c in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000):
        for r in range(1, 21):
            base = 200 + 100 * t + c * 3
            counts = {}
            vals = [max(1, int(rng.lognormvariate(0, 0.5) * base)) for _ in range(5000)]
            for v in vals:
                counts[lowest(v)] = counts.get(lowest(v), 0) + 1
            buckets = [x for k in sorted(counts) for x in (k, counts[k])]
            rps = 10000 * (1 + t) * (1 + rng.uniform(-0.05, 0.05))
            runs.append({
                "target": "target-%d" % t, "url": "http://127.0.0.1:8080/", "concurrency": c,
                "rate": None, "run": r, "source": "load", "complete": True,
                "duration_s": 10.0, "warmup_s": 2.0, "requests": int(rps * 10),
                "errors": {"connect": 0, "read": 0, "write": 0, "timeout": 0, "protocol": 0,
                           "status": rng.randrange(3)},
                "status": {"200": int(rps * 10)}, "throughput_rps": rps,
                "latency": {"unit": "us", "mean": sum(vals) / len(vals), "min": min(vals),
                            "max": max(vals), "p50": sorted(vals)[2500], "p90": sorted(vals)[4500],
                            "p99": sorted(vals)[4950], "p999": sorted(vals)[4995],
                            "histogram": {"sigfigs": 3, "highest": 3600000000, "count": len(vals),
                                          "min": min(vals), "max": max(vals),
                                          "sum": float(sum(vals)), "buckets": buckets}},
                "timeseries": {"requests": [int(rps)] * 10, "errors": [0] * 10,
                               "p50": [sorted(vals)[2500]] * 10, "p99": [sorted(vals)[4950]] * 10},
                "server": {"pid": 1, "cpu_pct_mean": 50.0 + t, "cpu_pct_max": 99.0,
                           "rss_kb_max": 20000 + c}})
json.dump({"format": "rigor-dataset", "version": 1,
           "meta": {"title": "1,000 synthetic runs", "created": "2026-11-22T00:00:00Z"},
           "runs": runs}, open(sys.argv[1], "w"))
PY
size=$(wc -c <"$dir/runs1000.json")
times=""
for i in 1 2 3 4 5; do
    t0=$(date +%s%N)
    "$RIGOR" report "$dir/runs1000.json" -o "$dir/out" -q --scripts-only
    t1=$(date +%s%N)
    times="$times $(( (t1 - t0) / 1000000 ))"
done
median=$(echo $times | tr ' ' '\n' | sort -n | sed -n 3p)
echo "rigor report, 1,000 runs ($((size / 1000000)) MB dataset), gnuplot excluded:" \
     "median ${median} ms of 5 (${times# } ms); SPEC target < 1000 ms"

# Where the time goes: the same steps timed inside one process (library calls), median of 5.
cat >"$dir/parts.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
#include "analyze/analyze.h"
#include "core/clock.h"
#include "core/dataset.h"
#include "core/io.h"
#include "core/units.h"
#include "report/report.h"
static int cmp(const void *a, const void *b) { double x = *(const double *)a, y = *(const double *)b; return (x > y) - (x < y); }
int main(int argc, char **argv)
{
    char err[RG_ERRLEN];
    double t[3][5];
    (void)argc;
    for (int i = 0; i < 5; i++) {
        uint64_t a = rg_now_ns();
        json_t *ds = rg_dataset_load(argv[1], err);
        uint64_t b = rg_now_ns();
        an_options o;
        an_options_init(&o);
        json_t *an = an_analyze(&ds, 1, &o, err);
        uint64_t c = rg_now_ns();
        rp_options ro;
        rp_options_init(&ro);
        ro.dir = argv[2];
        ro.no_render = 1;
        if (ds == NULL || an == NULL || rp_write(&ds, 1, an, &ro, err) < 0) {
            fprintf(stderr, "%s\n", err);
            return 1;
        }
        uint64_t d = rg_now_ns();
        t[0][i] = (b - a) / 1e6; t[1][i] = (c - b) / 1e6; t[2][i] = (d - c) / 1e6;
        json_decref(an);
        json_decref(ds);
    }
    for (int k = 0; k < 3; k++)
        qsort(t[k], 5, sizeof t[k][0], cmp);
    printf("  load + validate (core): %.0f ms; analyze: %.0f ms; rp_write (report.md, 9 charts' "
           ".dat/.gp, no gnuplot): %.0f ms\n", t[0][2], t[1][2], t[2][2]);
    return 0;
}
C
if cc -std=c11 -D_GNU_SOURCE -O2 -I. -o "$dir/parts" "$dir/parts.c" build/librigor.a \
      $(pkg-config --libs libpcap gsl jansson) -lhttp_parser -lm -pthread 2>/dev/null; then
    "$dir/parts" "$dir/runs1000.json" "$dir/out2"
fi
