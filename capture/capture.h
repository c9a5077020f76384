/*
 * capture/capture.h — the public face of the libpcap engine.
 *
 * `rigor capture` is the command (core/cli.h). The sidecar is what `rigor load --capture IF`
 * uses: it sniffs an interface on its own thread during a run and returns the run's `wire`
 * object (docs/dataset-format.md) when stopped.
 *
 * Keys of the wire object may be added, never renamed (docs/dataset-format.md lists them).
 */
#ifndef RIGOR_CAPTURE_CAPTURE_H
#define RIGOR_CAPTURE_CAPTURE_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

typedef struct cap_sidecar cap_sidecar;

/*
 * Start sniffing iface with the BPF filter (e.g. "tcp port 8080") on a new thread; returns
 * once the handle is active, so no packet of the run is missed. NULL with err (RG_ERRLEN)
 * when the device cannot be opened (permissions, no such device) or the filter is bad.
 * filter NULL means "tcp or vlan". Privileges are not dropped (setuid is process-wide and
 * the caller must still write its dataset): the process needs root or CAP_NET_RAW.
 */
cap_sidecar *cap_sidecar_start(const char *iface, const char *filter, char *err);

/*
 * The measured window, in ns since the epoch (CLOCK_REALTIME, as packet timestamps):
 * transactions whose response ends inside [start_ns, end_ns) are counted (all of them until
 * this is called: call it before the traffic starts). end_ns UINT64_MAX = until stopped.
 * Callable from any thread.
 */
void cap_sidecar_window(cap_sidecar *sc, uint64_t start_ns, uint64_t end_ns);

/*
 * Stop sniffing, drain what was captured, free the sidecar, and return the `wire` object
 * (new reference): the latency object of on-wire timings plus "ttfb", "server_time",
 * "handshake_rtt", "requests", "retransmits", "drops", "ifdrops". Accepts NULL (returns NULL).
 */
json_t *cap_sidecar_stop(cap_sidecar *sc);

#endif
