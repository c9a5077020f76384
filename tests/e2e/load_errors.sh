#!/bin/sh
# tests/e2e/load_errors.sh — bad input and failing servers: usage errors exit 2 with one
# clear line; a refused port, every `rigor serve --fault` mode and 5xx statuses become the
# right counted error kind; with -n every request is accounted for (completed or failed).
. tests/e2e/lib.sh
. tests/e2e/load_lib.inc
D=$T_DIR
DEAD=$(t_port)   # nothing listens there
U="http://127.0.0.1:$DEAD/"

# usage and input errors: exit 2, one line naming the problem
t_run "no URL" 2 "$RIGOR" load
t_has "no URL: message" "$T_ERR" "missing URL"
t_run "malformed URL" 2 "$RIGOR" load "127.0.0.1:$DEAD" -n 1
t_has "malformed URL: message" "$T_ERR" "invalid URL"
t_run "ftp URL" 2 "$RIGOR" load "ftp://127.0.0.1:$DEAD/" -n 1
t_has "ftp URL: message" "$T_ERR" "unsupported URL scheme 'ftp'"
t_run "-k on http://" 2 "$RIGOR" load "$U" -n 1 -k
t_has "-k on http://: message" "$T_ERR" "need an https:// URL"
t_run "--cacert missing file" 2 "$RIGOR" load "https://127.0.0.1:$DEAD/" -n 1 --cacert "$D/nonexistent.pem"
t_has "--cacert missing file: message" "$T_ERR" "cannot use --cacert"
printf 'not a certificate\n' > "$D/junk.pem"
t_run "--cacert not PEM" 2 "$RIGOR" load "https://127.0.0.1:$DEAD/" -n 1 --cacert "$D/junk.pem"
t_run "-k and --cacert" 2 "$RIGOR" load "https://127.0.0.1:$DEAD/" -n 1 -k --cacert "$D/junk.pem"
t_has "-k and --cacert: message" "$T_ERR" "exclusive"
t_run "--tls-version 1.1" 2 "$RIGOR" load "https://127.0.0.1:$DEAD/" -n 1 --tls-version 1.1
t_has "--tls-version 1.1: message" "$T_ERR" "1.2 or 1.3"
t_run "unknown host" 2 "$RIGOR" load "http://no-such-host.invalid/" -n 1
t_has "unknown host: message" "$T_ERR" "cannot resolve host"
t_run "-c 0" 2 "$RIGOR" load "$U" -c 0
t_run "-c junk" 2 "$RIGOR" load "$U" -c 10x
t_run "-c bad range" 2 "$RIGOR" load "$U" -c 10:5:1
t_run "-d junk" 2 "$RIGOR" load "$U" -d 10parsecs
t_has "-d junk: message" "$T_ERR" "invalid duration"
t_run "-d and -n" 2 "$RIGOR" load "$U" -d 1s -n 10
t_run "--rate 0" 2 "$RIGOR" load "$U" --rate 0
t_run "--runs 0" 2 "$RIGOR" load "$U" --runs 0
t_run "-t 0" 2 "$RIGOR" load "$U" -t 0
t_run "bad header" 2 "$RIGOR" load "$U" -H "no colon here"
t_run "header injection" 2 "$RIGOR" load "$U" -H "$(printf 'X: a\r\nY: b')"
t_run "bad method" 2 "$RIGOR" load "$U" -m "get it"
t_run "missing body file" 2 "$RIGOR" load "$U" --body @"$D/nonexistent"
t_run "unknown option" 2 "$RIGOR" load "$U" --frobnicate
t_has "unknown option: message" "$T_ERR" "frobnicate"
t_run "missing option value" 2 "$RIGOR" load "$U" -c
t_run "no such --pid" 2 "$RIGOR" load "$U" --pid 4194300 -n 1
echo '{"format": "rigor-dataset", "version": 99, "meta": {}, "runs": []}' > "$D/newer.json"
t_run "-o newer dataset" 2 "$RIGOR" load "$U" -n 1 -o "$D/newer.json"
echo '{not json' > "$D/broken.json"
t_run "-o broken dataset" 2 "$RIGOR" load "$U" -n 1 -o "$D/broken.json"
t_has "-o broken: file named" "$T_ERR" "broken.json"
t_run "-o in a missing directory" 2 "$RIGOR" load "$U" -n 1 -o "$D/no/such/dir.json"
t_has "-o missing directory: message" "$T_ERR" "cannot write"
t_run "bad --engine" 2 "$RIGOR" load "$U" -n 1 --engine kqueue
t_run "--help" 0 "$RIGOR" load --help
t_has "--help lists --rate" "$T_OUT" "--rate"

# refused connections: counted connect errors, no success with zero requests, dataset saved
t_run "refused port" 1 "$RIGOR" load "$U" -d 500ms -c 2 -q -o "$D/refused.json"
t_has "refused: says so" "$T_ERR" "connect"
t_true "refused: connect errors counted, zero requests" \
    "d['runs'][0]['requests'] == 0 and d['runs'][0]['errors']['connect'] > 0" "$D/refused.json"
t_run "refused with -n ends" 1 "$RIGOR" load "$U" -n 20 -c 2 -q -o "$D/refused_n.json"
t_eq "refused -n: each request a connect error" "$(jq_py "$D/refused_n.json" 'd["runs"][0]["errors"]["connect"]')" 20

# the open-file limit: a clear message instead of a run that silently opens fewer connections
t_run "fd limit stops the run" 1 sh -c "ulimit -n 100 && exec \"\$0\" load \"\$1\" -c 200 -d 1s -q" "$RIGOR" "$U"
t_has "fd limit: says so" "$T_ERR" "file descriptors but the limit is 100"

# every fault mode gives its error kind; completed + failed = -n exactly
check_fault() {  # mode kind [requests]
    n=${3:-200}
    serve_start --fault "$1" --fault-rate 0.25
    t_run "fault $1: run" 0 "$RIGOR" load "$URL" -n "$n" -c 4 --timeout 300ms -q -o "$D/f_$1.json"
    serve_stop
    t_true "fault $1: counted as '$2' errors" \
        "d['runs'][0]['errors']['$2'] > 0 and sum(v for k, v in d['runs'][0]['errors'].items() if k != '$2') == 0" "$D/f_$1.json"
    t_true "fault $1: requests + errors = $n" \
        "d['runs'][0]['requests'] + d['runs'][0]['errors']['$2'] == $n" "$D/f_$1.json"
    t_eq "fault $1: matches the server's fault count" \
        "$(jq_py "$D/f_$1.json" "d['runs'][0]['errors']['$2']")" "$(jq_py "$D/stats.json" "d['faults']['$1']")"
}
check_fault close read
check_fault reset read
check_fault garbage protocol
check_fault stall timeout 60

# 5xx: completed requests that are also status errors
serve_start --status 503
t_run "status 503" 0 "$RIGOR" load "$URL" -n 100 -c 2 -q -o "$D/503.json"
serve_stop
t_true "503: counted as requests and status errors" \
    "d['runs'][0]['requests'] == 100 and d['runs'][0]['errors']['status'] == 100 and d['runs'][0]['status'] == {'503': 100}" "$D/503.json"

# --capture: the sidecar's error is reported clearly (exit 1)
t_run "--capture error" 1 "$RIGOR" load "$U" -n 1 --capture nosuchif0 -q
t_has "--capture: message" "$T_ERR" "capture"

# rigor serve's own bad options
t_run "serve bad --listen" 2 "$RIGOR" serve --listen 127.0.0.1:99999
t_run "serve bad --delay" 2 "$RIGOR" serve --delay gauss:1ms
t_run "serve bad --fault" 2 "$RIGOR" serve --fault explode
t_run "serve bad --fault-rate" 2 "$RIGOR" serve --fault close --fault-rate 2
t_run "serve bad --status" 2 "$RIGOR" serve --status 700
t_run "serve bad --threads" 2 "$RIGOR" serve --threads 0
t_run "serve bad --body-size" 2 "$RIGOR" serve --body-size lots
t_run "serve extra argument" 2 "$RIGOR" serve extra
t_run "serve --help" 0 "$RIGOR" serve --help
serve_start
t_run "serve address in use" 1 "$RIGOR" serve --listen "127.0.0.1:$PORT" -q
t_has "serve address in use: message" "$T_ERR" "in use"
serve_stop
t_done
