#!/usr/bin/env python3
"""tests/e2e/import_check.py — checks imported runs against independent references.

    python3 import_check.py tools FIXTURES DIR     real-tool fixtures vs the tools' summaries
    python3 import_check.py samples FIXTURES DIR   written samples vs samples.expected.json

DIR holds one dataset per fixture, named FIXTURE.json (import_tools.sh / import_samples.sh
make them). References: each tool's own printed summary kept beside its data file (ab.txt,
wrk*.txt, locust*.txt, jmeter*.txt), a naive reading of the data file itself where the tool
prints no summary with it (hey), and for wrk's histogram a re-application of wrk's own
coordinated-omission correction. Prints one line per check: "ok|NAME|" or "fail|NAME|why".
"""
import csv
import json
import math
import os
import re
import sys


def run_of(d, name):
    with open(os.path.join(d, name + ".json")) as f:
        return json.load(f)["runs"][0]


def order_stat(values, p):
    v = sorted(values)
    return v[max(0, math.ceil(p / 100.0 * len(v)) - 1)]


results = []


def check(name, cond, why=""):
    results.append("%s|%s|%s" % ("ok" if cond else "fail", name, "" if cond else why))


def near(name, got, want, tol):
    ok = got is not None and want is not None and abs(got - want) <= tol
    check(name, ok, "got %r, want %r (tol %r)" % (got, want, tol))


def lat(run, k):
    return (run.get("latency") or {}).get(k)


def errs(run):
    return run.get("errors") or {}


# ---- real tools ----

def hey(fx, d):
    rows = list(csv.DictReader(open(os.path.join(fx, "hey.csv"))))
    us = [round(float(r["response-time"]) * 1e6) for r in rows]
    r = run_of(d, "hey.csv")
    check("hey: requests = rows", r["requests"] == len(rows), "%s vs %d" % (r["requests"], len(rows)))
    near("hey: p50 = naive order statistic", lat(r, "p50"), order_stat(us, 50), 1 + order_stat(us, 50) / 1000)
    near("hey: p99 = naive order statistic", lat(r, "p99"), order_stat(us, 99), 1 + order_stat(us, 99) / 1000)
    near("hey: mean", lat(r, "mean"), sum(us) / len(us), 0.5)
    starts = [float(x["offset"]) for x in rows]
    ends = [float(x["offset"]) + float(x["response-time"]) for x in rows]
    near("hey: window from offsets", r["duration_s"], max(ends) - min(starts), 1e-4)
    check("hey: no transport kinds claimed", set(errs(r)) == {"status"}, str(errs(r)))
    check("hey: no started (offsets are relative)", "started" not in r)
    r5 = run_of(d, "hey-503.csv")
    check("hey 503: every response a status error",
          errs(r5).get("status") == r5["requests"] == r5["status"].get("503"), str(errs(r5)))


def ab(fx, d):
    txt = open(os.path.join(fx, "ab.txt")).read()
    n = int(re.search(r"Complete requests:\s+(\d+)", txt).group(1))
    pct = {int(p): int(v) * 1000 for p, v in re.findall(r"^\s+(\d+)%\s+(\d+)", txt, re.M)}
    r = run_of(d, "ab.tsv")
    check("ab -g: requests = Complete requests", r["requests"] == n, "%s vs %d" % (r["requests"], n))
    near("ab -g: p50 within 1 ms of ab's", lat(r, "p50"), pct[50], 1000)
    near("ab -g: p99 within 1 ms of ab's", lat(r, "p99"), pct[99], 1000)
    check("ab -g: exact histogram", r["import"]["histogram"] == "exact")
    e = run_of(d, "ab.csv")
    near("ab -e: p50 within 1 ms of ab's", lat(e, "p50"), pct[50], 1000)
    near("ab -e: p99 within 1 ms of ab's", lat(e, "p99"), pct[99], 1000)
    check("ab -e: summary only (no requests, no histogram)",
          "requests" not in e and "histogram" not in e["latency"])


WRK_UNITS = {"us": 1, "ms": 1e3, "s": 1e6}


def wrk_val(t):
    m = re.match(r"([\d.]+)(us|ms|s)$", t)
    return float(m.group(1)) * WRK_UNITS[m.group(2)]


def wrk_report(fx, d, name):
    txt = open(os.path.join(fx, name)).read()
    n = int(re.search(r"(\d+) requests in", txt).group(1))
    r = run_of(d, name)
    check("%s: requests" % name, r["requests"] == n, "%s vs %d" % (r["requests"], n))
    for p, v in re.findall(r"^\s+(\d+)%\s+(\S+)$", txt, re.M):
        near("%s: p%s as printed" % (name, p), (r["latency"].get("percentiles") or {}).get(p),
             wrk_val(v), 0.01)
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", txt)
    want = [int(x) for x in m.groups()] if m else [0, 0, 0, 0]
    got = [errs(r).get(k) for k in ("connect", "read", "write", "timeout")]
    check("%s: socket errors" % name, got == want, "%s vs %s" % (got, want))
    return r


def wrk_correct(hist, expected):
    """wrk's stats_correct(): for n >= 2e, copies of count at n - e, n - 2e ... while > e."""
    data = dict(hist)
    for n in sorted(hist):
        if n < 2 * expected:
            continue
        m = n - expected
        while m > expected:
            data[m] = data.get(m, 0) + hist[n]
            m -= expected
    return data


def wrk_percentile(data, p):
    count = sum(data.values())
    rank = math.floor(p / 100.0 * count + 0.5 + 0.5)   # C round() of (p/100*count + 0.5)
    total = 0
    for v in sorted(data):
        total += data[v]
        if total >= rank:
            return v


def wrk_lua(fx, d):
    src = json.load(open(os.path.join(fx, "wrk-lua.json")))
    txt = open(os.path.join(fx, "wrk-lua.txt")).read()
    r = run_of(d, "wrk-lua.json")
    n = int(re.search(r"(\d+) requests in", txt).group(1))
    conns = int(re.search(r"(\d+) connections", txt).group(1))
    b = r["latency"]["histogram"]["buckets"]
    raw = {b[i]: b[i + 1] for i in range(0, len(b), 2)}
    check("wrk lua: requests = wrk's", r["requests"] == n == src["requests"])
    check("wrk lua: histogram holds the measured requests", sum(raw.values()) == n,
          "%d vs %d" % (sum(raw.values()), n))
    e = src["duration_us"] // (n // conns)
    # rigor keeps 3 significant digits (values above 2048 us share 2-us buckets and up), so
    # the round trip is compared as counts and percentiles, not value by value
    again = wrk_correct(raw, e)
    check("wrk lua: wrk's correction re-applied gives wrk's count back",
          sum(again.values()) == sum(c for v, c in src["histogram"]),
          "%d vs %d" % (sum(again.values()), sum(c for v, c in src["histogram"])))
    for p, v in re.findall(r"^\s+(\d+)%\s+(\S+)$", txt, re.M):
        want = wrk_val(v)
        near("wrk lua: wrk's p%s from the re-corrected histogram" % p,
             wrk_percentile(again, float(p)), want, 5 + math.ceil(want / 1000))


def locust(fx, d):
    txt = open(os.path.join(fx, "locust.txt")).read()
    agg = re.search(r"Aggregated\s+(\d+)\s+(\d+)\(", txt)
    reqs, fails = int(agg.group(1)), int(agg.group(2))
    pl = [l for l in txt.splitlines() if "Aggregated" in l][1].split()
    pct = dict(zip(["50", "66", "75", "80", "90", "95", "98", "99", "99.9", "99.99", "100"],
                   [int(x) * 1000 for x in pl[1:12]]))
    r = run_of(d, "locust_stats.csv")
    e = errs(r)
    check("locust csv: requests + no-response = Locust's # reqs",
          r["requests"] + e.get("connect", 0) + e.get("timeout", 0) + e.get("read", 0) == reqs,
          "%s %s vs %d" % (r["requests"], e, reqs))
    check("locust csv: failures by kind add up to # fails", sum(e.values()) == fails,
          "%s vs %d" % (e, fails))
    kinds = {m: int(c) for c, m in re.findall(r"^(\d+)\s+GET \S+: (\w+)", txt, re.M)}
    check("locust csv: 503s are status errors", e.get("status") == kinds.get("HTTPError"))
    check("locust csv: refused are connect errors",
          e.get("connect") == kinds.get("ConnectionRefusedError"))
    near("locust csv: p50 as printed", lat(r, "p50"), pct["50"], 1000)
    near("locust csv: p99 as printed", lat(r, "p99"), pct["99"], 1000)
    check("locust csv: per-second series adds up",
          sum(r["timeseries"]["requests"]) == reqs, str(r.get("timeseries")))
    txt = open(os.path.join(fx, "locust-json.txt")).read()
    agg = re.search(r"Aggregated\s+(\d+)\s+(\d+)\(", txt)
    pl = [l for l in txt.splitlines() if "Aggregated" in l][1].split()
    j = run_of(d, "locust.json")
    check("locust json: requests = # reqs", j["requests"] == int(agg.group(1)))
    check("locust json: failures", errs(j).get("other") == int(agg.group(2)))
    near("locust json: p50 within Locust's rounding", lat(j, "p50"), int(pl[1]) * 1000, 1000)
    near("locust json: p99 within Locust's rounding", lat(j, "p99"), int(pl[8]) * 1000, 1000)
    check("locust json: exact per-second counts add up",
          sum(j["timeseries"]["requests"]) == j["requests"])


def autocannon(fx, d):
    for name in ("autocannon.json", "autocannon-503.json"):
        src = json.load(open(os.path.join(fx, name)))
        r = run_of(d, name)
        check("%s: requests" % name, r["requests"] == src["requests"]["total"])
        near("%s: p50" % name, lat(r, "p50"), src["latency"]["p50"] * 1000, 0.001)
        near("%s: p99" % name, lat(r, "p99"), src["latency"]["p99"] * 1000, 0.001)
        near("%s: duration" % name, r["duration_s"], src["duration"], 1e-9)
        check("%s: 4xx+5xx are status errors" % name,
              errs(r).get("status") == src["4xx"] + src["5xx"])
        check("%s: summary only" % name, "histogram" not in r["latency"])


def jmeter(fx, d):
    for data, txt in (("jmeter.jtl", "jmeter.txt"), ("jmeter-header.jtl", "jmeter-header.txt"),
                      ("jmeter.xml", "jmeter-xml.txt")):
        s = open(os.path.join(fx, txt)).read()
        m = re.search(r"summary =\s+(\d+) in .*Avg:\s+(\d+) Min:\s+(\d+) Max:\s+(\d+) "
                      r"Err:\s+(\d+)", s)
        n, avg, mn, mx, err = (int(x) for x in m.groups())
        r = run_of(d, data)
        check("%s: requests = summariser's" % data, r["requests"] == n)
        near("%s: mean = Avg" % data, lat(r, "mean"), avg * 1000, 1000)
        near("%s: min = Min" % data, lat(r, "min"), mn * 1000, 0)
        near("%s: max = Max" % data, lat(r, "max"), mx * 1000, 0)
        check("%s: errors = Err" % data, sum(errs(r).values()) == err)


def tools(fx, d):
    hey(fx, d)
    ab(fx, d)
    wrk_report(fx, d, "wrk.txt")
    wrk_report(fx, d, "wrk-errors.txt")
    wrk_lua(fx, d)
    locust(fx, d)
    autocannon(fx, d)
    jmeter(fx, d)


# ---- written samples ----

def samples(fx, d):
    exp = json.load(open(os.path.join(fx, "samples.expected.json")))
    for name, e in sorted(exp.items()):
        r = run_of(d, name)
        check("%s: format" % name, r["import"]["format"] == e["format"], r["import"]["format"])
        check("%s: requests" % name, r.get("requests") == e["requests"],
              "%s vs %s" % (r.get("requests"), e["requests"]))
        got = {k: v for k, v in errs(r).items() if v}
        check("%s: errors by kind" % name, got == e["errors"], "%s vs %s" % (got, e["errors"]))
        near("%s: p50" % name, lat(r, "p50"), e["p50_us"], e["tol_us"])
        if "p99_us" in e:
            near("%s: p99" % name, lat(r, "p99"), e["p99_us"], e["tol_us"])
        for k in ("concurrency", "bytes_in", "url"):
            if k in e:
                check("%s: %s" % (name, k), r.get(k) == e[k], "%s vs %s" % (r.get(k), e[k]))
        if "duration_s" in e:
            near("%s: duration" % name, r.get("duration_s"), e["duration_s"], 1e-6)
        if "time_resolution_s" in e:
            check("%s: whole-second timestamps said" % name,
                  r["import"].get("time_resolution_s") == e["time_resolution_s"])
        if "histogram" in e:
            check("%s: histogram %s" % (name, e["histogram"]),
                  r["import"]["histogram"] == e["histogram"] and
                  "histogram" not in r.get("latency", {}))
        if "thresholds" in e:
            check("%s: thresholds (true = failed in the legacy export)" % name,
                  r["import"].get("thresholds") == e["thresholds"], str(r["import"]))
        if "histogram_count" in e:
            check("%s: histogram count" % name,
                  r["latency"]["histogram"]["count"] == e["histogram_count"])
        if "uncorrected_p99_us" in e:
            near("%s: uncorrected p99" % name, r["latency_uncorrected"]["p99"],
                 e["uncorrected_p99_us"], 0.001)
        if "mean_us" in e:
            near("%s: mean from the footer" % name, lat(r, "mean"), e["mean_us"], 0.5)


if __name__ == "__main__":
    {"tools": tools, "samples": samples}[sys.argv[1]](sys.argv[2], sys.argv[3])
    print("\n".join(results))
