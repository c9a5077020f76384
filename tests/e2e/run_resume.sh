#!/bin/sh
# tests/e2e/run_resume.sh — interrupt a plan (SIGINT) in the middle, then --resume it: the
# finished runs are kept, the servers are stopped on interrupt, and in the end every
# target x cell x run is in the dataset exactly once, complete, in the recorded order.
. "$(dirname "$0")/lib.sh"

p1=$(t_port); p2=$(t_port)
while [ "$p2" = "$p1" ]; do p2=$(t_port); done
cat >"$T_DIR/plan.json" <<EOF
{"duration": "400ms", "warmup": "0s", "runs": 3, "concurrency": [1, 3], "seed": 11,
 "targets": [
  {"name": "x", "url": "http://127.0.0.1:$p1/",
   "start": "echo \$\$ >> $T_DIR/pids; exec rigor serve --listen 127.0.0.1:$p1 --quiet"},
  {"name": "y", "url": "http://127.0.0.1:$p2/",
   "start": "echo \$\$ >> $T_DIR/pids; exec rigor serve --listen 127.0.0.1:$p2 --quiet"}]}
EOF
ds="$T_DIR/ds.json"

count_runs() {
    python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["runs"]))' "$ds" 2>/dev/null || echo 0
}

"$RIGOR" run "$T_DIR/plan.json" -o "$ds" -q >"$T_DIR/out1" 2>"$T_DIR/err1" &
rpid=$!
i=0
while [ "$(count_runs)" -lt 3 ] && [ $i -lt 300 ]; do sleep 0.05; i=$((i + 1)); done
kill -INT "$rpid"
wait "$rpid"
rc=$?
if [ "$rc" -eq 1 ]; then t_ok "interrupted run exits 1"; else t_fail "interrupted run exits 1" "got $rc"; fi
t_has "interrupt says how to continue" "$T_DIR/err1" "--resume"
n1=$(count_runs)
if [ "$n1" -ge 3 ] && [ "$n1" -lt 12 ]; then t_ok "finished runs kept ($n1 of 12)"
else t_fail "finished runs kept" "$n1 runs in the dataset"; fi
for pid in $(cat "$T_DIR/pids"); do
    if kill -0 "$pid" 2>/dev/null; then t_fail "server $pid stopped on interrupt"
    else t_ok "server $pid stopped on interrupt"; fi
done

: >"$T_DIR/pids"
t_run "resume finishes the plan" 0 "$RIGOR" run "$T_DIR/plan.json" -o "$ds" --resume -q
python3 - "$ds" <<'EOF' >"$T_DIR/check.txt" 2>&1
import json, sys, collections
ds = json.load(open(sys.argv[1]))
runs = ds["runs"]
got = [(r["target"], r["concurrency"], r["run"]) for r in runs]
rec = [(s["target"], s["concurrency"], s["run"]) for s in ds["meta"]["plan"]["sequence"]]
print("twelve", len(runs) == 12)
print("once", set(collections.Counter(got).values()) == {1} and sorted(got) == sorted(rec))
print("complete", all(r["complete"] for r in runs))
print("order", got == rec)
EOF
for k in twelve once complete order; do
    if grep -qx "$k True" "$T_DIR/check.txt"; then t_ok "after resume: $k"
    else t_fail "after resume: $k" "$(tr '\n' ' ' <"$T_DIR/check.txt")"; fi
done
for pid in $(cat "$T_DIR/pids"); do
    if kill -0 "$pid" 2>/dev/null; then t_fail "server $pid stopped after resume"
    else t_ok "server $pid stopped after resume"; fi
done

# More runs per cell later: the same plan with "runs": 4 adds a fourth round, and the
# interleaved order of the first three rounds is unchanged.
sed 's/"runs": 3/"runs": 4/' "$T_DIR/plan.json" >"$T_DIR/plan4.json"
cp "$ds" "$T_DIR/ds3.json"
t_run "resume with more runs extends the dataset" 0 "$RIGOR" run "$T_DIR/plan4.json" -o "$ds" --resume -q
python3 - "$T_DIR/ds3.json" "$ds" <<'EOF' >"$T_DIR/check4.txt" 2>&1
import json, sys, collections
old = json.load(open(sys.argv[1])); new = json.load(open(sys.argv[2]))
key = lambda r: (r["target"], r["concurrency"], r["run"])
got = [key(r) for r in new["runs"]]
seq = [key(s) for s in new["meta"]["plan"]["sequence"]]
oldseq = [key(s) for s in old["meta"]["plan"]["sequence"]]
print("sixteen", len(got) == 16 and set(collections.Counter(got).values()) == {1})
print("prefix", seq[:12] == oldseq and got[:12] == [key(r) for r in old["runs"]] and got == seq)
print("definition", new["meta"]["plan"]["definition"]["runs"] == 4)
EOF
for k in sixteen prefix definition; do
    if grep -qx "$k True" "$T_DIR/check4.txt"; then t_ok "extended: $k"
    else t_fail "extended: $k" "$(tr '\n' ' ' <"$T_DIR/check4.txt")"; fi
done
sed 's/"runs": 3/"runs": 2/' "$T_DIR/plan.json" >"$T_DIR/plan2.json"
t_run "resume with fewer runs is refused" 2 "$RIGOR" run "$T_DIR/plan2.json" -o "$ds" --resume
t_has "... with the reason" "$T_ERR" "which asks for fewer runs"

# A dataset made from another plan is not resumed.
sed 's/"seed": 11/"seed": 12/' "$T_DIR/plan.json" >"$T_DIR/other.json"
t_run "resume with another plan is refused" 2 "$RIGOR" run "$T_DIR/other.json" -o "$ds" --resume
t_has "... with the reason" "$T_ERR" "was not made from this plan"

# SIGTERM while a target is still starting: clean stop, nothing left behind.
cat >"$T_DIR/boot.json" <<EOF
{"duration": "300ms", "runs": 1, "concurrency": [1], "ready_timeout": "20s",
 "targets": [{"name": "boot", "url": "http://127.0.0.1:$p1/",
   "start": "echo \$\$ > $T_DIR/boot.pid; exec sleep 30"}]}
EOF
"$RIGOR" run "$T_DIR/boot.json" -o "$T_DIR/boot-ds.json" -q 2>"$T_DIR/err3" &
rpid=$!
i=0
while [ ! -s "$T_DIR/boot.pid" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
kill -TERM "$rpid"
wait "$rpid"
rc=$?
if [ "$rc" -eq 1 ]; then t_ok "SIGTERM during start exits 1"; else t_fail "SIGTERM during start exits 1" "got $rc"; fi
pid=$(cat "$T_DIR/boot.pid")
i=0
while kill -0 "$pid" 2>/dev/null && [ $i -lt 20 ]; do sleep 0.05; i=$((i + 1)); done
if kill -0 "$pid" 2>/dev/null; then t_fail "starting server stopped on SIGTERM" "pid $pid"
else t_ok "starting server stopped on SIGTERM"; fi

t_done
