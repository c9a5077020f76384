/*
 * capture/pcapio.c — opening libpcap handles the right way, feeding them to the engine, and
 * dropping root privileges.
 *
 * Live: pcap_create -> snaplen (262144 by default, enough for TSO/GRO super-segments) ->
 * no promiscuous mode -> read timeout -> buffer size -> immediate mode -> nanosecond time
 * stamps -> pcap_activate -> BPF filter. Offline: pcap_open_offline_with_tstamp_precision asks
 * libpcap to scale every file's stamps to nanoseconds, so the engine only ever sees ns.
 *
 * Privileges: once the handle is active nothing needs root any more; cap_drop_privileges
 * switches group list, gid and uid to the named user (setuid is process-wide, which is why
 * the load generator's sidecar does not call it).
 *
 * Expected load: the dispatch callback runs per packet; it converts the stamp and calls
 * cap_engine_packet, nothing more (plus pcap_dump when saving).
 */
#include <errno.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>
#include "core/clock.h"
#include "core/err.h"
#include "core/io.h"
#include "core/units.h"
#include "capture/pcapio_int.h"

/* Check the link type, then compile and set the filter; -1 with err (an input error). */
static int set_filter(pcap_t *p, const char *filter, char *err)
{
    int dlt = pcap_datalink(p);
    if (!cap_link_supported(dlt)) {
        const char *name = pcap_datalink_val_to_name(dlt);
        return rg_err(err, "unsupported link type %s (%d)", name ? name : "?", dlt);
    }
    struct bpf_program prog;
    if (pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) != 0)
        return rg_err(err, "bad filter '%s': %s", filter, pcap_geterr(p));
    int rc = pcap_setfilter(p, &prog);
    if (rc != 0)
        rg_err_set(err, "cannot set filter '%s': %s", filter, pcap_geterr(p));
    pcap_freecode(&prog);
    return rc;
}

pcap_t *cap_open_live(const cap_live_opts *o, char *err, int *bad_filter)
{
    char eb[PCAP_ERRBUF_SIZE] = "";
    *bad_filter = 0;
    pcap_t *p = pcap_create(o->iface, eb);
    if (p == NULL) {
        rg_err_set(err, "cannot open '%s': %s", o->iface, eb);
        return NULL;
    }
    pcap_set_snaplen(p, o->snaplen);
    pcap_set_promisc(p, 0);
    pcap_set_timeout(p, o->timeout_ms);
    if (o->buffer_bytes > 0)
        pcap_set_buffer_size(p, o->buffer_bytes);
    if (o->immediate)
        pcap_set_immediate_mode(p, 1);
    pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO);   /* falls back to micro */
    int rc = pcap_activate(p);
    if (rc < 0) {
        const char *why = rc == PCAP_ERROR ? pcap_geterr(p) : pcap_statustostr(rc);
        if (rc == PCAP_ERROR_PERM_DENIED)
            rg_err_set(err, "cannot capture on '%s': %s (needs root or CAP_NET_RAW)",
                       o->iface, pcap_geterr(p)[0] ? pcap_geterr(p) : why);
        else
            rg_err_set(err, "cannot capture on '%s': %s", o->iface, why);
        pcap_close(p);
        return NULL;
    }
    if (set_filter(p, o->filter, err) != 0) {
        *bad_filter = 1;
        pcap_close(p);
        return NULL;
    }
    /*
     * Non-blocking, with our own poll (cap_feed_poll): with TPACKET_V3 libpcap polls without
     * a timeout, and the kernel retires no block while no packet comes, so a blocking read on
     * a quiet interface would never return to look at --duration or a stop request.
     */
    if (pcap_setnonblock(p, 1, eb) != 0) {
        rg_err_set(err, "cannot capture on '%s': %s", o->iface, eb);
        pcap_close(p);
        return NULL;
    }
    return p;
}

pcap_t *cap_open_file(const char *path, const char *filter, char *err, int *bad_filter)
{
    char eb[PCAP_ERRBUF_SIZE] = "";
    *bad_filter = 0;
    /*
     * Our own stream with a 1 MiB buffer: libpcap reads record by record through stdio, and
     * with the default 4 KiB buffer the read system calls cost more than the decoding.
     * (glibc ignores the size unless given the buffer; the command opens one file per
     * process, so a static buffer serves, and a second file would just keep stdio's own.)
     */
    static char big[1 << 20];
    static atomic_flag big_used = ATOMIC_FLAG_INIT;
    int is_stdin = strcmp(path, "-") == 0;
    FILE *fp = is_stdin ? stdin : fopen(path, "rb");
    if (fp == NULL) {
        rg_err_set(err, "cannot read '%s': %s", path, strerror(errno));
        return NULL;
    }
    if (!atomic_flag_test_and_set(&big_used))
        setvbuf(fp, big, _IOFBF, sizeof big);
    pcap_t *p = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_NANO, eb);
    if (p == NULL) {
        rg_err_set(err, "cannot read '%s': %s", path, eb);
        if (!is_stdin)
            fclose(fp);
        return NULL;
    }
    if (set_filter(p, filter, err) != 0) {
        *bad_filter = 1;
        pcap_close(p);
        return NULL;
    }
    return p;
}

static void on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
    cap_feed *fd = (cap_feed *)user;
    uint64_t ts = (uint64_t)h->ts.tv_sec * 1000000000u + (uint64_t)h->ts.tv_usec * fd->ts_mult;
    if (fd->dumper != NULL)
        pcap_dump((u_char *)fd->dumper, h, bytes);
    cap_engine_packet(fd->engine, ts, bytes, h->caplen, h->len);
    if (fd->max_packets && fd->engine->st.packets >= fd->max_packets) {
        fd->done = 1;
        pcap_breakloop(fd->handle);
    }
}

void cap_feed_init(cap_feed *fd, pcap_t *p, cap_engine *e)
{
    memset(fd, 0, sizeof *fd);
    fd->handle = p;
    fd->engine = e;
    fd->ts_mult = pcap_get_tstamp_precision(p) == PCAP_TSTAMP_PRECISION_NANO ? 1 : 1000;
}

int cap_feed_dispatch(cap_feed *fd, int cnt)
{
    return pcap_dispatch(fd->handle, cnt, on_packet, (u_char *)fd);
}

int cap_feed_poll(cap_feed *fd, int timeout_ms)
{
    struct pollfd pfd = {.fd = pcap_get_selectable_fd(fd->handle), .events = POLLIN};
    if (pfd.fd >= 0 && poll(&pfd, 1, timeout_ms) < 0 && errno != EINTR)
        return PCAP_ERROR;
    return pcap_dispatch(fd->handle, -1, on_packet, (u_char *)fd);
}

void cap_feed_drain(cap_feed *fd, int timeout_ms)
{
    uint64_t start = rg_now_ns(), tmo = (uint64_t)timeout_ms * 1000000u;
    for (;;) {
        int n = cap_feed_poll(fd, timeout_ms);
        uint64_t waited = rg_now_ns() - start;
        if (n == PCAP_ERROR || fd->done || waited >= 20 * tmo)
            break;
        if (n <= 0 && waited >= 3 * tmo)   /* a quiet poll after every block has retired */
            break;
    }
}

int cap_drop_privileges(const char *user, char *err)
{
    if (geteuid() != 0 && getuid() != 0)
        return 0;                          /* nothing to drop */
    errno = 0;
    struct passwd *pw = getpwnam(user);
    if (pw == NULL)
        return rg_err(err, "cannot drop privileges: no user '%s'", user);
    if (setgroups(1, &pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0)
        return rg_err(err, "cannot drop privileges to '%s': %s", user, strerror(errno));
    if (pw->pw_uid != 0 && (setuid(0) == 0 || seteuid(0) == 0))
        return rg_err(err, "privileges were not dropped: could regain root");
    return 0;
}
