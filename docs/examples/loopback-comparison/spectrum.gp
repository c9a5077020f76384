# spectrum.gp — Latency percentile spectrum (written by rigor report; redraw: gnuplot spectrum.gp)
# Target names are octal-escaped strings: labels are data, never code.
set terminal pngcairo noenhanced size 960,600 font "sans,10"
set output 'spectrum.png'
set grid
set key outside right top
set datafile missing 'NaN'
set title "Latency by percentile at concurrency 50 (all runs merged)"
set logscale x
set xrange [1:1e+07]
set xlabel "percentile"
set ylabel "latency (ms)"
set yrange [0:*]
set key top left inside
set xtics ("0%%" 1, "90%%" 10, "99%%" 100, "99.9%%" 1000, "99.99%%" 10000, "99.999%%" 100000, "99.9999%%" 1e+06, "99.99999%%" 1e+07)
plot 'spectrum.dat' index 0 using 1:2 with lines lw 2 lc rgb "#1f77b4" dt 1 title "nginx", \
     'spectrum.dat' index 1 using 1:2 with lines lw 2 lc rgb "#d62728" dt 1 title "fastapi-uvicorn", \
     'spectrum.dat' index 2 using 1:2 with lines lw 2 lc rgb "#2ca02c" dt 1 title "rigor-serve", \
     'spectrum.dat' index 3 using 1:2 with lines lw 2 lc rgb "#ff7f0e" dt 1 title "flask-gunicorn"
