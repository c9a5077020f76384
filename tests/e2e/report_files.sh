#!/bin/sh
# tests/e2e/report_files.sh — what `rigor report` does to the files around it: a symlink planted
# in the output directory (box.png -> a victim, report.md -> another, a dangling one) is
# replaced, never written through, also for the PNGs gnuplot draws; files get the user's umask;
# gnuplot's private drawing directory is gone afterwards. And the time series of 1.5 s runs:
# the half second at the end is plotted at its own rate, not as a drop to half.
. tests/e2e/lib.sh
F=tests/fixtures/report

# symlinks: to existing files (must stay untouched) and dangling ones (must not be created)
O="$T_DIR/sym"
mkdir -p "$O"
for f in box.png ratios.png report.md throughput.gp throughput.dat; do
    echo "precious $f" >"$T_DIR/victim-$f"
    ln -s "$T_DIR/victim-$f" "$O/$f"
done
ln -s "$T_DIR/created-through-spectrum" "$O/spectrum.png"
ln -s "$T_DIR/created-through-latency" "$O/latency.gp"
t_run "symlinks: report exits 0" 0 \
    "$RIGOR" report "$F/small.json" --analysis "$F/small.analysis.json" -o "$O" -q
same=1
for f in box.png ratios.png report.md throughput.gp throughput.dat; do
    [ "$(cat "$T_DIR/victim-$f")" = "precious $f" ] || { same=0; echo "#   victim of $f changed"; }
done
[ $same = 1 ] && t_ok "symlinks: no file written through a planted symlink" \
    || t_fail "symlinks: no file written through a planted symlink"
[ ! -e "$T_DIR/created-through-spectrum" ] && [ ! -e "$T_DIR/created-through-latency" ] \
    && t_ok "symlinks: a dangling symlink is not followed to create its target" \
    || t_fail "symlinks: a dangling symlink is not followed to create its target"
ok=1
for f in box.png ratios.png spectrum.png report.md throughput.gp latency.gp; do
    { [ -f "$O/$f" ] && [ ! -L "$O/$f" ]; } || { ok=0; echo "#   $f is not a regular file"; }
done
[ $ok = 1 ] && t_ok "symlinks: replaced by the report's own regular files" \
    || t_fail "symlinks: replaced by the report's own regular files"
sig=$(head -c 4 "$O/box.png" | od -An -c | tr -d ' ')
[ "$sig" = '211PNG' ] && t_ok "symlinks: box.png is the drawn chart" || t_fail "symlinks: box.png is the drawn chart" "$sig"
n=$(ls -A "$O" | grep -c '^\.rigor-render\.')
[ "$n" -eq 0 ] && t_ok "no private drawing directory left behind" || t_fail "no private drawing directory left" "$n"
n=$(ls -A "$O" | grep -c '^\.')
[ "$n" -eq 0 ] && t_ok "no temporary file left behind" || t_fail "no temporary file left behind" "$(ls -A "$O")"

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
t_done
