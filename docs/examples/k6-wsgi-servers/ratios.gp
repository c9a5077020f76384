# ratios.gp — Ratio to the baseline of every comparison, with its interval (written by rigor report; redraw: gnuplot ratios.gp)
# Target names are octal-escaped strings: labels are data, never code.
set terminal pngcairo noenhanced size 960,360 font "sans,10"
if (!exists("outfile")) outfile = 'ratios.png'
set output outfile
set grid
set datafile missing 'NaN'
set key bmargin center horizontal maxcols 2
set bmargin 7
set title "Ratio of each comparison to " . "Flask with Gunicorn" . "\nsingle runs: no interval\nshaded: the ±1% noise band; right: analyze's verdict"
set logscale x
set xrange [0.04662:19.5]
set xtics ("0.05" 0.05, "0.1" 0.1, "0.2" 0.2, "0.5" 0.5, "1" 1, "2" 2, "5" 5, "10" 10)
set xlabel "ratio target / baseline (log scale; 1 = the same)"
set yrange [0.3:5.5]
set y2range [0.3:5.5]
set grid noytics xtics
set key bmargin center vertical Left reverse
set bmargin 5
set tics scale 0.5
set object 1 rect from 0.99, graph 0 to 1.01, graph 1 behind fc rgb "#fff3c4" fs solid 1.0 noborder
set arrow 1000 from 1, graph 0 to 1, graph 1 nohead lc rgb "#444444" lw 1.5 front
set ytics nomirror (".NET with Kestrel  throughput" 4, "Flask Development Server  throughput" 3, "FastAPI with Uvicorn  throughput" 2, "Flask with Waitress  throughput" 1)
set y2tics nomirror ("untested 15.0\303\227" 4, "untested 8.18\303\227" 3, "untested 2.48\303\227" 2, "untested 0.0606\303\227" 1)
set label 1 "at 500 connections" at graph 0.01, first 5 left front
set arrow 1 from graph 0, first 5.5 to graph 1, first 5.5 nohead lc rgb "#bbbbbb" back
plot 'ratios.dat' index 0 using 2:1 with points pt 6 ps 1.1 lc rgb "#999999" title "not tested (single runs): point estimate"
