# throughput.gp — Throughput vs concurrency (written by rigor report; redraw: gnuplot throughput.gp)
# Target names are octal-escaped strings: labels are data, never code.
set terminal pngcairo noenhanced size 960,600 font "sans,10"
set output 'throughput.png'
set grid
set key outside right top
set datafile missing 'NaN'
set title "Throughput (mean of runs, 95% CI error bars)"
set ylabel "throughput (req/s)"
set xlabel "concurrency (connections)"
set yrange [0:*]
set xrange [8.4:51.6]
set xtics (10, 50)
plot 'throughput.dat' index 0 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.8 lc rgb "#1f77b4" dt 1 title "nginx", \
     'throughput.dat' index 1 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.8 lc rgb "#d62728" dt 1 title "fastapi-uvicorn", \
     'throughput.dat' index 2 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.8 lc rgb "#2ca02c" dt 1 title "rigor-serve", \
     'throughput.dat' index 3 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.8 lc rgb "#ff7f0e" dt 1 title "flask-gunicorn"
