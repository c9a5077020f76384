# timeseries.gp — Throughput and p99 over time within runs (written by rigor report; redraw: gnuplot timeseries.gp)
# Target names are octal-escaped strings: labels are data, never code.
set terminal pngcairo noenhanced size 960,600 font "sans,10"
if (!exists("outfile")) outfile = 'timeseries.png'
set output outfile
set grid
set datafile missing 'NaN'
set key outside right top
set multiplot layout 2,1 title "Per-second figures within the runs at concurrency 50: median across runs, band = slowest to fastest run"
set xrange [0:3]
set xtics 0.5
set logscale y
set yrange [1947.2:204200]
set ytics ("2000" 2000, "5000" 5000, "10k" 10000, "20k" 20000, "50k" 50000, "100k" 100000, "200k" 200000)
set ylabel "throughput (req/s, log scale)"
plot 'timeseries.dat' index 0 using 1:3:4 with filledcurves fs transparent solid 0.18 noborder lc rgb "#1f77b4" dt 1 notitle, \
     'timeseries.dat' index 0 using 1:2 with linespoints pt 7 ps 0.6 lw 2 lc rgb "#1f77b4" dt 1 title "nginx", \
     'timeseries.dat' index 1 using 1:3:4 with filledcurves fs transparent solid 0.18 noborder lc rgb "#d62728" dt 1 notitle, \
     'timeseries.dat' index 1 using 1:2 with linespoints pt 7 ps 0.6 lw 2 lc rgb "#d62728" dt 1 title "fastapi-uvicorn", \
     'timeseries.dat' index 2 using 1:3:4 with filledcurves fs transparent solid 0.18 noborder lc rgb "#2ca02c" dt 1 notitle, \
     'timeseries.dat' index 2 using 1:2 with linespoints pt 7 ps 0.6 lw 2 lc rgb "#2ca02c" dt 1 title "rigor-serve", \
     'timeseries.dat' index 3 using 1:3:4 with filledcurves fs transparent solid 0.18 noborder lc rgb "#ff7f0e" dt 1 notitle, \
     'timeseries.dat' index 3 using 1:2 with linespoints pt 7 ps 0.6 lw 2 lc rgb "#ff7f0e" dt 1 title "flask-gunicorn"
set logscale y
set yrange [0.4664:51.8387]
set ytics ("0.5" 0.5, "1" 1, "2" 2, "5" 5, "10" 10, "20" 20, "50" 50)
set ylabel "p99 latency (ms, log scale)"
set xlabel "time in the run (s; each interval at its midpoint, a last partial one at its own rate)"
plot 'timeseries.dat' index 0 using 1:6:7 with filledcurves fs transparent solid 0.18 noborder lc rgb "#1f77b4" dt 1 notitle, \
     'timeseries.dat' index 0 using 1:5 with linespoints pt 7 ps 0.6 lw 2 lc rgb "#1f77b4" dt 1 title "nginx", \
     'timeseries.dat' index 1 using 1:6:7 with filledcurves fs transparent solid 0.18 noborder lc rgb "#d62728" dt 1 notitle, \
     'timeseries.dat' index 1 using 1:5 with linespoints pt 7 ps 0.6 lw 2 lc rgb "#d62728" dt 1 title "fastapi-uvicorn", \
     'timeseries.dat' index 2 using 1:6:7 with filledcurves fs transparent solid 0.18 noborder lc rgb "#2ca02c" dt 1 notitle, \
     'timeseries.dat' index 2 using 1:5 with linespoints pt 7 ps 0.6 lw 2 lc rgb "#2ca02c" dt 1 title "rigor-serve", \
     'timeseries.dat' index 3 using 1:6:7 with filledcurves fs transparent solid 0.18 noborder lc rgb "#ff7f0e" dt 1 notitle, \
     'timeseries.dat' index 3 using 1:5 with linespoints pt 7 ps 0.6 lw 2 lc rgb "#ff7f0e" dt 1 title "flask-gunicorn"
unset multiplot
