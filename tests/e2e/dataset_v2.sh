#!/bin/sh
# tests/e2e/dataset_v2.sh — dataset format v2 (histograms in HdrHistogram's compressed
# encoding) and `rigor convert`: lossless both ways (v1 -> v2 -> v1 is the same file), and
# every reader gives the same answer on either version: analyze --json, report.md and the
# charts' data, export --csv and --hgrm. Writers that append (load, import) keep a v2 file v2.
# Bad input: a v1 file holding "hdr", a damaged encoding, a newer version, bad options.
. tests/e2e/lib.sh
. tests/e2e/load_lib.inc
D=$T_DIR
SRC=datasets/loopback-comparison.json   # 40 real runs with histograms, written by rigor

mkdir -p "$D/v1" "$D/v2" "$D/back"
cp "$SRC" "$D/v1/ds.json"
t_run "convert to v2" 0 "$RIGOR" convert "$D/v1/ds.json" -o "$D/v2/ds.json"
t_eq "v2: version 2" "$(jq_py "$D/v2/ds.json" 'd["version"]')" 2
t_eq "v2: every histogram encoded, none as buckets" \
    "$(jq_py "$D/v2/ds.json" '[("hdr" in r["latency"]["histogram"], "buckets" in r["latency"]["histogram"]) for r in d["runs"]] == [(True, False)] * 40')" True
t_eq "v2: the encoding is HdrHistogram's compressed V2 (HISTFAAA...)" \
    "$(jq_py "$D/v2/ds.json" 'all(r["latency"]["histogram"]["hdr"].startswith("HISTFAAA") for r in d["runs"])')" True
t_eq "v2: smaller than v1" "$(jq_py "$D/v2/ds.json" 'len(open(sys.argv[1]).read()) * 2 < len(open("'"$SRC"'").read())')" True
t_eq "v2: all else unchanged" \
    "$(python3 -c 'import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
for d in (a, b):
    d.pop("version")
    for r in d["runs"]:
        r["latency"]["histogram"].pop("buckets", None); r["latency"]["histogram"].pop("hdr", None)
print(a == b)' "$SRC" "$D/v2/ds.json")" True
t_run "convert back to v1" 0 "$RIGOR" convert "$D/v2/ds.json" -o "$D/back/ds.json" --format v1
t_run "v1 -> v2 -> v1 is the same file, byte for byte" 0 cmp "$SRC" "$D/back/ds.json"
t_run "convert v2 to v2 (stdout) changes nothing" 0 sh -c \
    "'$RIGOR' convert '$D/v2/ds.json' -o - | cmp - '$D/v2/ds.json'"

# Every reader, same answer. Each command runs inside the version's directory so that file
# names in the outputs are the same.
for v in v1 v2; do
    (cd "$D/$v" && "$RIGOR" analyze --json ds.json > an.json &&
        "$RIGOR" analyze ds.json > an.txt &&
        "$RIGOR" report ds.json -o rep -q --scripts-only &&
        "$RIGOR" export ds.json --csv > runs.csv &&
        "$RIGOR" export ds.json --hgrm -o hgrm > /dev/null 2>&1) || t_fail "readers on $v"
done
for f in an.json an.txt rep/report.md runs.csv; do
    t_run "v1 and v2: identical $f" 0 cmp "$D/v1/$f" "$D/v2/$f"
done
t_run "v1 and v2: identical charts' data and scripts" 0 diff -r "$D/v1/rep" "$D/v2/rep"
t_run "v1 and v2: identical .hgrm spectra" 0 diff -r "$D/v1/hgrm" "$D/v2/hgrm"
t_eq "the charts include the percentile spectrum (histograms decoded)" \
    "$(ls "$D/v2/rep" | grep -c 'spectrum.*\.dat$' | awk '{ print ($1 > 0) }')" 1

# Appending keeps the file's version: load (a real run) and import.
serve_start --threads 1
cp "$D/v2/ds.json" "$D/app.json"
t_run "load appends to a v2 dataset" 0 "$RIGOR" load "$URL" -n 300 -c 2 --label appended -q -o "$D/app.json"
t_eq "after load: still v2, 41 runs, the new histogram encoded" \
    "$(jq_py "$D/app.json" '(d["version"], len(d["runs"]), "hdr" in d["runs"][-1]["latency"]["histogram"], d["runs"][-1]["target"])')" \
    "(2, 41, True, 'appended')"
serve_stop
t_run "import appends to a v2 dataset" 0 "$RIGOR" import tests/fixtures/import/wrk-lua.json -o "$D/app.json" -q
t_eq "after import: still v2, the imported histogram encoded" \
    "$(jq_py "$D/app.json" '(d["version"], len(d["runs"]), "hdr" in d["runs"][-1]["latency"]["histogram"])')" \
    "(2, 42, True)"
t_run "the appended file reads back" 0 "$RIGOR" analyze "$D/app.json"

# Bad input: one clear line, exit 2, never a crash.
python3 - "$D/v2/ds.json" "$D" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["version"] = 1
json.dump(d, open(sys.argv[2] + "/v1hdr.json", "w"), indent=1)
d["version"] = 2
for r in d["runs"]:          # every run's zlib stream damaged (one character changed)
    h = r["latency"]["histogram"]
    h["hdr"] = h["hdr"][:40] + ("B" if h["hdr"][40] == "A" else "A") + h["hdr"][41:]
json.dump(d, open(sys.argv[2] + "/damaged.json", "w"), indent=1)
d = json.load(open(sys.argv[1]))
t = d["runs"][5]["latency"]["histogram"]
t["hdr"] = t["hdr"][:len(t["hdr"]) // 8 * 4]
json.dump(d, open(sys.argv[2] + "/truncated.json", "w"), indent=1)
d["version"] = 3
json.dump(d, open(sys.argv[2] + "/v3.json", "w"), indent=1)
PY
t_run "v1 file with an encoded histogram: refused" 2 "$RIGOR" analyze "$D/v1hdr.json"
t_has "... names the run and the format" "$T_ERR" "runs[0].latency.histogram.hdr: HdrHistogram-encoded histograms are format v2"
# A damaged zlib stream: loading checks the envelope only (analyze never needs the counts);
# every command that decodes the histogram refuses it, naming the run.
t_run "damaged encoding: analyze does not need it" 0 "$RIGOR" analyze "$D/damaged.json"
t_run "damaged encoding: report's charts refuse it" 1 "$RIGOR" report "$D/damaged.json" -o "$D/r" -q --scripts-only
t_has "... naming the run and what is wrong" "$T_ERR" ": latency.histogram.hdr: damaged compressed data"
t_run "damaged encoding: export --hgrm refuses it" 2 "$RIGOR" export "$D/damaged.json" --hgrm -o "$D/h"
t_run "damaged encoding: convert refuses it" 2 "$RIGOR" convert "$D/damaged.json" -o "$D/x.json" --format v1
t_has "... saying where and why" "$T_ERR" "runs[0].latency.histogram: histogram.hdr: damaged"
t_run "truncated encoding: refused when loaded" 2 "$RIGOR" analyze "$D/truncated.json"
t_has "... with file, line, column and the histogram's path" "$T_ERR" "truncated.json:"
t_has "... and what is wrong" "$T_ERR" "runs[5].latency.histogram.hdr: not HdrHistogram's compressed V2 encoding"
t_run "version 3: refused" 2 "$RIGOR" convert "$D/v3.json" -o "$D/x.json"
t_has "... as newer" "$T_ERR" "newer than this rigor understands (2)"
t_run "convert: no -o" 2 "$RIGOR" convert "$SRC"
t_run "convert: bad --format" 2 "$RIGOR" convert "$SRC" -o "$D/x.json" --format v9
t_has "... says which" "$T_ERR" "expected v1 or v2"
t_run "convert: two datasets" 2 "$RIGOR" convert "$SRC" "$SRC" -o "$D/x.json"
t_run "convert: missing file" 2 "$RIGOR" convert "$D/nope.json" -o "$D/x.json"
t_run "convert --help" 0 "$RIGOR" convert --help
t_has "... has examples" "$T_OUT" "rigor convert results.json -o results.json"
t_done
