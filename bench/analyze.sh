#!/bin/sh
# bench/analyze.sh — how fast `rigor analyze` and `rigor stats` are on big inputs.
#
# 1. A synthetic dataset of 1,000 runs (5 targets x 4 concurrencies x 50 runs, each with a
#    latency object, errors, server figures and a 30-second timeseries): time of
#    `rigor analyze` (text, --json, --markdown). SPEC target: well under 1 s.
# 2. Two columns of 10^6 numbers: `rigor stats` side by side with ministat, alternating,
#    median of 5 rounds each of CPU time (a shared 2-core VM is noisy: compare ratios).
# Prints a Markdown table for docs/benchmarks.md. Needs /usr/bin/python3 (data generation), GNU time (/usr/bin/time) and ministat.
set -eu
RIGOR=${RIGOR:-./rigor}
ROUNDS=${ROUNDS:-5}
D=$(mktemp -d "${TMPDIR:-/tmp}/rigor-bench-analyze.XXXXXX")
trap 'rm -rf "$D"' EXIT

/usr/bin/python3 - "$D/runs1000.json" <<'PYEOF'
import json, random, sys
rng = random.Random(1)
runs = []
for t, base in [("express", 9000), ("fastify", 24000), ("koa", 15000), ("flask", 2600),
                ("fastapi", 11000)]:
    for c in (10, 50, 100, 500):
        for i in range(1, 51):
            rps = base * (1 + rng.gauss(0, 0.05))
            p99 = 1e6 * c / rps * 3 * (1 + rng.gauss(0, 0.05))
            runs.append({"target": t, "url": "http://127.0.0.1:8080/", "concurrency": c,
                         "rate": None, "run": i, "source": "load", "complete": True,
                         "duration_s": 30.0, "requests": int(rps * 30),
                         "errors": {"connect": 0, "read": 0, "write": 0, "timeout": 0,
                                    "protocol": 0, "status": rng.randrange(0, 3)},
                         "throughput_rps": rps,
                         "latency": {"unit": "us", "mean": p99 / 3, "stdev": p99 / 6,
                                     "min": 40, "max": p99 * 4, "p50": p99 / 3.5,
                                     "p90": p99 / 1.8, "p99": p99, "p999": p99 * 1.7},
                         "timeseries": {"requests": [int(rps * (1 + rng.gauss(0, 0.02)))
                                                     for _ in range(30)]},
                         "server": {"pid": 1, "cpu_pct_mean": 90 + rng.random() * 10,
                                    "cpu_pct_max": 100, "rss_kb_max": 50000 + rng.randrange(5000)}})
json.dump({"format": "rigor-dataset", "version": 1,
           "meta": {"title": "bench: 1,000 synthetic runs"}, "runs": runs},
          open(sys.argv[1], "w"))
PYEOF
awk 'BEGIN { srand(1); for (i = 0; i < 1000000; i++) printf "%.6f\n", 1000 + 50 * rand() }' > "$D/a.txt"
awk 'BEGIN { srand(2); for (i = 0; i < 1000000; i++) printf "%.6f\n", 1001 + 50 * rand() }' > "$D/b.txt"

# CPU seconds (user + system) of one command, output discarded. CPU time rather than wall
# time: the VM is shared, and other processes stretch wall time but not our CPU time.
wall() {
    /usr/bin/time -f "%U %S" -o "$D/.time" "$@" > /dev/null 2>&1 || true
    awk '{ print $1 + $2 }' "$D/.time"
}
median() { sort -n | awk '{ v[NR] = $1 } END { printf "%.3f", v[int((NR + 1) / 2)] }'; }

: > "$D/t_text"; : > "$D/t_json"; : > "$D/t_md"; : > "$D/t_stats"; : > "$D/t_ministat"
r=0
while [ $r -lt "$ROUNDS" ]; do
    wall "$RIGOR" analyze "$D/runs1000.json" >> "$D/t_text"
    wall "$RIGOR" analyze --json "$D/runs1000.json" >> "$D/t_json"
    wall "$RIGOR" analyze --markdown "$D/runs1000.json" >> "$D/t_md"
    wall "$RIGOR" stats -A "$D/a.txt" "$D/b.txt" >> "$D/t_stats"
    wall ministat -A "$D/a.txt" "$D/b.txt" >> "$D/t_ministat"
    r=$((r + 1))
done
size=$(wc -c < "$D/runs1000.json")
echo "| what | input | rigor, CPU s (median of $ROUNDS) | ministat, CPU s | ratio |"
echo "|---|---|---:|---:|---:|"
echo "| \`rigor analyze\` (text) | 1,000 runs, $((size / 1024)) KiB | $(median < "$D/t_text") | – | – |"
echo "| \`rigor analyze --json\` | 1,000 runs | $(median < "$D/t_json") | – | – |"
echo "| \`rigor analyze --markdown\` | 1,000 runs | $(median < "$D/t_md") | – | – |"
st=$(median < "$D/t_stats"); ms=$(median < "$D/t_ministat")
echo "| \`rigor stats -A\` vs \`ministat -A\` | 2 × 10^6 numbers | $st | $ms | $(awk -v a="$st" -v b="$ms" 'BEGIN { printf "%.2f", a / b }') |"
