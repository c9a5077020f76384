# latency.gp — Latency vs concurrency (written by rigor report; redraw: gnuplot latency.gp)
# Target names are octal-escaped strings: labels are data, never code.
set terminal pngcairo noenhanced size 960,600 font "sans,10"
if (!exists("outfile")) outfile = 'latency.png'
set output outfile
set grid
set datafile missing 'NaN'
set key outside right top
set title "Latency p50 (single runs: no interval)"
set logscale y
set yrange [5.6:203.75]
set ytics ("10" 10, "20" 20, "50" 50, "100" 100, "200" 200)
set ylabel "latency (ms), log scale"
set xlabel "target (concurrency 4000)"
set boxwidth 0.720
set key off
set bmargin
set xtics rotate by -30 left
set xrange [-0.6:7.6]
set xtics ("aiohttp" 0, "Bottle" 1, "Flask" 2, "Japronto" 3, "Pyramid" 4, "Sanic" 5, "Starlette" 6, "Tornado" 7)
plot 'latency.dat' index 0 using 1:2:5 with points pt 7 ps 1.6 lc rgb variable notitle
