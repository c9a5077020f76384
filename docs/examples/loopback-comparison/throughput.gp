# throughput.gp — Throughput vs concurrency (written by rigor report; redraw: gnuplot throughput.gp)
# Target names are octal-escaped strings: labels are data, never code.
set terminal pngcairo noenhanced size 960,600 font "sans,10"
if (!exists("outfile")) outfile = 'throughput.png'
set output outfile
set grid
set datafile missing 'NaN'
set key outside right top
set title "Throughput (mean of runs, 95% CI error bars)"
set logscale y
set yrange [1949.85:195057]
set ytics ("2000" 2000, "5000" 5000, "10k" 10000, "20k" 20000, "50k" 50000, "100k" 100000)
set ylabel "throughput (req/s), log scale"
set xlabel "concurrency (connections)"
set xrange [8.4:51.6]
set xtics (10, 50)
plot 'throughput.dat' index 0 using ($1-0.7776):2:3:4 with yerrorlines lw 2 pt 7 ps 0.8 lc rgb "#1f77b4" dt 1 title "nginx", \
     'throughput.dat' index 1 using ($1-0.2592):2:3:4 with yerrorlines lw 2 pt 7 ps 0.8 lc rgb "#d62728" dt 1 title "fastapi-uvicorn", \
     'throughput.dat' index 2 using ($1+0.2592):2:3:4 with yerrorlines lw 2 pt 7 ps 0.8 lc rgb "#2ca02c" dt 1 title "rigor-serve", \
     'throughput.dat' index 3 using ($1+0.7776):2:3:4 with yerrorlines lw 2 pt 7 ps 0.8 lc rgb "#ff7f0e" dt 1 title "flask-gunicorn"
