#!/bin/sh
# bench/loadgen_ab.sh — one rigor against another (a change's before and after) and wrk, side
# by side, and what a request mix costs: `rigor load` at -t1 -c50 against nginx (one worker,
# no access log, 12-byte body) in alternating rounds (the order rotates every round), medians.
#
#   BASE=/path/to/old/rigor sh bench/loadgen_ab.sh    (from the repository root, after make)
#
# Per tool: requests/s and CPU time (user+sys) per 100k requests, and their ratios to BASE.
# Then this rigor with one URL, with a targets file of that one URL, and with a mix of three
# entries (two endpoints). Environment: ROUNDS (6), DURATION (4).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
NEW=${RIGOR:-$top/rigor}
BASE=${BASE:?BASE=/path/to/the/other/rigor}
ROUNDS=${ROUNDS:-6}
DUR=${DURATION:-4}
W=$(mktemp -d "${TMPDIR:-/tmp}/rigor-ab.XXXXXX")
NG=""
trap '[ -n "$NG" ] && kill $NG 2>/dev/null; rm -rf "$W"' EXIT
trap 'exit 130' INT TERM
command -v wrk >/dev/null || { echo "bench: wrk is needed (sh tools/deps.sh --bench)" >&2; exit 1; }
NP=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$W/ng"
cat > "$W/ng/nginx.conf" <<EOC
worker_processes 1;
error_log $W/ng/error.log;
events { worker_connections 20000; }
http {
    access_log off;
    keepalive_requests 100000000;
    client_body_temp_path $W/ng; proxy_temp_path $W/ng; fastcgi_temp_path $W/ng;
    uwsgi_temp_path $W/ng; scgi_temp_path $W/ng;
    server { listen 127.0.0.1:$NP; location / { default_type text/plain; return 200 "hello world\n"; } }
}
EOC
"${NGINX:-/usr/sbin/nginx}" -p "$W/ng" -c "$W/ng/nginx.conf" -g "daemon off; pid $W/ng/nginx.pid;" &
NG=$!
sleep 1
U="http://127.0.0.1:$NP"
printf 'GET %s/\n' "$U" > "$W/one.txt"
printf 'GET %s/\n\nGET %s/b\n\nGET %s/\nX-A: 1\n' "$U" "$U" "$U" > "$W/mix.txt"

one() {  # NAME: prints "NAME req/s cpu_s"
    case $1 in
    base|new|mix1|mix3)
        bin=$NEW; extra=""
        [ "$1" = base ] && bin=$BASE
        [ "$1" = mix1 ] && extra="--targets $W/one.txt"
        [ "$1" = mix3 ] && extra="--targets $W/mix.txt"
        # shellcheck disable=SC2086
        /usr/bin/time -f '%U %S' -o "$W/time" "$bin" load $extra "$U/" -t 1 -c 50 -d "${DUR}s" \
            -q -o "$W/r.json" >/dev/null 2>&1
        rps=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['runs'][-1]['throughput_rps'])" "$W/r.json")
        rm -f "$W/r.json" ;;
    wrk)
        /usr/bin/time -f '%U %S' -o "$W/time" wrk -t1 -c50 -d"${DUR}s" "$U/" >"$W/o" 2>&1
        rps=$(awk '/Requests\/sec/ {print $2}' "$W/o") ;;
    esac
    echo "$1 $rps $(awk '{print $1 + $2}' "$W/time" | tail -1)"
}
tools="base new wrk mix1 mix3"
for i in $(seq "$ROUNDS"); do
    for t in $tools; do one "$t"; done
    tools="$(echo "$tools" | cut -d' ' -f2-) $(echo "$tools" | cut -d' ' -f1)"   # rotate
done > "$W/all.txt"
python3 - "$W/all.txt" "$DUR" <<'PY'
import statistics as st, sys
d = {}
for line in open(sys.argv[1]):
    t, r, c = line.split()
    d.setdefault(t, []).append((float(r), float(c)))
dur = float(sys.argv[2])
med = {t: (st.median(r for r, c in v), st.median(c / (r * dur) * 1e5 for r, c in v)) for t, v in d.items()}
print("| run | req/s | × base | CPU s / 100k req | × base |")
print("|---|---:|---:|---:|---:|")
for t in ("base", "new", "wrk", "mix1", "mix3"):
    r, c = med[t]
    print(f"| {t} | {r:,.0f} | {r / med['base'][0]:.2f} | {c:.3f} | {c / med['base'][1]:.2f} |")
PY
