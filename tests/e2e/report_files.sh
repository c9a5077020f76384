#!/bin/sh
# tests/e2e/report_files.sh — what `rigor report` does to the files around it: a symbolic link
# planted in the output directory (report.md or a script -> a victim, box.png -> a victim, a
# dangling one) is refused and left alone — never written through, never followed to create
# its target — as rg_write_atomic does for every file rigor writes (core/io.h), also for the
# PNGs gnuplot draws; files get the user's umask; gnuplot's private drawing directory is gone
# afterwards. And the time series of 1.5 s runs: the half second at the end is plotted at its
# own rate, not as a drop to half.
. tests/e2e/lib.sh
F=tests/fixtures/report

# plant DIR NAME: NAME in DIR is a symlink to $T_DIR/victim-NAME, which holds "precious NAME"
plant() {
    mkdir -p "$1"
    echo "precious $2" >"$T_DIR/victim-$2"
    ln -s "$T_DIR/victim-$2" "$1/$2"
}
# intact NAME...: every victim still holds what it held
intact() {
    for f in "$@"; do
        [ "$(cat "$T_DIR/victim-$f")" = "precious $f" ] || { echo "#   victim of $f changed"; return 1; }
    done
}

# a link as report.md: refused before anything is written
O="$T_DIR/md"
plant "$O" report.md
t_run "symlink report.md: exit 1" 1 \
    "$RIGOR" report "$F/small.json" --analysis "$F/small.analysis.json" -o "$O" -q
t_has "symlink report.md: the message says why" "$T_ERR" "it is a symbolic link"
intact report.md && [ -L "$O/report.md" ] && t_ok "symlink report.md: not written through, left alone" \
    || t_fail "symlink report.md: not written through, left alone"

# a link as a script: refused
O="$T_DIR/gp"
plant "$O" throughput.gp
t_run "symlink throughput.gp: exit 1" 1 \
    "$RIGOR" report "$F/small.json" --analysis "$F/small.analysis.json" -o "$O" -q
intact throughput.gp && t_ok "symlink throughput.gp: not written through" \
    || t_fail "symlink throughput.gp: not written through"

# links as charts: gnuplot draws elsewhere; the link is refused, the other charts published
O="$T_DIR/png"
plant "$O" box.png
ln -s "$T_DIR/created-through-spectrum" "$O/spectrum.png"
t_run "symlink box.png: exit 1 (a chart could not be placed)" 1 \
    "$RIGOR" report "$F/small.json" --analysis "$F/small.analysis.json" -o "$O" -q
t_has "symlink box.png: the message names the link" "$T_ERR" "box.png': it is a symbolic link"
intact box.png && t_ok "symlink box.png: gnuplot never wrote through it" \
    || t_fail "symlink box.png: gnuplot never wrote through it"
[ -L "$O/box.png" ] && t_ok "symlink box.png: left alone" || t_fail "symlink box.png: left alone"
[ ! -e "$T_DIR/created-through-spectrum" ] \
    && t_ok "symlink spectrum.png: a dangling link is not followed to create its target" \
    || t_fail "symlink spectrum.png: a dangling link is not followed to create its target"
sig=$(head -c 4 "$O/ratios.png" | od -An -c | tr -d ' ')
[ "$sig" = '211PNG' ] && [ ! -L "$O/ratios.png" ] && t_ok "symlinks: the other charts are drawn" \
    || t_fail "symlinks: the other charts are drawn" "$sig"
n=$(ls -A "$O" | grep -c '^\.')
[ "$n" -eq 0 ] && t_ok "no private drawing directory or temporary file left behind" \
    || t_fail "no private drawing directory or temporary file left behind" "$(ls -A "$O")"

# a rerun over an existing chart keeps its mode, as a rewritten dataset does
O="$T_DIR/again"
"$RIGOR" report "$F/small.json" --analysis "$F/small.analysis.json" -o "$O" -q
chmod 600 "$O/box.png"
"$RIGOR" report "$F/small.json" --analysis "$F/small.analysis.json" -o "$O" -q
t_eq() { [ "$2" = "$3" ] && t_ok "$1" || t_fail "$1" "got '$2', expected '$3'"; }
t_eq "rerun: an existing chart keeps its mode (0600)" "$(stat -c %a "$O/box.png")" 600

# umask: every file the report writes (Markdown, scripts, data, PNGs) and the directory
for u in 027 022; do
    d="$T_DIR/umask$u"
    (umask $u && "$RIGOR" report "$F/small.json" --analysis "$F/small.analysis.json" -o "$d/sub" -q)
    want=$(printf '%o' $((0666 & ~0$u)))
    wantd=$(printf '%o' $((0777 & ~0$u)))
    bad=""
    for f in report.md ratios.gp ratios.dat ratios.png timeseries.png; do
        m=$(stat -c %a "$d/sub/$f" 2>/dev/null)
        [ "$m" = "$want" ] || bad="$bad $f:$m"
    done
    [ -z "$bad" ] && t_ok "umask $u: files are $want" || t_fail "umask $u: files are $want" "$bad"
    m=$(stat -c %a "$d/sub")
    [ "$m" = "$wantd" ] && t_ok "umask $u: the directory is $wantd" || t_fail "umask $u: the directory is $wantd" "$m"
done

# a 1.5 s run: second 2 holds half a second of requests at the same rate
t_run "short runs: report exits 0" 0 "$RIGOR" report "$F/short.json" -o "$T_DIR/short" -q
python3 - "$T_DIR/short/timeseries.dat" <<'PY' && t_ok "short runs: the last half second shows no drop (plotted at its rate)" \
    || t_fail "short runs: the last half second shows no drop (plotted at its rate)"
import sys
blocks = [b for b in open(sys.argv[1]).read().split("\n\n\n") if b.strip()]
ok = len(blocks) == 2
for b in blocks:
    rows = [[float(x) for x in l.split()] for l in b.splitlines() if l and not l.startswith("#")]
    print("#   " + "; ".join("t=%g median %g (min %g, max %g)" % tuple(r[:4]) for r in rows))
    # two intervals: [0, 1] at its midpoint 0.5 and [1, 1.5] at 1.25, both at the steady rate
    ok = ok and len(rows) == 2 and rows[0][0] == 0.5 and rows[1][0] == 1.25
    ok = ok and abs(rows[1][1] / rows[0][1] - 1) < 0.01
sys.exit(0 if ok else 1)
PY
t_has "short runs: the chart says the median and band" "$T_DIR/short/timeseries.gp" "median across runs, band = slowest to fastest run"
t_has "short runs: the band is drawn" "$T_DIR/short/timeseries.gp" "with filledcurves"
sig=$(head -c 4 "$T_DIR/short/timeseries.png" | od -An -c | tr -d ' ')
[ "$sig" = '211PNG' ] && t_ok "short runs: timeseries.png drawn" || t_fail "short runs: timeseries.png drawn" "$sig"
# two panels with different axes: throughput over 10x apart (log), p99 alike (linear) — the
# second panel must not inherit the first one's log axis (gnuplot refuses [0:*] on it)
python3 - "$F/short.json" "$T_DIR/short-wide.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for r in d["runs"]:
    if r["target"] == "steady-2x":
        r["timeseries"]["requests"] = [x * 20 for x in r["timeseries"]["requests"]]
        r["requests"] *= 20
        r["throughput_rps"] *= 20
json.dump(d, open(sys.argv[2], "w"))
PY
t_run "two panels, log then linear: report exits 0" 0 "$RIGOR" report "$T_DIR/short-wide.json" -o "$T_DIR/wide" -q
t_has "two panels: the throughput panel is logarithmic" "$T_DIR/wide/timeseries.gp" "set logscale y"
t_has "two panels: the p99 panel is linear again" "$T_DIR/wide/timeseries.gp" "unset logscale y"
sig=$(head -c 4 "$T_DIR/wide/timeseries.png" 2>/dev/null | od -An -c | tr -d ' ')
[ "$sig" = '211PNG' ] && t_ok "two panels: timeseries.png drawn" || t_fail "two panels: timeseries.png drawn" "$sig"

# runs shorter than a quarter of a second (rigor load -n 2000 on loopback): no interval to plot,
# so no time series chart — and the report is still written (gnuplot refused an empty x range)
python3 - "$F/short.json" "$T_DIR/tiny.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for r in d["runs"]:
    r["duration_s"] = 0.04
    r["timeseries"] = {k: v[:1] for k, v in r["timeseries"].items()}
json.dump(d, open(sys.argv[2], "w"))
PY
t_run "runs of 40 ms: report exits 0" 0 "$RIGOR" report "$T_DIR/tiny.json" -o "$T_DIR/tiny" -q
[ ! -e "$T_DIR/tiny/timeseries.png" ] && t_ok "runs of 40 ms: no time series chart" ||
    t_fail "runs of 40 ms: no time series chart"
t_has "runs of 40 ms: the other charts are there" "$T_DIR/tiny/report.md" "throughput.png"
t_done
