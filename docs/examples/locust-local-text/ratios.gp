# ratios.gp — Ratio to the baseline of every comparison, with its interval (written by rigor report; redraw: gnuplot ratios.gp)
# Target names are octal-escaped strings: labels are data, never code.
set terminal pngcairo noenhanced size 960,560 font "sans,10"
if (!exists("outfile")) outfile = 'ratios.png'
set output outfile
set grid
set datafile missing 'NaN'
set key outside right top
set title "Ratio of each comparison to " . "Flask" . "\nsingle runs: no interval\nshaded: the ±1% noise band; right: analyze's verdict"
set logscale x
set xrange [0.0699301:2.75195]
set xtics ("0.1" 0.1, "0.2" 0.2, "0.5" 0.5, "1" 1, "2" 2)
set xlabel "ratio target / baseline (log scale; 1 = the same)"
set yrange [0.3:15.5]
set y2range [0.3:15.5]
set grid noytics xtics
set key bmargin center vertical Left reverse
set bmargin 5
set tics scale 0.5
set object 1 rect from 0.99, graph 0 to 1.01, graph 1 behind fc rgb "#fff3c4" fs solid 1.0 noborder
set arrow 1000 from 1, graph 0 to 1, graph 1 nohead lc rgb "#444444" lw 1.5 front
set ytics nomirror ("aiohttp  throughput" 14, "aiohttp  p50" 13, "Bottle  throughput" 12, "Bottle  p50" 11, "Japronto  throughput" 10, "Japronto  p50" 9, "Pyramid  throughput" 8, "Pyramid  p50" 7, "Sanic  throughput" 6, "Sanic  p50" 5, "Starlette  throughput" 4, "Starlette  p50" 3, "Tornado  throughput" 2, "Tornado  p50" 1)
set y2tics nomirror ("untested 1.22\303\227" 14, "untested 0.195\303\227" 13, "untested 0.958\303\227" 12, "untested 2.12\303\227" 11, "untested 1.26\303\227" 10, "untested 0.0909\303\227" 9, "untested 1.07\303\227" 8, "untested 0.896\303\227" 7, "untested 0.866\303\227" 6, "untested 1.43\303\227" 5, "untested 0.908\303\227" 4, "untested 1.69\303\227" 3, "untested 1.24\303\227" 2, "untested 0.130\303\227" 1)
set label 1 "at 4000 connections" at graph 0.01, first 15 left front
set arrow 1 from graph 0, first 15.5 to graph 1, first 15.5 nohead lc rgb "#bbbbbb" back
plot 'ratios.dat' index 0 using 2:1 with points pt 6 ps 1.1 lc rgb "#999999" title "not tested (single runs): point estimate"
