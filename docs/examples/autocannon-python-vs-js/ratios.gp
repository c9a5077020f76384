# ratios.gp — Ratio to the baseline of every comparison, with its interval (written by rigor report; redraw: gnuplot ratios.gp)
# Target names are octal-escaped strings: labels are data, never code.
set terminal pngcairo noenhanced size 960,582 font "sans,10"
if (!exists("outfile")) outfile = 'ratios.png'
set output outfile
set grid
set datafile missing 'NaN'
set key bmargin center horizontal maxcols 2
set bmargin 9
set title "Ratio of each comparison to " . "Express (async, logs)" . "\nsingle runs: no interval\nshaded: the ±1% noise band; right: analyze's verdict"
set logscale x
set xrange [0.0932733:3.50425]
set xtics ("0.1" 0.1, "0.2" 0.2, "0.5" 0.5, "1" 1, "2" 2)
set xlabel "ratio target / baseline (log scale; 1 = the same)"
set yrange [0.3:16.5]
set y2range [0.3:16.5]
set grid noytics xtics
set key bmargin center vertical Left reverse
set bmargin 5
set tics scale 0.5
set object 1 rect from 0.99, graph 0 to 1.01, graph 1 behind fc rgb "#fff3c4" fs solid 1.0 noborder
set arrow 1000 from 1, graph 0 to 1, graph 1 nohead lc rgb "#444444" lw 1.5 front
set ytics nomirror ("Django (sync, logs)  throughput" 15, "Fastapi (sync, logs)  throughput" 14, "Fastapi (async, logs)  throughput" 13, "Express (sync, logs)  throughput" 12, "Fastify (sync, logs)  throughput" 11, "Fastify (async, logs)  throughput" 10, "Django (sync, logs)  throughput" 8, "Fastapi (sync, logs)  throughput" 7, "Fastapi (async, logs)  throughput" 6, "Express (sync, logs)  throughput" 5, "Fastify (sync, logs)  throughput" 4, "Fastify (async, logs)  throughput" 3, "Express (async, no logs)  throughput" 2, "Fastify (async, no logs)  throughput" 1)
set y2tics nomirror ("untested 0.125\303\227" 15, "untested 0.433\303\227" 14, "untested 0.523\303\227" 13, "untested 0.990\303\227" 12, "untested 1.19\303\227" 11, "untested 1.14\303\227" 10, "untested 0.121\303\227" 8, "untested 0.532\303\227" 7, "untested 0.632\303\227" 6, "untested 0.996\303\227" 5, "untested 1.15\303\227" 4, "untested 1.11\303\227" 3, "untested 1.51\303\227" 2, "untested 2.70\303\227" 1)
set label 1 "at 10 connections" at graph 0.01, first 16 left front
set arrow 1 from graph 0, first 16.5 to graph 1, first 16.5 nohead lc rgb "#bbbbbb" back
set label 2 "at 100 connections" at graph 0.01, first 9 left front
set arrow 2 from graph 0, first 9.5 to graph 1, first 9.5 nohead lc rgb "#bbbbbb" back
plot 'ratios.dat' index 0 using 2:1 with points pt 6 ps 1.1 lc rgb "#999999" title "not tested (single runs): point estimate"
