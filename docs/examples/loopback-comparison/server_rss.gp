# server_rss.gp — Server memory per cell (written by rigor report; redraw: gnuplot server_rss.gp)
# Target names are octal-escaped strings: labels are data, never code.
set terminal pngcairo noenhanced size 960,600 font "sans,10"
if (!exists("outfile")) outfile = 'server_rss.png'
set output outfile
set grid
set datafile missing 'NaN'
set key outside right top
set logscale y
set yrange [2.99688:78.8433]
set ytics ("5" 5, "10" 10, "20" 20, "50" 50)
set title "Server resident memory, peak of each run: each run (open dots) and the mean of runs with its 95% CI (diamond)"
set ylabel "server RSS, peak (MiB), log scale"
set grid noxtics ytics
set xtics scale 0 ("10" 2.5, "50" 7.5)
set xrange [0:10]
set xlabel "concurrency (connections)"
plot 'server_rss.dat' index 1 using 1:2 with points pt 6 ps 0.7 lc rgb "#1f77b4" dt 1 notitle, \
    '' index 0 using 1:2:3:4 with yerrorbars pt 13 ps 1.6 lw 2 lc rgb "#1f77b4" dt 1 title "nginx", \
     'server_rss.dat' index 3 using 1:2 with points pt 6 ps 0.7 lc rgb "#d62728" dt 1 notitle, \
    '' index 2 using 1:2:3:4 with yerrorbars pt 13 ps 1.6 lw 2 lc rgb "#d62728" dt 1 title "fastapi-uvicorn", \
     'server_rss.dat' index 5 using 1:2 with points pt 6 ps 0.7 lc rgb "#2ca02c" dt 1 notitle, \
    '' index 4 using 1:2:3:4 with yerrorbars pt 13 ps 1.6 lw 2 lc rgb "#2ca02c" dt 1 title "rigor-serve", \
     'server_rss.dat' index 7 using 1:2 with points pt 6 ps 0.7 lc rgb "#ff7f0e" dt 1 notitle, \
    '' index 6 using 1:2:3:4 with yerrorbars pt 13 ps 1.6 lw 2 lc rgb "#ff7f0e" dt 1 title "flask-gunicorn", \
     'server_rss.dat' index 9 using 1:2 with points pt 6 ps 0.7 lc rgb "#1f77b4" dt 1 notitle, \
    '' index 8 using 1:2:3:4 with yerrorbars pt 13 ps 1.6 lw 2 lc rgb "#1f77b4" dt 1 notitle, \
     'server_rss.dat' index 11 using 1:2 with points pt 6 ps 0.7 lc rgb "#d62728" dt 1 notitle, \
    '' index 10 using 1:2:3:4 with yerrorbars pt 13 ps 1.6 lw 2 lc rgb "#d62728" dt 1 notitle, \
     'server_rss.dat' index 13 using 1:2 with points pt 6 ps 0.7 lc rgb "#2ca02c" dt 1 notitle, \
    '' index 12 using 1:2:3:4 with yerrorbars pt 13 ps 1.6 lw 2 lc rgb "#2ca02c" dt 1 notitle, \
     'server_rss.dat' index 15 using 1:2 with points pt 6 ps 0.7 lc rgb "#ff7f0e" dt 1 notitle, \
    '' index 14 using 1:2:3:4 with yerrorbars pt 13 ps 1.6 lw 2 lc rgb "#ff7f0e" dt 1 notitle
