/*
 * capture/cmd_capture.c — `rigor capture`: on-wire HTTP timings, live or from a file.
 *
 * Design: parse options; load the dataset named by -o first (a bad one is a usage error
 * before anything is captured); open the handle (live or file), the -w dump and the --log
 * file while still root; drop to --user (default nobody) on a live capture; dispatch packets
 * into the engine until the file ends, --count, --duration or SIGINT/SIGTERM; then close every
 * flow, write the log, the dataset runs and a summary on stdout.
 *
 * A process that has dropped root cannot rename a file into a directory only root may write,
 * and datasets are only ever written atomically (temp file + rename). So when a live capture
 * as root writes a dataset, the command splits in two (privilege separation, as OpenSSH
 * does): the parent keeps root, does nothing but wait; the child opens the device, drops
 * privileges, captures, and sends its runs back through a pipe; the parent appends them and
 * saves. Signals sent to the parent are forwarded to the child.
 *
 * Expected load: one invocation per capture; the per-packet work is in engine.c.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "core/cli.h"
#include "core/dataset.h"
#include "core/err.h"
#include "core/io.h"
#include "core/log.h"
#include "core/units.h"
#include "capture/capture_opts_int.h"

static const char usage[] =
    "usage: rigor capture (-i IFACE | -r FILE) [options]\n"
    "\n"
    "Measure HTTP/1.x transactions as they cross the wire: request first byte, request last\n"
    "byte, response first byte and response last byte of every transaction, matched in order\n"
    "per connection (pipelining included), live on an interface or offline from a pcap/pcapng.\n"
    "HTTPS without keys: TLS handshake time, SNI and version, and transactions approximated\n"
    "from TLS records (flagged \"tls\"; one per request/response turn).\n"
    "\n"
    "Source (one of):\n"
    "  -i, --interface IFACE  capture live (e.g. lo, eth0, any); needs root or CAP_NET_RAW\n"
    "  -r, --read FILE        read a pcap or pcapng file ('-' = stdin)\n"
    "\n"
    "Options:\n"
    "  -f, --filter EXPR      BPF filter, e.g. 'tcp port 8080' (default: live 'tcp or vlan',\n"
    "                         a file: none; only TCP is decoded either way)\n"
    "  -o, --output DATASET   append one run per server endpoint to DATASET (created if absent)\n"
    "      --log FILE         write one JSON object per transaction (JSON Lines; '-' = stdout)\n"
    "  -w, --write FILE       also save the captured packets (pcap, nanosecond stamps)\n"
    "      --label NAME       target label of the runs (default: the endpoint ADDR:PORT)\n"
    "      --title TEXT       title of a new dataset\n"
    "  -d, --duration D       stop a live capture after D (e.g. 10s, 2m)\n"
    "  -c, --count N          stop after N packets\n"
    "      --buffer SIZE      kernel capture buffer (default 64MiB), e.g. 256MiB\n"
    "      --immediate        deliver packets at once instead of in batches (more wake-ups)\n"
    "      --snaplen N        bytes kept per packet (default 262144: whole TSO/GRO segments)\n"
    "      --user NAME        user to switch to after opening the device (default: nobody)\n"
    "      --max-flows N      TCP flows tracked at once (default 65536; the idlest is evicted)\n"
    "      --idle-timeout D   forget a flow idle this long (default 120s)\n"
    "  -q, --quiet            no summary on stdout\n"
    "  -h, --help             this help\n"
    "\n"
    "Dataset runs have source \"capture\", url http://ADDR:PORT, requests, status, errors,\n"
    "latency (request first byte -> response last byte), ttfb (-> response first byte),\n"
    "server_time (request last byte -> response first byte), handshake_rtt and a capture\n"
    "object (packets, bytes, drops, ifdrops, flows, unmatched, midstream); TLS endpoints have\n"
    "url https://ADDR:PORT, tls_handshakes, tls_handshake (ClientHello -> the client's first\n"
    "data record) and tls (versions, sni, resumed). Kernel drops are always reported.\n"
    "SIGINT ends a live capture cleanly and writes everything.\n"
    "Exit status: 0 ok, 1 runtime failure (device), 2 usage or input error (bad file).\n"
    "See docs/capture.md (what TLS timing can and cannot see).\n"
    "\n"
    "examples:\n"
    "  rigor capture -i lo -f 'tcp port 8080' -o wire.json --log tx.jsonl\n"
    "  rigor capture -r https.pcap -o wire.json     # TLS flows: timings from records\n";

enum { O_LOG = 256, O_LABEL, O_TITLE, O_BUFFER, O_IMMEDIATE, O_SNAPLEN, O_USER, O_MAXFLOWS,
       O_IDLE };

static const struct option long_opts[] = {
    {"interface", required_argument, NULL, 'i'}, {"read", required_argument, NULL, 'r'},
    {"filter", required_argument, NULL, 'f'}, {"output", required_argument, NULL, 'o'},
    {"write", required_argument, NULL, 'w'}, {"log", required_argument, NULL, O_LOG},
    {"label", required_argument, NULL, O_LABEL}, {"title", required_argument, NULL, O_TITLE},
    {"duration", required_argument, NULL, 'd'}, {"count", required_argument, NULL, 'c'},
    {"buffer", required_argument, NULL, O_BUFFER}, {"immediate", no_argument, NULL, O_IMMEDIATE},
    {"snaplen", required_argument, NULL, O_SNAPLEN}, {"user", required_argument, NULL, O_USER},
    {"max-flows", required_argument, NULL, O_MAXFLOWS},
    {"idle-timeout", required_argument, NULL, O_IDLE}, {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};

/* Options whose value is a number; 0 or a usage error's status. */
static int parse_value(int c, const char *v, cap_opts *o)
{
    char err[RG_ERRLEN];
    uint64_t n;
    double s;
    switch (c) {
    case 'd':
        if (rg_parse_duration(v, &o->duration, err) || o->duration <= 0)
            return rg_usage_error("capture", "%s", o->duration <= 0 ? "duration must be > 0" : err);
        return 0;
    case 'c':
        if (rg_parse_count(v, &o->count, err) || o->count == 0)
            return rg_usage_error("capture", "%s", o->count == 0 ? "count must be > 0" : err);
        return 0;
    case O_BUFFER:
        if (rg_parse_size(v, &n, err) || n < 65536 || n > INT_MAX)
            return rg_usage_error("capture", "invalid buffer size '%s' (64KiB to 2GiB)", v);
        o->buffer = (int)n;
        return 0;
    case O_SNAPLEN:
        if (rg_parse_count(v, &n, err) || n < 96 || n > CAP_SNAPLEN)
            return rg_usage_error("capture", "invalid snap length '%s' (96 to %d)", v, CAP_SNAPLEN);
        o->snaplen = (int)n;
        return 0;
    case O_MAXFLOWS:
        if (rg_parse_count(v, &n, err) || n < 1 || n > 16000000)
            return rg_usage_error("capture", "invalid --max-flows '%s' (1 to 16M)", v);
        o->cfg.max_flows = (uint32_t)n;
        return 0;
    case O_IDLE:
        if (rg_parse_duration(v, &s, err) || s <= 0)
            return rg_usage_error("capture", "invalid --idle-timeout '%s'", v);
        o->cfg.idle_ns = (uint64_t)(s * 1e9);
        return 0;
    }
    return rg_usage_error("capture", "internal: option %d", c);
}

/* 0 to go on, -1 after --help, or a usage error's status. */
static int parse_opts(int argc, char **argv, cap_opts *o)
{
    memset(o, 0, sizeof *o);
    o->filter = NULL;      /* default chosen once the source is known */
    o->user = "nobody";
    o->snaplen = CAP_SNAPLEN;
    o->buffer = 64 << 20;
    cap_config_default(&o->cfg);
    opterr = 0;
    optind = 1;
    int c, rc;
    while ((c = getopt_long(argc, argv, ":i:r:f:o:w:d:c:qh", long_opts, NULL)) != -1) {
        switch (c) {
        case 'i': o->iface = optarg; break;
        case 'r': o->file = optarg; break;
        case 'f': o->filter = optarg; break;
        case 'o': o->dataset = optarg; break;
        case 'w': o->wfile = optarg; break;
        case O_LOG: o->logfile = optarg; break;
        case O_LABEL: o->label = optarg; break;
        case O_TITLE: o->title = optarg; break;
        case O_IMMEDIATE: o->immediate = 1; break;
        case O_USER: o->user = optarg; break;
        case 'q': o->quiet = 1; rg_log_level = RG_LOG_WARN; break;
        case 'h': fputs(usage, stdout); return -1;
        case 'd': case 'c': case O_BUFFER: case O_SNAPLEN: case O_MAXFLOWS: case O_IDLE:
            if ((rc = parse_value(c, optarg, o)) != 0)
                return rc;
            break;
        default: return rg_bad_option("capture", argv, c);
        }
    }
    if (optind < argc)
        return rg_usage_error("capture", "unexpected argument '%s'", argv[optind]);
    if ((o->iface == NULL) == (o->file == NULL))
        return rg_usage_error("capture", "give exactly one of -i IFACE or -r FILE");
    if (o->label != NULL && o->label[0] == '\0')
        return rg_usage_error("capture", "empty --label");
    if (o->file && o->duration > 0)
        return rg_usage_error("capture", "--duration applies to live captures (-i) only");
    if (o->file && rg_check_input_file("capture", o->file, 1) != 0)
        return RG_EXIT_USAGE;
    /*
     * Default filter. Live: "tcp or vlan" keeps the kernel from copying what the engine would
     * drop, while VLAN-tagged frames (which BPF's "tcp" does not look into) still reach the
     * decoder. A file: no filter at all; the decoder keeps TCP itself at any VLAN depth.
     */
    if (o->filter == NULL)
        o->filter = o->iface ? CAP_DEFAULT_FILTER : "";
    return 0;
}

/* The dataset's directory must be writable (checked before anything is captured). */
static int check_dataset_dir(const char *path)
{
    char dir[PATH_MAX];
    rg_dirname(path, dir, sizeof dir);
    char err[RG_ERRLEN];
    if (access(dir, W_OK) != 0)
        return rg_usage_error("capture", "cannot write a dataset in '%s': %s", dir,
                              strerror(errno));
    if (rg_check_output(path, err) != 0)
        return rg_usage_error("capture", "%s", err);
    return 0;
}

static pid_t child_pid;

static void forward_signal(int sig)
{
    if (child_pid > 0)
        kill(child_pid, sig);
}

/* Parent side of the privilege separation: wait for the child's runs and save them. */
static int privsep_parent(int fd, json_t *ds, const char *path, rg_dataset_file *df)
{
    json_error_t je;
    json_t *runs = json_loadfd(fd, JSON_DISABLE_EOF_CHECK, &je);
    close(fd);
    int status = 0;
    while (waitpid(child_pid, &status, 0) < 0 && errno == EINTR)
        ;
    int rc = WIFEXITED(status) ? WEXITSTATUS(status) : RG_EXIT_FAIL;
    return cap_save_runs(ds, path, df, runs, rc);
}

int cap_save_runs(json_t *ds, const char *path, rg_dataset_file *df, json_t *runs, int rc)
{
    char err[RG_ERRLEN];
    if (!json_is_array(runs)) {
        json_decref(runs);
        return rc ? rc : rg_fail(RG_EXIT_FAIL, "capture", "capture process sent no runs");
    }
    size_t n = json_array_size(runs), i;
    json_t *r;
    json_array_foreach(runs, i, r)
        rg_dataset_append_run(ds, json_incref(r));
    json_decref(runs);
    if (rg_dataset_save_runs(path, ds, df, err) != 0)
        return rg_fail(RG_EXIT_FAIL, "capture", "%s", err);
    rg_info("capture: %zu run%s appended to %s", n, n == 1 ? "" : "s", path);
    return rc;
}

int cmd_capture(int argc, char **argv)
{
    cap_opts o;
    char err[RG_ERRLEN];
    int rc = parse_opts(argc, argv, &o);
    if (rc != 0)
        return rc < 0 ? RG_EXIT_OK : rc;
    json_t *ds = NULL;
    rg_dataset_file df = {0};
    if (o.dataset != NULL) {
        if ((rc = check_dataset_dir(o.dataset)) != 0)
            return rc;
        ds = rg_dataset_open_or_new(o.dataset, o.title, argc, argv, &df, err);
        if (ds == NULL)
            return rg_usage_error("capture", "%s", err);
    }
    int privsep = ds != NULL && o.iface != NULL && geteuid() == 0 && strcmp(o.user, "root") != 0;
    if (!privsep) {
        json_t *runs = NULL;
        rc = cap_capture_main(&o, ds, &runs);
        if (ds != NULL)
            rc = cap_save_runs(ds, o.dataset, &df, runs, rc);
        json_decref(ds);
        return rc;
    }
    int fds[2];
    fflush(stdout);
    /* Installed before the fork so the parent never dies of a signal with its child running;
     * the child replaces it with its own handler before reading any packet. */
    struct sigaction sa = {.sa_handler = forward_signal};
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    if (pipe(fds) != 0 || (child_pid = fork()) < 0) {
        json_decref(ds);
        return rg_fail(RG_EXIT_FAIL, "capture", "cannot fork: %s", strerror(errno));
    }
    if (child_pid == 0) {
        close(fds[0]);
        json_t *runs = NULL;
        rc = cap_capture_main(&o, ds, &runs);
        if (runs != NULL)
            json_dumpfd(runs, fds[1], JSON_COMPACT);
        close(fds[1]);
        fflush(stdout);
        fflush(stderr);
        _exit(rc);
    }
    close(fds[1]);
    rc = privsep_parent(fds[0], ds, o.dataset, &df);
    json_decref(ds);
    return rc;
}
