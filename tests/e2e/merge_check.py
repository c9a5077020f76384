#!/usr/bin/env python3
"""tests/e2e/merge_check.py — an independent check of a merged run (rigor merge, rigor run
with load_hosts): MERGED.json [HOST.json...] [--run K].

From the hosts' own runs (the files given, else the merged run's hosts[]) it recomputes in
plain Python what the merge must be — requests, errors by kind and status codes summed, the
latency histogram as the bucket-by-bucket sum of the hosts' (count, min, max, sum too), the
per-second requests summed on the absolute second — and compares. Prints one
"ok"/"mismatch" line per check; exits 1 on any mismatch."""
import json
import sys
from collections import Counter

args = [a for a in sys.argv[1:] if not a.startswith("--run=")]
which = [int(a[6:]) for a in sys.argv[1:] if a.startswith("--run=")]
merged = json.load(open(args[0]))["runs"][which[0] if which else 0]
if len(args) > 1:
    hosts = [json.load(open(f))["runs"][0] for f in args[1:]]
else:
    hosts = [h for h in merged["hosts"] if "requests" in h]
bad = 0


def check(name, got, want):
    global bad
    if got == want:
        print("ok", name)
    else:
        bad += 1
        print("mismatch", name, "got", got, "want", want)


check("requests", merged["requests"], sum(h["requests"] for h in hosts))
for kind in ("connect", "read", "write", "timeout", "protocol", "status"):
    check("errors." + kind, merged["errors"].get(kind), sum(h["errors"][kind] for h in hosts))
status = Counter()
for h in hosts:
    status.update(h["status"])
check("status", dict(merged["status"]), dict(status))
buckets = Counter()
for h in hosts:
    b = h["latency"]["histogram"]["buckets"]
    for v, c in zip(b[0::2], b[1::2]):
        buckets[v] += c
mh = merged["latency"]["histogram"]
mb = mh["buckets"]
check("histogram buckets", dict(zip(mb[0::2], mb[1::2])), dict(buckets))
check("histogram count", mh["count"], sum(h["latency"]["histogram"]["count"] for h in hosts))
check("histogram sum", mh["sum"], sum(h["latency"]["histogram"]["sum"] for h in hosts))
check("histogram min", mh["min"], min(h["latency"]["histogram"]["min"] for h in hosts))
check("histogram max", mh["max"], max(h["latency"]["histogram"]["max"] for h in hosts))
if "timeseries" in merged:
    per = Counter()
    for h in hosts:
        s0 = h["clock"]["series_start_ns"] // 10**9
        for k, n in enumerate(h["timeseries"]["requests"]):
            per[s0 + k] += n
    base = merged["clock"]["series_start_ns"] // 10**9
    got = {base + k: n for k, n in enumerate(merged["timeseries"]["requests"])}
    check("series per absolute second", got, dict(per))
sys.exit(1 if bad else 0)
