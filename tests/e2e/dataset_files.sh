#!/bin/sh
# tests/e2e/dataset_files.sh — the dataset file as several writers, the umask and links see it:
# concurrent `rigor load -o same.json` keep every run (flock + merge); new files get the umask,
# existing files keep their mode; a symbolic link as -o is refused before any load and left
# alone; `rigor run -o DIR/FILE` creates DIR; a NUL byte in a dataset is named.
. tests/e2e/lib.sh
. tests/e2e/load_lib.inc
D=$T_DIR

serve_start --threads 2

# Four writers, five runs each, at the same time: all twenty runs end up in the file.
pids=""
for w in 1 2 3 4; do
    "$RIGOR" load "$URL" -n 200 -c 2 --runs 5 --label "w$w" -q -o "$D/shared.json" \
        >"$D/w$w.out" 2>&1 &
    pids="$pids $!"
done
st=0
for p in $pids; do wait "$p" || st=1; done
t_eq "concurrent writers: all exit 0" "$st" 0
t_eq "concurrent writers: 20 runs in the file" "$(jq_py "$D/shared.json" 'len(d["runs"])')" 20
t_eq "concurrent writers: 5 runs of each" \
    "$(jq_py "$D/shared.json" 'sorted({r["target"]: sum(1 for x in d["runs"] if x["target"] == r["target"]) for r in d["runs"]}.items())')" \
    "[('w1', 5), ('w2', 5), ('w3', 5), ('w4', 5)]"
t_eq "concurrent writers: run indexes 1..5 each" \
    "$(jq_py "$D/shared.json" 'sorted(set(tuple(sorted(x["run"] for x in d["runs"] if x["target"] == t)) for t in ("w1","w2","w3","w4")))')" \
    "[(1, 2, 3, 4, 5)]"
ls -a "$D" > "$D/ls"
t_lacks "concurrent writers: no temp file left" "$D/ls" ".shared.json."

# Modes: a new dataset under umask 077 is 0600; an existing 0640 one stays 0640.
(umask 077; "$RIGOR" load "$URL" -n 20 -q -o "$D/private.json" >/dev/null 2>&1)
t_eq "umask 077: new dataset is 0600" "$(stat -c %a "$D/private.json")" 600
(umask 002; "$RIGOR" load "$URL" -n 20 -q -o "$D/group.json" >/dev/null 2>&1)
t_eq "umask 002: new dataset is 0664" "$(stat -c %a "$D/group.json")" 664
chmod 640 "$D/private.json"
(umask 022; "$RIGOR" load "$URL" -n 20 -q -o "$D/private.json" >/dev/null 2>&1)
t_eq "existing 0640 dataset keeps its mode" "$(stat -c %a "$D/private.json")" 640
t_eq "and holds both runs" "$(jq_py "$D/private.json" 'len(d["runs"])')" 2

# A symbolic link as -o: refused at once (no run spent), the link and its target untouched.
ln -s private.json "$D/link.json"
cp "$D/private.json" "$D/private.before"
t_run "load -o LINK refused" 2 "$RIGOR" load "$URL" -n 20 -q -o "$D/link.json"
t_has "load -o LINK: says it is a link" "$T_ERR" "symbolic link"
if [ -L "$D/link.json" ] && cmp -s "$D/private.json" "$D/private.before"; then
    t_ok "load -o LINK: link and target unchanged"
else
    t_fail "load -o LINK: link and target unchanged" "$(ls -la "$D")"
fi
ln -s nowhere.json "$D/dangling.json"
t_run "load -o dangling LINK refused" 2 "$RIGOR" load "$URL" -n 20 -q -o "$D/dangling.json"
t_eq "dangling link: nothing created through it" "$(ls "$D/nowhere.json" 2>/dev/null)" ""
serve_stop

# rigor run -o DIR/FILE with DIR missing: created, as --report DIR is.
P=$(t_port)
cat > "$D/plan.json" <<EOF
{"title": "t", "duration": "200ms", "runs": 1, "concurrency": [2],
 "targets": [{"name": "a", "url": "http://127.0.0.1:$P/",
              "start": "rigor serve --listen 127.0.0.1:$P -q"}]}
EOF
t_run "run -o new/dir/ds.json" 0 "$RIGOR" run "$D/plan.json" -o "$D/new/dir/ds.json" -q
t_eq "run -o new/dir/ds.json: one run saved" "$(jq_py "$D/new/dir/ds.json" 'len(d["runs"])')" 1
ln -s "$D/new/dir/ds.json" "$D/run-link.json"
t_run "run -o LINK refused" 2 "$RIGOR" run "$D/plan.json" -o "$D/run-link.json" --resume -q
t_has "run -o LINK: says it is a link" "$T_ERR" "symbolic link"

# A NUL byte inside a dataset: the message names it and where it is.
printf '{"format": "rigor-dataset",\n  "version": 1,\0 "meta": {}}\n' > "$D/nul.json"
t_run "NUL in a dataset: exit 2" 2 "$RIGOR" analyze "$D/nul.json"
t_has "NUL in a dataset: named, with its line and column" "$T_ERR" "nul.json:2:16: a NUL byte"

t_done
