# ratios.gp — Ratio to the baseline of every comparison, with its interval (written by rigor report; redraw: gnuplot ratios.gp)
# Target names are octal-escaped strings: labels are data, never code.
set terminal pngcairo noenhanced size 960,670 font "sans,10"
if (!exists("outfile")) outfile = 'ratios.png'
set output outfile
set grid
set datafile missing 'NaN'
set key outside right top
set title "Ratio of each comparison to " . "nginx" . "\nbars: its CI at the level the verdict used (99.68% to 99.88%)\nshaded: the ±1% noise band; right: analyze's verdict"
set logscale x
set xrange [0.0118764:92.3049]
set xtics ("0.02" 0.02, "0.05" 0.05, "0.1" 0.1, "0.2" 0.2, "0.5" 0.5, "1" 1, "2" 2, "5" 5, "10" 10, "20" 20, "50" 50)
set xlabel "ratio target / baseline (log scale; 1 = the same)"
set yrange [0.3:20.5]
set y2range [0.3:20.5]
set grid noytics xtics
set key bmargin center vertical Left reverse
set bmargin 6
set tics scale 0.5
set object 1 rect from 0.99, graph 0 to 1.01, graph 1 behind fc rgb "#fff3c4" fs solid 1.0 noborder
set arrow 1000 from 1, graph 0 to 1, graph 1 nohead lc rgb "#444444" lw 1.5 front
set ytics nomirror ("fastapi-uvicorn  throughput" 19, "fastapi-uvicorn  p50" 18, "fastapi-uvicorn  p99" 17, "rigor-serve  throughput" 16, "rigor-serve  p50" 15, "rigor-serve  p99" 14, "flask-gunicorn  throughput" 13, "flask-gunicorn  p50" 12, "flask-gunicorn  p99" 11, "fastapi-uvicorn  throughput" 9, "fastapi-uvicorn  p50" 8, "fastapi-uvicorn  p99" 7, "rigor-serve  throughput" 6, "rigor-serve  p50" 5, "rigor-serve  p99" 4, "flask-gunicorn  throughput" 3, "flask-gunicorn  p50" 2, "flask-gunicorn  p99" 1)
set y2tics nomirror ("slower 0.147\303\227" 19, "worse 7.06\303\227" 18, "worse 7.37\303\227" 17, "\176 1.15\303\227" 16, "\176 0.858\303\227" 15, "\176 1.03\303\227" 14, "slower 0.0225\303\227" 13, "worse 47.1\303\227" 12, "worse 37.8\303\227" 11, "slower 0.198\303\227" 9, "worse 4.92\303\227" 8, "worse 6.38\303\227" 7, "\176 1.24\303\227" 6, "\176 0.795\303\227" 5, "\176 0.939\303\227" 4, "slower 0.0243\303\227" 3, "worse 42.7\303\227" 2, "worse 31.2\303\227" 1)
set label 1 "at 10 connections" at graph 0.01, first 20 left front
set arrow 1 from graph 0, first 20.5 to graph 1, first 20.5 nohead lc rgb "#bbbbbb" back
set label 2 "at 50 connections" at graph 0.01, first 10 left front
set arrow 2 from graph 0, first 10.5 to graph 1, first 10.5 nohead lc rgb "#bbbbbb" back
plot 'ratios.dat' index 0 using 2:1:3:4 with xerrorbars pt 7 ps 1.1 lw 2 lc rgb "#d62728" title "proven against the target (slower, higher latency)", \
     'ratios.dat' index 1 using 2:1:3:4 with xerrorbars pt 6 ps 1.1 lw 1.5 lc rgb "#666666" title "no proven difference (~)"
