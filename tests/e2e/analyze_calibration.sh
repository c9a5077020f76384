#!/bin/sh
# tests/e2e/analyze_calibration.sh — the calibration of issue 11 on the real binary: synthetic
# datasets drawn by Python's own generator (random.Random, fixed seeds: independent of the
# GSL generators of tests/unit/analyze/test_calibration.c) go through `rigor analyze --json`.
# Asserts: A/A reports with any verdict <= 5% + 2 SE; a 10x effect at CV 30% with 5 runs
# proven for >= 95% of the true effects; no verdict that disagrees with its printed interval.
# A few seconds: 150 small reports. The long version is bench/calibrate.sh.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3

if $PY - "$RIGOR" "$T_DIR" <<'PYEOF'
import json, math, random, subprocess, sys
rigor, tmp = sys.argv[1], sys.argv[2]
METRICS = [("throughput_rps", None, 10000, 1), ("latency", "mean", 900, -1),
           ("latency", "p50", 800, -1), ("latency", "p99", 3000, -1),
           ("server", "cpu_pct_mean", 80, 1), ("server", "rss_kb_max", 50000, 1)]


def dataset(rng, ntargets, ncells, n, cv, ratio, lognormal):
    runs = []
    for i in range(n):
        for c in (10, 100, 500)[:ncells]:
            for t in range(ntargets):
                f = 1.0 if t == 0 else ratio
                r = {"target": "t%d" % t, "concurrency": c, "rate": None, "run": i + 1,
                     "source": "load", "latency": {"unit": "us"},
                     "server": {"pid": 1000 * t + 10 * c + i}}
                for key, sub, base, up in METRICS:
                    mean = base * (f if up > 0 else 1 / f)
                    if lognormal:
                        s = math.sqrt(math.log1p(cv * cv))
                        v = mean * math.exp(rng.gauss(0, s) - s * s / 2)
                    else:
                        v = -1
                        while v <= 0:
                            v = mean * (1 + rng.gauss(0, cv))
                    if sub:
                        r[key][sub] = v
                    else:
                        r[key] = v
                req = int(r["throughput_rps"] * 10)
                r["requests"] = req
                lam = req * 0.001   # timeouts: about Poisson(0.1% of the requests)
                r["errors"] = {"timeout": max(0, round(rng.gauss(lam, math.sqrt(lam))))}
                runs.append(r)
    return {"format": "rigor-dataset", "version": 1, "meta": {"title": "calibration"}, "runs": runs}


def analyze(ds):
    path = tmp + "/cal.json"
    with open(path, "w") as f:
        json.dump(ds, f)
    out = subprocess.run([rigor, "analyze", "--json", path], capture_output=True, check=True)
    return json.loads(out.stdout)


def clears(c):
    log = c["scale"] == "log"
    lo, hi = (c["ratio_ci_low"], c["ratio_ci_high"]) if log else \
             (c["difference_ci_low"], c["difference_ci_high"])
    null, band = (1.0, 0.01) if log else (0.0, 0.01 * abs(c["mean_baseline"]))
    if lo is None:
        return 0
    return 1 if lo > null + band else -1 if hi < null - band else 0


DIR = {"faster": 1, "worse": 1, "higher": 1, "slower": -1, "better": -1, "lower": -1, "~": 0}
rng = random.Random(20261130)
fails, incoherent, aa_hits, aa_n = 0, 0, 0, 0
for k in range(120):   # A/A: 2 or 3 targets, 1 or 3 cells, n = 3/5/10, CV 2/10/30%, lognormal
    nt, nc, n = 2 + k % 2, 1 + 2 * (k // 2 % 2), (3, 5, 10)[k // 4 % 3]
    cv, lognormal = ((0.02, False), (0.10, False), (0.30, False), (0.30, True))[k // 12 % 4]
    d = analyze(dataset(rng, nt, nc, n, cv, 1.0, lognormal))
    aa_n += 1
    aa_hits += any(c["verdict"] != "~" for c in d["comparisons"])
    incoherent += sum(DIR[c["verdict"]] != clears(c) for c in d["comparisons"])
effects, proven = 0, 0
for k in range(30):    # power: 2 targets x 3 cells, CV 30%, n = 5, ratio 10
    d = analyze(dataset(rng, 2, 3, 5, 0.30, 10.0, False))
    for c in d["comparisons"]:
        incoherent += DIR[c["verdict"]] != clears(c)
        if c["metric"] == "error_rate":
            continue
        want = -1 if c["metric"].startswith("latency") else 1
        effects += 1
        proven += DIR[c["verdict"]] == want
limit = 0.05 + 2 * math.sqrt(0.05 * 0.95 / aa_n)
print("# A/A: %d of %d reports with a verdict (limit %.1f%%); power: %d of %d effects; "
      "incoherent: %d" % (aa_hits, aa_n, 100 * limit, proven, effects, incoherent))
ok = aa_hits / aa_n <= limit and proven >= 0.95 * effects and incoherent == 0
sys.exit(0 if ok else 1)
PYEOF
then t_ok "calibration on the binary: A/A, power, coherence"
else t_fail "calibration on the binary: A/A, power, coherence"; fi
t_done
