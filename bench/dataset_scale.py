#!/usr/bin/python3
"""bench/dataset_scale.py — a dataset of 25,000 runs shaped like real ones, for bench/dataset_scale.sh.

Usage: dataset_scale.py TEMPLATE.json OUT.json [TARGETS CONCURRENCIES RUNS]

The templates are real `rigor run` runs (datasets/loopback-comparison.json: nginx, FastAPI,
Flask and rigor serve on loopback, 3-second runs with latency histograms of 390 to 2,900
non-empty buckets; those of at most 1,100 are used). Each synthetic run copies one template's shape: its histogram with every
value scaled by a per-cell factor (and a few percent of run-to-run noise), re-bucketed at the
template's precision so the result is a valid HDR histogram with exact count, min, max and sum;
its errors, status, server figures; and a 10-second per-second time series (requests, errors,
p50, p99, cpu_pct, rss_kb) drawn around the template's. Default: 20 targets x 5 concurrencies
x 250 runs = 25,000 runs, about 190 MB in format v1. Seeded: the same file every time.
"""
import json
import random
import sys


def lowest(v, sub_mask=2047, half_mag=10):
    """Lowest value of v's bucket in rigor's (HdrHistogram's) layout at 3 significant digits."""
    b = max(0, (v | sub_mask).bit_length() - (half_mag + 1))
    return (v >> b) << b


def scaled_hist(h, f):
    counts = {}
    total, s, lo, hi = 0, 0.0, None, 0
    b = h["buckets"]
    for i in range(0, len(b), 2):
        v = max(1, int(b[i] * f))
        k = lowest(v)
        counts[k] = counts.get(k, 0) + b[i + 1]
        total += b[i + 1]
        s += v * b[i + 1]
        lo = v if lo is None else min(lo, v)
        hi = max(hi, v)
    buckets = [x for k in sorted(counts) for x in (k, counts[k])]
    return {"sigfigs": h["sigfigs"], "highest": h["highest"], "count": total, "min": lo,
            "max": hi, "sum": float(s), "buckets": buckets}, counts


def pct(counts, total, p):
    want, seen = total * p / 100.0, 0
    for k in sorted(counts):
        seen += counts[k]
        if seen >= want:
            return k
    return 0


def main():
    # the templates of at most 1,100 buckets (18 of the 40): the file's size then matches the
    # 193 MB of issue 17's measurement (7.7 KB a run)
    tmpl = [r for r in json.load(open(sys.argv[1]))["runs"]
            if len(r["latency"]["histogram"]["buckets"]) <= 2200]
    targets, concs, nruns = (int(x) for x in (sys.argv[3:6] or (20, 5, 250)))
    rng = random.Random(17)
    runs = []
    concurrency = [10, 50, 100, 200, 500, 1000, 2000][:concs]
    for r in range(1, nruns + 1):          # interleaved, as a plan orders them
        for t in range(targets):
            for ci, c in enumerate(concurrency):
                src = tmpl[(t * 5 + ci) % len(tmpl)]   # one real run per cell
                f = (0.5 + 0.05 * t) * (1 + 0.15 * ci) * (1 + rng.gauss(0, 0.03))
                hist, counts = scaled_hist(src["latency"]["histogram"], f)
                n = hist["count"]
                rps = src["throughput_rps"] / f
                ts = src["timeseries"]
                series = {k: [round(ts[k][i % len(ts[k])] * (1 + rng.gauss(0, 0.02)))
                              for i in range(10)] for k in ts}
                run = dict(src)
                run.update({"target": "target-%02d" % t, "concurrency": c, "run": r,
                            "connections": c, "requests": n, "status": {"200": n},
                            "throughput_rps": rps, "timeseries": series})
                run["latency"] = {"unit": "us", "mean": hist["sum"] / n,
                                  "stdev": src["latency"]["stdev"] * f,
                                  "min": hist["min"], "max": hist["max"],
                                  "p50": pct(counts, n, 50), "p90": pct(counts, n, 90),
                                  "p99": pct(counts, n, 99), "p999": pct(counts, n, 99.9),
                                  "histogram": hist}
                runs.append(run)
    meta = {"title": "bench: %d runs shaped like real ones" % len(runs),
            "created": "2026-11-30T00:00:00Z",
            "provenance": {"command": "bench/dataset_scale.py " + " ".join(sys.argv[1:])}}
    with open(sys.argv[2], "w") as out:
        json.dump({"format": "rigor-dataset", "version": 1, "meta": meta, "runs": runs}, out)


main()
