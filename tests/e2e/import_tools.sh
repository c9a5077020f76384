#!/bin/sh
# tests/e2e/import_tools.sh — result files made here by the real tools (hey, ab, wrk, Locust,
# autocannon, JMeter; tests/fixtures/import/make_fixtures.sh) imported and checked against
# each tool's own printed summary (import_check.py says how, per tool).
. "$(dirname "$0")/lib.sh"
FX=tests/fixtures/import
imp() {  # fixture, options...
    f=$1; shift
    t_run "import $f" 0 "$RIGOR" import -q "$FX/$f" -o "$T_DIR/$f.json" "$@"
}
imp hey.csv -c 4
imp hey-503.csv
imp ab.tsv
imp ab.csv
imp wrk.txt
imp wrk-errors.txt
imp wrk-lua.json
imp locust_stats.csv
imp locust.json -c 4
imp autocannon.json
imp autocannon-503.json
imp jmeter.jtl
imp jmeter-header.jtl
imp jmeter.xml
python3 tests/e2e/import_check.py tools "$FX" "$T_DIR" > "$T_DIR/checks" 2>&1 ||
    t_fail "import_check.py ran" "$(tail -3 "$T_DIR/checks")"
while IFS='|' read -r res name why; do
    case $res in
    ok) t_ok "$name" ;;
    fail) t_fail "$name" "$why" ;;
    esac
done < "$T_DIR/checks"

# the importer's own words about what a file cannot say
t_has "hey: transport failures not in the file" "$T_DIR/hey.csv.json" "transport failures are not in the file"
t_has "wrk report: correction said" "$T_DIR/wrk.txt.json" "coordinated-omission correction"
t_has "wrk lua: correction undone" "$T_DIR/wrk-lua.json.json" "correction undone"
t_has "locust: no-response requests said" "$T_DIR/locust_stats.csv.json" "got no response"
t_has "jmeter: header-less layout said" "$T_DIR/jmeter.jtl.json" "without a header line"

# the three files of a Locust --csv set make one run
t_run "locust set: three files, one run" 0 "$RIGOR" import "$FX/locust_stats.csv" \
    "$FX/locust_stats_history.csv" "$FX/locust_failures.csv" -o "$T_DIR/set.json"
n=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["runs"]))' "$T_DIR/set.json")
[ "$n" = 1 ] && t_ok "locust set: 1 run" || t_fail "locust set: 1 run" "got $n"
t_done
