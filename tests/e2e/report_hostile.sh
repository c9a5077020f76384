#!/bin/sh
# tests/e2e/report_hostile.sh — labels are data, never code: target names and titles built to
# break gnuplot (closing quote + system(), backquotes, macros) and Markdown (|, newline, HTML,
# `#`, backslash) come out as text, run nothing, and leave every table intact.
#
# tests/fixtures/report/hostile.json has the targets
#   x"; system("touch /tmp/rigor-pwned"); print "
#   a|b<newline>c <script>alert(1)</script> `id` $(id) @x #h \ *s* _u_ [l](u)
. tests/e2e/lib.sh
F=tests/fixtures/report
P=/tmp/rigor-pwned
rm -f "$P" 2>/dev/null
if [ -e "$P" ]; then t_fail "setup: $P exists and cannot be removed"; t_done; exit 1; fi

t_run "hostile: report exits 0" 0 \
    "$RIGOR" report "$F/hostile.json" --analysis "$F/hostile.analysis.json" -o "$T_DIR/h"
[ ! -e "$P" ] && t_ok "hostile: system() in a label ran nothing" || t_fail "hostile: $P was created"
for c in ratios throughput latency box spectrum timeseries; do
    sz=$(wc -c <"$T_DIR/h/$c.png" 2>/dev/null || echo 0)
    [ "$sz" -gt 2048 ] && t_ok "hostile: $c.png rendered" || t_fail "hostile: $c.png rendered" "$sz bytes"
done
# the raw label (with its closing quote, backquotes, @ and $) never reaches a script
bad=0
for g in "$T_DIR"/h/*.gp; do
    for s in '"; system' '`id`' '@x' '$(id)'; do
        grep -qF -- "$s" "$g" && { bad=1; echo "#   $g contains $s"; }
    done
done
[ $bad = 0 ] && t_ok "hostile: no raw label text in any .gp" || t_fail "hostile: raw label text in a .gp"
# ...and gnuplot shows the exact text: decode the octal escapes of a title and compare
want='x"; system("touch /tmp/rigor-pwned"); print "'
got=$(grep -o 'title "[^"]*system[^"]*"' "$T_DIR/h/throughput.gp" | head -1 |
      sed 's/^title "//; s/"$//' | python3 -c 'import sys,re; s=sys.stdin.read().strip(); print(re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), s))')
[ "$got" = "$want" ] && t_ok "hostile: the .gp title decodes to the exact label" \
    || t_fail "hostile: the .gp title decodes to the exact label" "got: $got"

# Markdown: every table row has as many unescaped | as its header (and 9 at most)
python3 "$F/check_tables.py" "$T_DIR/h/report.md" \
    && t_ok "hostile: every table row has its header's cell count" || t_fail "hostile: a table row is broken"
t_lacks "hostile: no raw HTML tag" "$T_DIR/h/report.md" "<script>"
t_has "hostile: HTML shown as text" "$T_DIR/h/report.md" "&lt;script&gt;"
t_has "hostile: heading escaped" "$T_DIR/h/report.md" "# Hostile \\| title \\# with"
n=$(grep -c '^# ' "$T_DIR/h/report.md")
[ "$n" -eq 1 ] && t_ok "hostile: one top-level heading (the newline in the title did not start one)" \
    || t_fail "hostile: one top-level heading" "$n"
# SVG: the labels are text inside well-formed XML (no <script> element)
t_run "hostile svg: report exits 0" 0 \
    "$RIGOR" report "$F/hostile.json" --analysis "$F/hostile.analysis.json" -o "$T_DIR/hs" --format svg
[ ! -e "$P" ] && t_ok "hostile svg: nothing ran" || t_fail "hostile svg: $P was created"
python3 - "$T_DIR"/hs/*.svg <<'PY' && t_ok "hostile svg: every SVG is well-formed XML without a script element" \
    || t_fail "hostile svg: an SVG is malformed or has a script element"
import sys, xml.dom.minidom
for f in sys.argv[1:]:
    doc = xml.dom.minidom.parse(f)
    if doc.getElementsByTagName("script"):
        for s in doc.getElementsByTagName("script"):
            if "alert" in s.toxml():
                print("#   script element in", f); sys.exit(1)
PY
rm -f "$P" 2>/dev/null
t_done
