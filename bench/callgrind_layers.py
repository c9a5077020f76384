#!/usr/bin/env python3
"""bench/callgrind_layers.py — where `rigor capture -r` spends its instructions, by layer.

    python3 bench/callgrind_layers.py PACKETS NAME=callgrind.out [NAME=callgrind.out ...]

Reads callgrind output files (valgrind --tool=callgrind) of `rigor capture -r F ...` runs,
takes each function's inclusive instruction count from callgrind_annotate, and prints a
Markdown table of instructions per packet for each layer of the capture engine, one column
per file. A file of another program (tcpdump) only has a total. Instruction counts do not
depend on the load of the machine, which is why bench/capture.sh reports them beside the
(noisy) elapsed times.
"""
import re
import subprocess
import sys

# layer: (function whose inclusive count it is, functions whose inclusive counts are taken out)
LAYERS = [
    ("reading the file (libpcap, stdio)", "pcap_dispatch", ["on_packet"]),
    ("link/IP/TCP decoding", "cap_decode", []),
    ("flow table", "cap_flow_lookup", []),
    ("TCP reassembly", "cap_tcp_segment", ["cap_app_data"]),
    ("HTTP (http-parser or the fast path)", "cap_app_data", ["cap_engine_emit"]),
    ("per-endpoint aggregation", "cap_engine_emit", ["cap_log_tx"]),
    ("transaction log (JSON Lines)", "cap_log_tx", []),
]


def inclusive(path):
    """{function: inclusive Ir} from callgrind_annotate, and the program total."""
    out = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--threshold=100", path],
                         capture_output=True, text=True, check=True).stdout
    counts, total = {}, 0
    for line in out.splitlines():
        m = re.match(r"^\s*([\d,]+) \([^)]*\)\s+PROGRAM TOTALS", line)
        if m:
            total = int(m.group(1).replace(",", ""))
            continue
        m = re.match(r"^\s*([\d,]+) \([^)]*\)\s+\S*:([A-Za-z_]\w*)(?:\.\S+)? \[", line)
        if m and m.group(2) not in counts:
            counts[m.group(2)] = int(m.group(1).replace(",", ""))
    return counts, total


def main():
    packets = int(sys.argv[1])
    cols = []
    for arg in sys.argv[2:]:
        name, path = arg.split("=", 1)
        cols.append((name, *inclusive(path)))
    print("| instructions per packet | " + " | ".join(c[0] for c in cols) + " |")
    print("|---|" + "---:|" * len(cols))
    for label, fn, minus in LAYERS:
        row = []
        for _, counts, _total in cols:
            if fn not in counts:
                row.append("–")
                continue
            v = counts[fn] - sum(counts.get(m, 0) for m in minus)
            row.append(format(round(v / packets), ","))
        print("| %s | %s |" % (label, " | ".join(row)))
    print("| **whole process** | %s |" % " | ".join(
        "**%s**" % format(round(t / packets), ",") for _, _, t in cols))


if __name__ == "__main__":
    main()
