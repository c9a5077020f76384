#!/bin/sh
# tests/e2e/import_errors.sh — `rigor import` on bad input: one clear line naming the file and
# the line, exit 2, the dataset untouched; and the options that fill or cut (run numbering,
# --skip, --run, --unit, --duration).
. "$(dirname "$0")/lib.sh"
FX=tests/fixtures/import
D=$T_DIR/ds.json

bad() {  # name, file content (printf format), expected message fragment, options...
    name=$1 content=$2 want=$3; shift 3
    printf "$content" > "$T_DIR/bad.in"
    t_run "$name: exit 2" 2 "$RIGOR" import "$T_DIR/bad.in" -o "$D" "$@"
    t_has "$name: message" "$T_ERR" "$want"
}
bad "hey row" 'response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset\n0.1,0,0,0,0,0,200,0.1\nx,0,0,0,0,0,200,0.2\n' "bad.in:3: response-time is not a number"
bad "k6 json" '{"type":"Point","metric":"http_reqs","data":{"time":"2026-11-30T10:00:00Z","value":1}}\n{"type":"Point",\n' "bad.in:2: invalid JSON"
bad "k6 status tag" '{"type":"Point","metric":"http_req_duration","data":{"time":"2026-11-30T10:00:00Z","value":1.5,"tags":{"status":"abc"}}}\n' "bad.in:1: http_req_duration sample without a valid status tag"
bad "k6 zone" '{"type":"Point","metric":"http_req_duration","data":{"time":"2026-11-30 25:00:00","value":1.5,"tags":{"status":"200"}}}\n' "bad.in:1: Point without a valid RFC 3339"
bad "vegeta csv fields" '1796040100009652480,200,5951000,0,12,,,,0\n1796040100009652480,200,5951000,0,12\n' "bad.in:2: 5 fields"
bad "jtl xml" '<?xml version="1.0"?>\n<testResults version="1.2">\n<httpSample t="1" ts="1796040100000" s="true" rc="200" lb="x">\n</testResults>\n' "bad.in:4: invalid JTL XML"
bad "jtl elapsed" 'timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success\n1796040100000,-3,x,200,OK,t,text,true\n' "bad.in:2: expected a timestamp and a whole number"
bad "csv quotes" 'timeStamp,elapsed,label,responseCode\n1796040100000,3,"x,200\n' "malformed CSV"
bad "hgrm order" '       Value     Percentile TotalCount 1/(1-Percentile)\n\n 1.0 0.5 10 2.0\n 2.0 0.6 5 2.5\n' "bad.in:4: TotalCount goes down"
bad "unknown content" 'hello, world\n' "cannot tell the format of"
t_has "unknown content: lists the formats" "$T_ERR" "k6-json, k6-csv"
bad "wrong --format" 'hello\n' "bad.in:1:" --format k6-json
bad "empty file" '' "empty file"
bad "summary + --skip" '{"metrics":{"http_reqs":{"count":3,"rate":1.5}}}' "--skip needs per-request records" --skip 1s
[ ! -e "$D" ] && t_ok "no dataset written by failed imports" || t_fail "dataset written"

t_run "missing file" 2 "$RIGOR" import "$T_DIR/nope.csv" -o "$D"
t_has "missing file: says so" "$T_ERR" "nope.csv"
t_run "a directory" 2 "$RIGOR" import "$T_DIR" -o "$D"
t_run "no -o" 2 "$RIGOR" import "$FX/hey.csv"
t_run "no FILE" 2 "$RIGOR" import -o "$D"
t_run "unknown --format" 2 "$RIGOR" import --format nope "$FX/hey.csv" -o "$D"
t_run "--concurrency 0" 2 "$RIGOR" import -c 0 "$FX/hey.csv" -o "$D"
t_run "--concurrency and --rate" 2 "$RIGOR" import -c 2 --rate 5 "$FX/hey.csv" -o "$D"
t_run "--unit bad" 2 "$RIGOR" import --unit parsec "$FX/latency.hgrm" -o "$D"
t_run "unknown option" 2 "$RIGOR" import --bogus "$FX/hey.csv" -o "$D"

# all or nothing: a good file and a bad one write nothing
printf 'garbage\n' > "$T_DIR/g.csv"
t_run "good + bad file: exit 2" 2 "$RIGOR" import "$FX/hey.csv" "$T_DIR/g.csv" -o "$D"
[ ! -e "$D" ] && t_ok "good + bad: nothing written" || t_fail "good + bad: dataset written"
printf '{"format": "rigor-dataset", "version": 7, "meta": {}, "runs": []}\n' > "$T_DIR/newer.json"
t_run "newer dataset refused" 2 "$RIGOR" import "$FX/hey.csv" -o "$T_DIR/newer.json"
t_has "newer dataset: untouched" "$T_DIR/newer.json" '"version": 7'

# numbering: runs follow the cell's runs already in the dataset; --run checks for clashes
t_run "three files" 0 "$RIGOR" import -q "$FX/hey.csv" "$FX/hey.csv" "$FX/hey.csv" --label h -c 4 -o "$D"
t_run "two more" 0 "$RIGOR" import -q "$FX/hey.csv" "$FX/hey.csv" --label h -c 4 -o "$D"
runs=$(python3 -c 'import json,sys; print(",".join(str(r["run"]) for r in json.load(open(sys.argv[1]))["runs"]))' "$D")
[ "$runs" = "1,2,3,4,5" ] && t_ok "runs numbered 1..5" || t_fail "run numbers" "$runs"
t_run "--run clash" 2 "$RIGOR" import -q "$FX/hey.csv" --label h -c 4 --run 2 -o "$D"
t_has "--run clash: says so" "$T_ERR" "run 2 of target 'h'"
t_run "other cell starts at 1" 0 "$RIGOR" import -q "$FX/hey.csv" --label h -c 8 -o "$D"
last=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["runs"][-1]; print(r["run"], r["concurrency"])' "$D")
[ "$last" = "1 8" ] && t_ok "c=8 is run 1" || t_fail "c=8 numbering" "$last"

# --skip cuts the first requests (by start time) and says how many
t_run "--skip" 0 "$RIGOR" import -q "$FX/hey.csv" --skip 20ms -o "$T_DIR/skip.json"
python3 - "$T_DIR/skip.json" "$FX/hey.csv" > "$T_DIR/sk" <<'PY'
import csv, json, sys
r = json.load(open(sys.argv[1]))["runs"][0]
rows = list(csv.DictReader(open(sys.argv[2])))
t0 = min(float(x["offset"]) for x in rows)
keep = [x for x in rows if float(x["offset"]) >= t0 + 0.020]
ok = r["requests"] == len(keep) and r["import"]["skipped_requests"] == len(rows) - len(keep)
print("ok" if ok else "%s %s vs %d" % (r["requests"], r["import"], len(keep)))
PY
[ "$(cat "$T_DIR/sk")" = ok ] && t_ok "--skip keeps the requests started after the cut" || t_fail "--skip" "$(cat "$T_DIR/sk")"

# --unit: the same spectrum read as microseconds is 1000x smaller
t_run "--unit us" 0 "$RIGOR" import -q "$FX/latency.hgrm" --unit us -o "$T_DIR/us.json"
"$RIGOR" import -q "$FX/latency.hgrm" -o "$T_DIR/ms.json"
r=$(python3 -c 'import json,sys; a,b=(json.load(open(p))["runs"][0]["latency"]["max"] for p in sys.argv[1:]); print(round(a/b))' "$T_DIR/ms.json" "$T_DIR/us.json")
[ "$r" = 1000 ] && t_ok "--unit us scales by 1000" || t_fail "--unit" "ratio $r"

# --duration fills a window the file cannot give (ab -e has none)
t_run "--duration" 0 "$RIGOR" import -q "$FX/ab.csv" --duration 30s -o "$T_DIR/dur.json"
t_has "--duration stored" "$T_DIR/dur.json" '"duration_s": 30'
t_run "import --help" 0 "$RIGOR" import --help
t_has "help lists formats" "$T_OUT" "locust-json"
t_has "help has examples" "$T_OUT" "examples:"
t_run "help import" 0 "$RIGOR" help import
t_done
