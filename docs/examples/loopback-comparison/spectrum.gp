# spectrum.gp — Latency percentile spectrum (written by rigor report; redraw: gnuplot spectrum.gp)
# Target names are octal-escaped strings: labels are data, never code.
set terminal pngcairo noenhanced size 960,600 font "sans,10"
if (!exists("outfile")) outfile = 'spectrum.png'
set output outfile
set grid
set datafile missing 'NaN'
set key outside right top
set title "Latency by percentile at concurrency 50 (all runs merged)"
set logscale y
set yrange [0.0168:56.37]
set ytics ("0.02" 0.02, "0.05" 0.05, "0.1" 0.1, "0.2" 0.2, "0.5" 0.5, "1" 1, "2" 2, "5" 5, "10" 10, "20" 20, "50" 50)
set logscale x
set xrange [1:1e+07]
set xlabel "percentile"
set ylabel "latency (ms, log scale)"
set xtics ("0%%" 1, "90%%" 10, "99%%" 100, "99.9%%" 1000, "99.99%%" 10000, "99.999%%" 100000, "99.9999%%" 1e+06, "99.99999%%" 1e+07)
plot 'spectrum.dat' index 0 using 1:2 with lines lw 2 lc rgb "#1f77b4" dt 1 title "nginx", \
     'spectrum.dat' index 1 using 1:2 with lines lw 2 lc rgb "#d62728" dt 1 title "fastapi-uvicorn", \
     'spectrum.dat' index 2 using 1:2 with lines lw 2 lc rgb "#2ca02c" dt 1 title "rigor-serve", \
     'spectrum.dat' index 3 using 1:2 with lines lw 2 lc rgb "#ff7f0e" dt 1 title "flask-gunicorn"
