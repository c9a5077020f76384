# throughput.gp — Throughput vs concurrency (written by rigor report; redraw: gnuplot throughput.gp)
# Target names are octal-escaped strings: labels are data, never code.
set terminal pngcairo noenhanced size 960,600 font "sans,10"
set output 'throughput.png'
set grid
set key below
set datafile missing 'NaN'
set title "Throughput (single runs: no interval)"
set ylabel "throughput (req/s)"
set xlabel "target (concurrency 500)"
set boxwidth 0.720
set key off
set xtics rotate by -30 left
set xrange [-0.6:4.6]
set yrange [0:*]
set xtics (".NET with Kestrel" 0, "Flask Development Server" 1, "FastAPI with Uvicorn" 2, "Flask with Gunicorn" 3, "Flask with Waitress" 4)
plot 'throughput.dat' index 0 using 1:2:5 with boxes fs solid 0.7 border -1 lc rgb variable notitle
