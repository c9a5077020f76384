# errors.gp — Error rate vs concurrency (written by rigor report; redraw: gnuplot errors.gp)
# Target names are octal-escaped strings: labels are data, never code.
set terminal pngcairo noenhanced size 960,600 font "sans,10"
if (!exists("outfile")) outfile = 'errors.png'
set output outfile
set grid
set datafile missing 'NaN'
set key outside right top
set title "Error rate (single runs: no interval)"
set yrange [0:*]
set ylabel "error rate (% of responses)"
set xlabel "target (concurrency 4000)"
set boxwidth 0.720
set key off
set bmargin
set xtics rotate by -30 left
set xrange [-0.6:7.6]
set xtics ("aiohttp" 0, "Bottle" 1, "Flask" 2, "Japronto" 3, "Pyramid" 4, "Sanic" 5, "Starlette" 6, "Tornado" 7)
plot 'errors.dat' index 0 using 1:2:5 with boxes fs solid 0.7 border -1 lc rgb variable notitle
