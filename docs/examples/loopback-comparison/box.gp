# box.gp — Per-run throughput (box plot) (written by rigor report; redraw: gnuplot box.gp)
# Target names are octal-escaped strings: labels are data, never code.
set terminal pngcairo noenhanced size 960,600 font "sans,10"
if (!exists("outfile")) outfile = 'box.png'
set output outfile
set grid
set datafile missing 'NaN'
set key outside right top
set logscale y
set yrange [1889.07:194381]
set ytics ("2000" 2000, "5000" 5000, "10k" 10000, "20k" 20000, "50k" 50000, "100k" 100000)
set title "Throughput of each run: box = quartiles, line = median, whiskers = min and max, dots = runs"
set ylabel "throughput (req/s, log scale)"
set style fill solid 0.3 border
set boxwidth 0.7
set grid noxtics ytics
set xtics scale 0 ("10" 2.5, "50" 7.5)
set xrange [0:10]
set xlabel "concurrency (connections)"
plot 'box.dat' index 0 using 1:2:3:4:5 with candlesticks whiskerbars 0.5 lc rgb "#1f77b4" dt 1 title "nginx", \
    '' index 0 using 1:6:6:6:6 with candlesticks lw 3 lc rgb "#1f77b4" dt 1 notitle, \
    '' index 1 using 1:2 with points pt 7 ps 0.5 lc rgb "black" notitle, \
     'box.dat' index 2 using 1:2:3:4:5 with candlesticks whiskerbars 0.5 lc rgb "#d62728" dt 1 title "fastapi-uvicorn", \
    '' index 2 using 1:6:6:6:6 with candlesticks lw 3 lc rgb "#d62728" dt 1 notitle, \
    '' index 3 using 1:2 with points pt 7 ps 0.5 lc rgb "black" notitle, \
     'box.dat' index 4 using 1:2:3:4:5 with candlesticks whiskerbars 0.5 lc rgb "#2ca02c" dt 1 title "rigor-serve", \
    '' index 4 using 1:6:6:6:6 with candlesticks lw 3 lc rgb "#2ca02c" dt 1 notitle, \
    '' index 5 using 1:2 with points pt 7 ps 0.5 lc rgb "black" notitle, \
     'box.dat' index 6 using 1:2:3:4:5 with candlesticks whiskerbars 0.5 lc rgb "#ff7f0e" dt 1 title "flask-gunicorn", \
    '' index 6 using 1:6:6:6:6 with candlesticks lw 3 lc rgb "#ff7f0e" dt 1 notitle, \
    '' index 7 using 1:2 with points pt 7 ps 0.5 lc rgb "black" notitle, \
     'box.dat' index 8 using 1:2:3:4:5 with candlesticks whiskerbars 0.5 lc rgb "#1f77b4" dt 1 notitle, \
    '' index 8 using 1:6:6:6:6 with candlesticks lw 3 lc rgb "#1f77b4" dt 1 notitle, \
    '' index 9 using 1:2 with points pt 7 ps 0.5 lc rgb "black" notitle, \
     'box.dat' index 10 using 1:2:3:4:5 with candlesticks whiskerbars 0.5 lc rgb "#d62728" dt 1 notitle, \
    '' index 10 using 1:6:6:6:6 with candlesticks lw 3 lc rgb "#d62728" dt 1 notitle, \
    '' index 11 using 1:2 with points pt 7 ps 0.5 lc rgb "black" notitle, \
     'box.dat' index 12 using 1:2:3:4:5 with candlesticks whiskerbars 0.5 lc rgb "#2ca02c" dt 1 notitle, \
    '' index 12 using 1:6:6:6:6 with candlesticks lw 3 lc rgb "#2ca02c" dt 1 notitle, \
    '' index 13 using 1:2 with points pt 7 ps 0.5 lc rgb "black" notitle, \
     'box.dat' index 14 using 1:2:3:4:5 with candlesticks whiskerbars 0.5 lc rgb "#ff7f0e" dt 1 notitle, \
    '' index 14 using 1:6:6:6:6 with candlesticks lw 3 lc rgb "#ff7f0e" dt 1 notitle, \
    '' index 15 using 1:2 with points pt 7 ps 0.5 lc rgb "black" notitle
