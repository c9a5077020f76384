# timeseries.gp — Throughput and p99 over time within runs (written by rigor report; redraw: gnuplot timeseries.gp)
# Target names are octal-escaped strings: labels are data, never code.
set terminal pngcairo noenhanced size 960,600 font "sans,10"
set output 'timeseries.png'
set grid
set key outside right top
set datafile missing 'NaN'
set multiplot layout 2,1 title "Per-second figures within each run at concurrency 50"
set xlabel "second of the run"
set xtics 1
set ylabel "throughput (req/s)"
set yrange [0:*]
plot 'timeseries.dat' index 0 using 1:2 with linespoints pt 7 ps 0.5 lw 1.5 lc rgb "#1f77b4" dt 1 title "nginx", \
     'timeseries.dat' index 1 using 1:2 with linespoints pt 7 ps 0.5 lw 1.5 lc rgb "#1f77b4" dt 1 notitle, \
     'timeseries.dat' index 2 using 1:2 with linespoints pt 7 ps 0.5 lw 1.5 lc rgb "#1f77b4" dt 1 notitle, \
     'timeseries.dat' index 3 using 1:2 with linespoints pt 7 ps 0.5 lw 1.5 lc rgb "#1f77b4" dt 1 notitle, \
     'timeseries.dat' index 4 using 1:2 with linespoints pt 7 ps 0.5 lw 1.5 lc rgb "#1f77b4" dt 1 notitle, \
     'timeseries.dat' index 5 using 1:2 with linespoints pt 7 ps 0.5 lw 1.5 lc rgb "#d62728" dt 1 title "fastapi-uvicorn", \
     'timeseries.dat' index 6 using 1:2 with linespoints pt 7 ps 0.5 lw 1.5 lc rgb "#d62728" dt 1 notitle, \
     'timeseries.dat' index 7 using 1:2 with linespoints pt 7 ps 0.5 lw 1.5 lc rgb "#d62728" dt 1 notitle, \
     'timeseries.dat' index 8 using 1:2 with linespoints pt 7 ps 0.5 lw 1.5 lc rgb "#d62728" dt 1 notitle, \
     'timeseries.dat' index 9 using 1:2 with linespoints pt 7 ps 0.5 lw 1.5 lc rgb "#d62728" dt 1 notitle, \
     'timeseries.dat' index 10 using 1:2 with linespoints pt 7 ps 0.5 lw 1.5 lc rgb "#2ca02c" dt 1 title "rigor-serve", \
     'timeseries.dat' index 11 using 1:2 with linespoints pt 7 ps 0.5 lw 1.5 lc rgb "#2ca02c" dt 1 notitle, \
     'timeseries.dat' index 12 using 1:2 with linespoints pt 7 ps 0.5 lw 1.5 lc rgb "#2ca02c" dt 1 notitle, \
     'timeseries.dat' index 13 using 1:2 with linespoints pt 7 ps 0.5 lw 1.5 lc rgb "#2ca02c" dt 1 notitle, \
     'timeseries.dat' index 14 using 1:2 with linespoints pt 7 ps 0.5 lw 1.5 lc rgb "#2ca02c" dt 1 notitle, \
     'timeseries.dat' index 15 using 1:2 with linespoints pt 7 ps 0.5 lw 1.5 lc rgb "#ff7f0e" dt 1 title "flask-gunicorn", \
     'timeseries.dat' index 16 using 1:2 with linespoints pt 7 ps 0.5 lw 1.5 lc rgb "#ff7f0e" dt 1 notitle, \
     'timeseries.dat' index 17 using 1:2 with linespoints pt 7 ps 0.5 lw 1.5 lc rgb "#ff7f0e" dt 1 notitle, \
     'timeseries.dat' index 18 using 1:2 with linespoints pt 7 ps 0.5 lw 1.5 lc rgb "#ff7f0e" dt 1 notitle, \
     'timeseries.dat' index 19 using 1:2 with linespoints pt 7 ps 0.5 lw 1.5 lc rgb "#ff7f0e" dt 1 notitle
set ylabel "p99 latency (ms)"
plot 'timeseries.dat' index 0 using 1:3 with linespoints pt 7 ps 0.5 lw 1.5 lc rgb "#1f77b4" dt 1 title "nginx", \
     'timeseries.dat' index 1 using 1:3 with linespoints pt 7 ps 0.5 lw 1.5 lc rgb "#1f77b4" dt 1 notitle, \
     'timeseries.dat' index 2 using 1:3 with linespoints pt 7 ps 0.5 lw 1.5 lc rgb "#1f77b4" dt 1 notitle, \
     'timeseries.dat' index 3 using 1:3 with linespoints pt 7 ps 0.5 lw 1.5 lc rgb "#1f77b4" dt 1 notitle, \
     'timeseries.dat' index 4 using 1:3 with linespoints pt 7 ps 0.5 lw 1.5 lc rgb "#1f77b4" dt 1 notitle, \
     'timeseries.dat' index 5 using 1:3 with linespoints pt 7 ps 0.5 lw 1.5 lc rgb "#d62728" dt 1 title "fastapi-uvicorn", \
     'timeseries.dat' index 6 using 1:3 with linespoints pt 7 ps 0.5 lw 1.5 lc rgb "#d62728" dt 1 notitle, \
     'timeseries.dat' index 7 using 1:3 with linespoints pt 7 ps 0.5 lw 1.5 lc rgb "#d62728" dt 1 notitle, \
     'timeseries.dat' index 8 using 1:3 with linespoints pt 7 ps 0.5 lw 1.5 lc rgb "#d62728" dt 1 notitle, \
     'timeseries.dat' index 9 using 1:3 with linespoints pt 7 ps 0.5 lw 1.5 lc rgb "#d62728" dt 1 notitle, \
     'timeseries.dat' index 10 using 1:3 with linespoints pt 7 ps 0.5 lw 1.5 lc rgb "#2ca02c" dt 1 title "rigor-serve", \
     'timeseries.dat' index 11 using 1:3 with linespoints pt 7 ps 0.5 lw 1.5 lc rgb "#2ca02c" dt 1 notitle, \
     'timeseries.dat' index 12 using 1:3 with linespoints pt 7 ps 0.5 lw 1.5 lc rgb "#2ca02c" dt 1 notitle, \
     'timeseries.dat' index 13 using 1:3 with linespoints pt 7 ps 0.5 lw 1.5 lc rgb "#2ca02c" dt 1 notitle, \
     'timeseries.dat' index 14 using 1:3 with linespoints pt 7 ps 0.5 lw 1.5 lc rgb "#2ca02c" dt 1 notitle, \
     'timeseries.dat' index 15 using 1:3 with linespoints pt 7 ps 0.5 lw 1.5 lc rgb "#ff7f0e" dt 1 title "flask-gunicorn", \
     'timeseries.dat' index 16 using 1:3 with linespoints pt 7 ps 0.5 lw 1.5 lc rgb "#ff7f0e" dt 1 notitle, \
     'timeseries.dat' index 17 using 1:3 with linespoints pt 7 ps 0.5 lw 1.5 lc rgb "#ff7f0e" dt 1 notitle, \
     'timeseries.dat' index 18 using 1:3 with linespoints pt 7 ps 0.5 lw 1.5 lc rgb "#ff7f0e" dt 1 notitle, \
     'timeseries.dat' index 19 using 1:3 with linespoints pt 7 ps 0.5 lw 1.5 lc rgb "#ff7f0e" dt 1 notitle
unset multiplot
