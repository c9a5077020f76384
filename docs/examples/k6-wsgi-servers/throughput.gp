# throughput.gp — Throughput vs concurrency (written by rigor report; redraw: gnuplot throughput.gp)
# Target names are octal-escaped strings: labels are data, never code.
set terminal pngcairo noenhanced size 960,600 font "sans,10"
if (!exists("outfile")) outfile = 'throughput.png'
set output outfile
set grid
set datafile missing 'NaN'
set key bmargin center horizontal maxcols 2
set bmargin 7
set title "Throughput (single runs: no interval)"
set logscale y
set yrange [1.6:618.75]
set ytics ("2" 2, "5" 5, "10" 10, "20" 20, "50" 50, "100" 100, "200" 200, "500" 500)
set ylabel "throughput (req/s), log scale"
set xlabel "target (concurrency 500)"
set boxwidth 0.720
set key off
set bmargin
set xtics rotate by -30 left
set xrange [-0.6:4.6]
set xtics (".NET with Kestrel" 0, "Flask Development Server" 1, "FastAPI with Uvicorn" 2, "Flask with Gunicorn" 3, "Flask with Waitress" 4)
plot 'throughput.dat' index 0 using 1:2:5 with points pt 7 ps 1.6 lc rgb variable notitle
