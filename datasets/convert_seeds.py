#!/usr/bin/python3
"""Convert the seeds' published result tables into rigor datasets (format v1).

    python3 datasets/convert_seeds.py [SEEDS_DIR]     (default: ../shared/seeds)

Reads the Markdown tables (and one prose list) out of the seed files and writes one dataset
per published table into datasets/. Every number comes from the table cell it is in; nothing
is derived or filled in: a column the table lacks is absent from the runs, and the row as
published is kept verbatim under each run's "published" key (column heading -> cell text),
so the conversion can be checked line by line. Provenance (seed file, table heading, the
setup the text states) is in meta.provenance. See datasets/README.md for the per-table
decisions (target names, units, what "requests" and "errors" mean for each tool).

The output is deterministic (fixed "created" time, sorted nothing, stable key order), so
rerunning the script reproduces the committed files byte for byte.
"""
import json
import os
import re
import sys

CREATED = "2026-11-22T13:30:00Z"   # when these conversions were made
HERE = os.path.dirname(os.path.abspath(__file__))


def md_tables(text):
    """Yield (heading path, header cells, rows) for each Markdown table, with the headings
    (#, ##, ...) in force where the table starts."""
    headings = {}
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        m = re.match(r"^(#+)\s+(.*?)\s*$", lines[i])
        if m:
            level = len(m.group(1))
            headings = {k: v for k, v in headings.items() if k < level}
            headings[level] = m.group(2)
        if lines[i].startswith("|") and i + 1 < len(lines) and re.match(r"^\|[\s:|-]+\|\s*$", lines[i + 1]):
            head = [c.strip() for c in lines[i].strip().strip("|").split("|")]
            rows = []
            i += 2
            while i < len(lines) and lines[i].startswith("|"):
                rows.append([c.strip() for c in lines[i].strip().strip("|").split("|")])
                i += 1
            yield [headings[k] for k in sorted(headings)], head, rows
            continue
        i += 1


def num(cell):
    """The number in a cell, or None when it is not a plain number."""
    try:
        return float(cell.replace(",", ""))
    except ValueError:
        return None


def dataset(title, tool, host, provenance, runs):
    meta = {"title": title, "created": CREATED, "tool": tool}
    if host:
        meta["host"] = host
    meta["provenance"] = dict({"source": "published"}, **provenance,
                              converted_by="datasets/convert_seeds.py")
    return {"format": "rigor-dataset", "version": 1, "meta": meta, "runs": runs}


def run(target, conc, published, **fields):
    r = {"target": target, "url": None, "concurrency": conc, "rate": None, "run": 1,
         "source": "published"}
    r.update({k: v for k, v in fields.items() if v is not None})
    r["published"] = published
    return r


def autocannon(seeds):
    """000: one table, autocannon, Users x Framework x sync/async x logs."""
    name = "000_b04490901f18f02e.txt"
    text = open(os.path.join(seeds, name), encoding="utf-8").read()
    (path, head, rows), = [t for t in md_tables(text) if "Avg Req/Sec" in t[1]]
    runs = []
    for cells in rows:
        row = dict(zip(head, cells))
        fw = {"Expres": "Express"}.get(row["Framework"], row["Framework"])
        logs = "logs" if "check" in row["Logs Enabled"] else "no logs"
        target = "%s (%s, %s)" % (fw, row["Nature"], logs)
        lat_ms = num(row["Avg Latency (ms)"])
        runs.append(run(target, int(num(row["Users"])), row,
                        duration_s=num(row["Duration (sec)"]),
                        throughput_rps=num(row["Avg Req/Sec"]),
                        latency={"unit": "us", "mean": round(lat_ms * 1000, 3)}))
    return dataset(
        "Python vs JavaScript frameworks, single process (autocannon, published)",
        {"name": "autocannon", "version": None}, None,
        {"file": name, "table": " / ".join(path),
         "notes": "autocannon against one process per framework, 10/100/500 connections "
                  "(\"Users\"), about 10 s each, one run per row. \"Expres\" in the published "
                  "table is read as Express. Requests were published rounded (\"~ 4000\") and "
                  "are kept only in each run's published row; \"Min Req/Sec\" is autocannon's "
                  "slowest one-second sample within the run, also kept there."},
        runs)


LOCUST_SETUPS = {
    "Local server and client : Macbook Pro 2016 ( i5-7360U, 8G RAM )": (
        "local", 4000, {"cpu": "Intel Core i5-7360U",
                        "notes": "MacBook Pro 2016, 8 GB RAM; Locust client on the same machine"},
        "Locust for 1 minute, 4,000 users, hatch rate 500 users/s; client and server on one "
        "laptop, fan at full speed against thermal throttling."),
    "Remote Server : Linode nanode ( North-East region )": (
        "remote", 10000, {"notes": "server: Linode nanode, 1 vCPU, 1 GB (North-East region); "
                                   "Locust client on another host"},
        "Locust for 1 minute, 10,000 users, hatch rate 100 users/s, server on a Linode nanode."),
}


def locust(seeds):
    """001: four tables (local/remote x text/json), Locust, one run per framework."""
    name = "001_85959a495e97ea60.txt"
    text = open(os.path.join(seeds, name), encoding="utf-8").read()
    out = {}
    for path, head, rows in md_tables(text):
        setup = next(p for p in path if p in LOCUST_SETUPS)
        where, users, host, how = LOCUST_SETUPS[setup]
        kind = "text" if path[-1].startswith("Text") else "json"
        runs = []
        for cells in rows:
            row = dict(zip(head, cells))
            failed = num(row["Failed Requests"])
            runs.append(run(row["Framework"], users, row,
                            duration_s=60.0,
                            requests=int(num(row["Total Request"])),
                            errors={"unclassified": int(failed)},
                            throughput_rps=num(row["Request Per Second"]),
                            latency={"unit": "us",
                                     "p50": num(row["Median Response Time (ms)"]) * 1000}))
        notes = (how + " Locust's total request count includes failed requests; the failures "
                 "are published without their kind, so they are stored as errors of kind "
                 "\"unclassified\". One run per framework.")
        if any(r["target"] == "Django+Gunicorn" for r in runs):
            notes += (" The Django+Gunicorn row is published as 18052 requests at 730 req/s, "
                      "which does not match a 1-minute run; both figures are kept as published.")
        out["locust-%s-%s" % (where, kind)] = dataset(
            "Python microframeworks, %s, %s response (Locust, published)" % (where, kind),
            {"name": "locust", "version": None}, host,
            {"file": name, "table": " / ".join(path), "notes": notes}, runs)
    return out


def k6(seeds):
    """003: a numbered prose list of results (k6, 500 VUs, 5 minutes)."""
    name = "003_02b04eec933c5d58.txt"
    text = open(os.path.join(seeds, name), encoding="utf-8").read()
    pat = re.compile(r"^\d+\. (?P<target>[^:]+): (?P<rps>[\d.]+) requests per second.*?"
                     r"(?:processed|total of) (?P<total>\d+) requests.*?$", re.M)
    runs = []
    for m in pat.finditer(text):
        runs.append(run(m.group("target"), 500, {"text": m.group(0)},
                        duration_s=300.0, requests=int(m.group("total")),
                        throughput_rps=float(m.group("rps"))))
    return dataset(
        "Python WSGI servers vs .NET Kestrel (k6, published)",
        {"name": "k6", "version": None},
        {"cpu": "Intel i7-1165", "notes": "laptop, 16 GB RAM; Docker containers"},
        {"file": name, "table": "Results (numbered list)",
         "notes": "k6 with 500 virtual users for 5 minutes per server; each endpoint waits 2 s "
                  "before answering. Success rates were published as rounded percentages and "
                  "are kept only in each run's published text (error counts are not derived "
                  "from them). The Waitress line gives 2 req/s and 6881 requests, which do not "
                  "match over 5 minutes; both kept as published."},
        runs)


def write(name, doc):
    path = os.path.join(HERE, name + ".json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=2, ensure_ascii=False)
        f.write("\n")
    print("wrote", os.path.relpath(path), "(%d runs)" % len(doc["runs"]))


def main():
    seeds = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "shared", "seeds")
    if not os.path.isdir(seeds):
        seeds = "/work/shared/seeds"
    write("autocannon-python-vs-js", autocannon(seeds))
    for name, doc in locust(seeds).items():
        write(name, doc)
    write("k6-wsgi-servers", k6(seeds))


if __name__ == "__main__":
    main()
