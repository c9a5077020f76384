# latency.gp — Latency vs concurrency (written by rigor report; redraw: gnuplot latency.gp)
# Target names are octal-escaped strings: labels are data, never code.
set terminal pngcairo noenhanced size 960,600 font "sans,10"
if (!exists("outfile")) outfile = 'latency.png'
set output outfile
set grid
set datafile missing 'NaN'
set key bmargin center horizontal maxcols 2
set bmargin 9
set title "Latency mean (single runs: no interval)"
set logscale y
set yrange [1.512:345.188]
set ytics ("2" 2, "5" 5, "10" 10, "20" 20, "50" 50, "100" 100, "200" 200)
set ylabel "latency (ms), log scale"
set xlabel "concurrency (connections)"
set logscale x
set xrange [8:625]
set xtics (10, 100, 500)
plot 'latency.dat' index 0 using ($1*0.811234):2:3:4 with linespoints lw 2 pt 7 ps 0.8 lc rgb "#1f77b4" dt 1 title "Django (sync, logs)", \
     'latency.dat' index 1 using ($1*0.85479):2:3:4 with linespoints lw 2 pt 7 ps 0.8 lc rgb "#d62728" dt 1 title "Fastapi (sync, logs)", \
     'latency.dat' index 2 using ($1*0.900685):2:3:4 with linespoints lw 2 pt 7 ps 0.8 lc rgb "#2ca02c" dt 1 title "Fastapi (async, logs)", \
     'latency.dat' index 3 using ($1*0.949044):2:3:4 with linespoints lw 2 pt 7 ps 0.8 lc rgb "#ff7f0e" dt 1 title "Express (sync, logs)", \
     'latency.dat' index 4 using ($1*1):2:3:4 with linespoints lw 2 pt 7 ps 0.8 lc rgb "#9467bd" dt 1 title "Express (async, logs)", \
     'latency.dat' index 5 using ($1*1.05369):2:3:4 with linespoints lw 2 pt 7 ps 0.8 lc rgb "#8c564b" dt 1 title "Fastify (sync, logs)", \
     'latency.dat' index 6 using ($1*1.11027):2:3:4 with linespoints lw 2 pt 7 ps 0.8 lc rgb "#e377c2" dt 1 title "Fastify (async, logs)", \
     'latency.dat' index 7 using ($1*1.16988):2:3:4 with linespoints lw 2 pt 7 ps 0.8 lc rgb "#17becf" dt 1 title "Express (async, no logs)", \
     'latency.dat' index 8 using ($1*1.23269):2:3:4 with linespoints lw 2 pt 7 ps 0.8 lc rgb "#7f7f7f" dt 1 title "Fastify (async, no logs)"
