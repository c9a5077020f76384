/*
 * capture/capture_run.c — one capture from source to summary (the working half of
 * `rigor capture`; cmd_capture.c parses the options and saves the dataset).
 *
 * Order matters: the device and every output file are opened while still root; then the
 * privileges are dropped; only then is any packet read. A live capture polls the
 * non-blocking handle with a 100 ms timeout, so --duration and signals are noticed promptly;
 * SIGINT/SIGTERM set a flag (and pcap_breakloop), and whatever the kernel still holds is
 * drained before the flows are closed, so an interrupted capture still writes all it saw.
 *
 * Expected load: once per command.
 */
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include "core/clock.h"
#include "core/cli.h"
#include "core/err.h"
#include "core/io.h"
#include "core/log.h"
#include "core/units.h"
#include "capture/capture_opts_int.h"

static volatile sig_atomic_t g_stop;
static pcap_t *volatile g_handle;

static void on_signal(int sig)
{
    (void)sig;
    g_stop = 1;
    if (g_handle != NULL)
        pcap_breakloop(g_handle);
}

static pcap_t *open_source(const cap_opts *o, int *rc)
{
    char err[RG_ERRLEN];
    int bad = 0;
    pcap_t *p;
    if (o->iface != NULL) {
        cap_live_opts lo = {o->iface, o->filter, o->snaplen, 100, o->buffer, o->immediate};
        if ((p = cap_open_live(&lo, err, &bad)) == NULL) {
            *rc = bad ? rg_usage_error("capture", "%s", err)
                      : rg_fail(RG_EXIT_FAIL, "capture", "%s", err);
            return NULL;
        }
    } else if ((p = cap_open_file(o->file, o->filter, err, &bad)) == NULL) {
        *rc = bad ? rg_usage_error("capture", "%s", err)
                  : rg_fail(RG_EXIT_USAGE, "capture", "%s", err);
        return NULL;
    }
    *rc = 0;
    return p;
}

typedef struct outputs {
    pcap_dumper_t *dumper;
    FILE *log;
    cap_log *writer;
} outputs;

static int open_outputs(const cap_opts *o, pcap_t *p, outputs *out)
{
    char err[RG_ERRLEN];
    memset(out, 0, sizeof *out);
    /* rg_open_output rather than pcap_dump_open/fopen: the user's umask, and no writing
     * through a planted symbolic link while still root */
    if (o->wfile != NULL) {
        FILE *f = strcmp(o->wfile, "-") == 0 ? stdout : rg_open_output(o->wfile, err);
        if (f == NULL)
            return rg_fail(RG_EXIT_USAGE, "capture", "%s", err);
        if ((out->dumper = pcap_dump_fopen(p, f)) == NULL)
            return rg_fail(RG_EXIT_USAGE, "capture", "cannot write '%s': %s", o->wfile,
                           pcap_geterr(p));
    }
    if (o->logfile != NULL) {
        static char buf[1 << 20];          /* one log per process; fewer write calls */
        out->log = strcmp(o->logfile, "-") == 0 ? stdout : rg_open_output(o->logfile, err);
        if (out->log == NULL)
            return rg_fail(RG_EXIT_USAGE, "capture", "%s", err);
        if (out->log != stdout)
            setvbuf(out->log, buf, _IOFBF, sizeof buf);
        if ((out->writer = cap_log_new(out->log)) == NULL)
            return rg_fail(RG_EXIT_FAIL, "capture", "out of memory");
    }
    return 0;
}

static int close_outputs(outputs *out, const char *logfile)
{
    int rc = 0;
    if (out->dumper != NULL)
        pcap_dump_close(out->dumper);
    cap_log_free(out->writer);
    if (out->log != NULL) {
        if (fflush(out->log) != 0 || ferror(out->log))
            rc = rg_fail(RG_EXIT_FAIL, "capture", "error writing '%s'", logfile);
        if (out->log != stdout)
            fclose(out->log);
    }
    return rc;
}

static int drop_privileges(const cap_opts *o)
{
    char err[RG_ERRLEN];
    if (o->iface == NULL || strcmp(o->user, "root") == 0 || geteuid() != 0)
        return 0;
    if (cap_drop_privileges(o->user, err) != 0)
        return rg_fail(RG_EXIT_FAIL, "capture", "%s", err);
    rg_info("capture: dropped privileges to %s (uid %d, gid %d)", o->user,
            (int)getuid(), (int)getgid());
    return 0;
}

/* The dispatch loop; returns an exit status. */
static int capture_loop(const cap_opts *o, cap_feed *fd)
{
    uint64_t deadline = o->duration > 0 ? rg_now_ns() + (uint64_t)(o->duration * 1e9) : 0;
    for (;;) {
        int n = o->file ? cap_feed_dispatch(fd, -1) : cap_feed_poll(fd, 100);
        if (n == PCAP_ERROR) {
            if (o->file != NULL)
                return rg_fail(RG_EXIT_USAGE, "capture", "%s: %s (after %llu packets)", o->file,
                               pcap_geterr(fd->handle),
                               (unsigned long long)fd->engine->st.packets);
            return rg_fail(RG_EXIT_FAIL, "capture", "%s", pcap_geterr(fd->handle));
        }
        if (n == PCAP_ERROR_BREAK || g_stop || fd->done)
            break;
        if (o->file != NULL && n == 0)
            break;
        if (deadline && rg_now_ns() >= deadline)
            break;
    }
    /*
     * What the kernel still holds: with TPACKET_V3 a partly filled block reaches us only when
     * its timer (the 100 ms read timeout) retires it: read until all have been.
     */
    if (o->iface != NULL && !fd->done)
        cap_feed_drain(fd, 100);
    return 0;
}

static void install_signals(struct sigaction *old_int, struct sigaction *old_term)
{
    struct sigaction sa = {.sa_handler = on_signal};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, old_int);
    sigaction(SIGTERM, &sa, old_term);
}

/* Nothing to measure: a file with only its header is a failure (exit 1, nothing to append),
 * a quiet interface during a live capture is worth a warning. Returns the exit status. */
static int no_packets(const cap_opts *o)
{
    int filtered = o->filter != NULL && o->filter[0] != '\0';
    if (o->file != NULL && filtered)
        return rg_fail(RG_EXIT_FAIL, "capture", "%s: no packets match the filter '%s'",
                       strcmp(o->file, "-") == 0 ? "standard input" : o->file, o->filter);
    if (o->file != NULL)
        return rg_fail(RG_EXIT_FAIL, "capture", "%s: no packets: the file holds only its "
                       "header", strcmp(o->file, "-") == 0 ? "standard input" : o->file);
    rg_warn("capture: no packets seen on %s%s%s", o->iface, filtered ? " matching " : "",
            filtered ? o->filter : "");
    return 0;
}

int cap_capture_main(const cap_opts *o, const json_t *ds, json_t **runs)
{
    char err[RG_ERRLEN];
    int rc;
    outputs out;
    *runs = NULL;
    pcap_t *p = open_source(o, &rc);
    if (p == NULL)
        return rc;
    cap_engine *e = NULL;
    if ((rc = open_outputs(o, p, &out)) != 0 || (rc = drop_privileges(o)) != 0)
        goto done;
    if ((e = cap_engine_new(&o->cfg, pcap_datalink(p), err)) == NULL) {
        rc = rg_fail(RG_EXIT_FAIL, "capture", "%s", err);
        goto done;
    }
    e->sink = out.writer ? cap_log_tx : NULL;
    e->sink_ctx = out.writer;
    cap_feed fd;
    cap_feed_init(&fd, p, e);
    fd.dumper = out.dumper;
    fd.max_packets = o->count;
    struct sigaction old_int, old_term;
    g_stop = 0;
    g_handle = p;
    install_signals(&old_int, &old_term);
    rc = capture_loop(o, &fd);
    struct pcap_stat ps;
    if (o->iface != NULL && pcap_stats(p, &ps) == 0) {
        e->st.drops = ps.ps_drop;
        e->st.ifdrops = ps.ps_ifdrop;
    }
    cap_engine_finish(e);
    g_handle = NULL;
    int interrupted = g_stop && (o->duration > 0 || o->count > 0);
    if (ds != NULL)
        *runs = cap_runs_json(e, ds, o->label, rc == 0 && !interrupted);
    if (!o->quiet)
        cap_print_summary(out.log == stdout ? stderr : stdout, e);
    if (e->st.drops > 0)
        rg_warn("capture: the kernel dropped %llu packets: timings of the affected flows "
                "are incomplete (try --buffer)", (unsigned long long)e->st.drops);
    if (e->st.packets == 0 && rc == 0)
        rc = no_packets(o);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
done:;
    int crc = close_outputs(&out, o->logfile);
    if (rc == 0)
        rc = crc;
    cap_engine_free(e);
    pcap_close(p);
    return rc;
}
