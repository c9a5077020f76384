# latency.gp — Latency vs concurrency (written by rigor report; redraw: gnuplot latency.gp)
# Target names are octal-escaped strings: labels are data, never code.
set terminal pngcairo noenhanced size 960,600 font "sans,10"
if (!exists("outfile")) outfile = 'latency.png'
set output outfile
set grid
set datafile missing 'NaN'
set key outside right top
set title "Latency p50 (dashed) and p99 (solid) (mean of runs, 95% CI error bars)"
set key outside right top
set logscale y
set yrange [0.0502507:34.5672]
set ytics ("0.1" 0.1, "0.2" 0.2, "0.5" 0.5, "1" 1, "2" 2, "5" 5, "10" 10, "20" 20)
set ylabel "latency (ms), log scale"
set xlabel "concurrency (connections)"
set xrange [8.4:51.6]
set xtics (10, 50)
plot 'latency.dat' index 0 using ($1-0.7776):2:3:4 with yerrorlines lw 2 pt 7 ps 0.8 lc rgb "#1f77b4" dt 2 title "nginx p50", \
     'latency.dat' index 1 using ($1-0.2592):2:3:4 with yerrorlines lw 2 pt 7 ps 0.8 lc rgb "#d62728" dt 2 title "fastapi-uvicorn p50", \
     'latency.dat' index 2 using ($1+0.2592):2:3:4 with yerrorlines lw 2 pt 7 ps 0.8 lc rgb "#2ca02c" dt 2 title "rigor-serve p50", \
     'latency.dat' index 3 using ($1+0.7776):2:3:4 with yerrorlines lw 2 pt 7 ps 0.8 lc rgb "#ff7f0e" dt 2 title "flask-gunicorn p50", \
     'latency.dat' index 4 using ($1-0.7776):2:3:4 with yerrorlines lw 2 pt 7 ps 0.8 lc rgb "#1f77b4" dt 1 title "nginx p99", \
     'latency.dat' index 5 using ($1-0.2592):2:3:4 with yerrorlines lw 2 pt 7 ps 0.8 lc rgb "#d62728" dt 1 title "fastapi-uvicorn p99", \
     'latency.dat' index 6 using ($1+0.2592):2:3:4 with yerrorlines lw 2 pt 7 ps 0.8 lc rgb "#2ca02c" dt 1 title "rigor-serve p99", \
     'latency.dat' index 7 using ($1+0.7776):2:3:4 with yerrorlines lw 2 pt 7 ps 0.8 lc rgb "#ff7f0e" dt 1 title "flask-gunicorn p99"
