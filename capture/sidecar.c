/*
 * capture/sidecar.c — the capture engine on its own thread, beside `rigor load --capture IF`.
 *
 * Design: cap_sidecar_start opens and activates the device in the caller's thread (so an
 * error is reported at once and no packet of the run is missed), then a thread dispatches
 * packets into a private engine until cap_sidecar_stop. The thread owns the engine; stop
 * only sets a flag, breaks the loop and joins, so nothing is shared while packets flow.
 * After the stop request the thread keeps reading for a few read timeouts: with TPACKET_V3
 * the kernel hands over a partly filled block only when its timer retires it, and the run's
 * last responses are in that block.
 *
 * The wire figures cover the load generator's measured window only (cap_sidecar_window): the
 * engine counts a transaction when its response's last byte falls inside it, the same rule as
 * the client's (a response completed in the window), so warm-up traffic stays out.
 *
 * Privileges are NOT dropped here: setuid() is process-wide, and the load generator that
 * hosts the sidecar must still write its dataset wherever it was asked to. Run the load
 * generator with CAP_NET_RAW (or as root) to use --capture.
 *
 * Expected load: the load generator's full loopback rate (~100k requests/s, ~400k packets/s
 * on this machine) with a 64 MiB kernel buffer.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include "core/err.h"
#include "core/units.h"
#include "capture/capture.h"
#include "capture/pcapio_int.h"

#define SIDECAR_TIMEOUT_MS 50
#define SIDECAR_BUFFER (64 << 20)

struct cap_sidecar {
    pcap_t *p;
    cap_engine *e;
    cap_feed fd;
    pthread_t thread;
    atomic_int stop;
};

static void *sidecar_main(void *arg)
{
    cap_sidecar *sc = arg;
    while (!atomic_load(&sc->stop)) {
        if (cap_feed_poll(&sc->fd, SIDECAR_TIMEOUT_MS) == PCAP_ERROR)
            return NULL;
    }
    cap_feed_drain(&sc->fd, SIDECAR_TIMEOUT_MS);
    return NULL;
}

cap_sidecar *cap_sidecar_start(const char *iface, const char *filter, char *err)
{
    int bad;
    cap_live_opts lo = {iface, filter ? filter : CAP_DEFAULT_FILTER, CAP_SNAPLEN,
                        SIDECAR_TIMEOUT_MS, SIDECAR_BUFFER, 0};
    cap_sidecar *sc = calloc(1, sizeof *sc);
    if (sc == NULL) {
        rg_err_set(err, "out of memory");
        return NULL;
    }
    cap_config cfg;
    cap_config_default(&cfg);
    if ((sc->p = cap_open_live(&lo, err, &bad)) == NULL)
        goto fail;
    if ((sc->e = cap_engine_new(&cfg, pcap_datalink(sc->p), err)) == NULL)
        goto fail;
    cap_feed_init(&sc->fd, sc->p, sc->e);
    atomic_init(&sc->stop, 0);
    if (pthread_create(&sc->thread, NULL, sidecar_main, sc) != 0) {
        rg_err_set(err, "cannot start the capture thread");
        goto fail;
    }
    return sc;
fail:
    cap_engine_free(sc->e);
    if (sc->p)
        pcap_close(sc->p);
    free(sc);
    return NULL;
}

void cap_sidecar_window(cap_sidecar *sc, uint64_t start_ns, uint64_t end_ns)
{
    if (sc == NULL)
        return;
    atomic_store_explicit(&sc->e->win_start, start_ns, memory_order_relaxed);
    atomic_store_explicit(&sc->e->win_end, end_ns, memory_order_relaxed);
}

json_t *cap_sidecar_stop(cap_sidecar *sc)
{
    if (sc == NULL)
        return NULL;
    atomic_store(&sc->stop, 1);
    pthread_join(sc->thread, NULL);
    struct pcap_stat ps;
    if (pcap_stats(sc->p, &ps) == 0) {
        sc->e->st.drops = ps.ps_drop;
        sc->e->st.ifdrops = ps.ps_ifdrop;
    }
    cap_engine_finish(sc->e);
    json_t *wire = cap_wire_json(sc->e);
    cap_engine_free(sc->e);
    pcap_close(sc->p);
    free(sc);
    return wire;
}
