/*
 * import/im_jmeter.c — JMeter result files (jmeter-jtl): JTL CSV, with or without its header
 * line, and JTL XML.
 *
 * CSV: with a header the columns are found by name (timeStamp, elapsed, label, responseCode,
 * responseMessage, success, failureMessage, bytes, sentBytes, allThreads, URL); JMeter 5
 * prints it, JMeter 2.x does not by default (print_field_names=false). Without a header the
 * first eight columns are the same in every version (timeStamp, elapsed, label,
 * responseCode, responseMessage, threadName, dataType, success) and, when the last four are
 * integers, they are 2.x's default tail (bytes, grpThreads, allThreads, Latency). The
 * delimiter is a comma or a tab (default_delimiter). timeStamp is epoch milliseconds, or a
 * SimpleDateFormat text in the JMeter machine's local time (read in this machine's TZ,
 * and the run says so); it is the sample's start (sampleresult.timestamp.start=true is
 * JMeter's shipped setting). elapsed is whole milliseconds.
 * XML: parsed with expat, a maintained streaming parser — JTL files reach gigabytes, and a
 * SAX parser reads them in constant memory with line numbers for errors. Top-level
 * <httpSample> and <sample> elements are the samples; nested ones are sub-results (embedded
 * resources, redirects) already inside their parent's time and are not counted twice.
 * Errors: a numeric responseCode is a response (4xx/5xx a status error; success=false with
 * another code is a failed assertion); "Non HTTP response code: java.net.ConnectException"
 * and the like are no response, of the kind the exception names. Transaction Controller
 * parents ("Number of samples in transaction") would count their children twice and are
 * left out.
 * Expected load: up to millions of samples, streamed twice.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <expat.h>
#include "core/err.h"
#include "import/import_int.h"

int im_sniff_jmeter(const im_src *s)
{
    char line[1024];
    im_head_line(s, line, sizeof line);
    if (im_starts(line, "timeStamp,elapsed") || im_starts(line, "timeStamp\telapsed"))
        return 100;
    if (im_head_has(s, "<testResults"))
        return 100;
    /* header-less: 13-digit epoch ms, an integer, a label, ..., success = true/false */
    size_t i = 0;
    while (isdigit((unsigned char)line[i]))
        i++;
    if (i != 13 || (line[i] != ',' && line[i] != '\t'))
        return 0;
    return strstr(line, ",true,") || strstr(line, ",false,") || strstr(line, "\ttrue\t") ||
                   strstr(line, "\tfalse\t") ? 80 : 0;
}

typedef struct jm_rec {
    const char *ts, *elapsed, *label, *code, *msg, *success, *fmsg, *bytes, *sent, *threads,
               *url;
} jm_rec;

/* One sample, CSV or XML. */
static int jm_take(im_ctx *c, const jm_rec *r, long line, char *err)
{
    im_acc *a = c->acc;
    int64_t ts = 0, el = 0, code = 0, v;
    if (r->msg && im_starts(r->msg, "Number of samples in transaction")) {
        if (a->pass == 2)
            im_acc_note(a, "Transaction Controller samples left out (their children are "
                        "counted)");
        return 0;
    }
    if (!r->ts || !r->elapsed || im_int(r->elapsed, &el) != 0 || el < 0)
        return im_src_err(c->src, line, err, "expected a timestamp and a whole number of "
                          "milliseconds elapsed");
    im_sample s = {.start_ns = IM_NO_TIME, .end_ns = IM_NO_TIME, .latency_us = (double)el * 1000,
                   .kind = IM_ERR_NONE, .bytes_in = -1, .bytes_out = -1};
    if (im_int(r->ts, &ts) == 0 && ts > 100000000000LL && ts < IM_MAX_EPOCH_S * 1000) {
        s.start_ns = ts * 1000000;
    } else if (im_time_local(r->ts, "%Y/%m/%d %H:%M:%S", &s.start_ns) == 0 ||
               im_time_local(r->ts, "%Y-%m-%d %H:%M:%S", &s.start_ns) == 0) {
        if (a->pass == 2)
            im_acc_note(a, "timeStamp is local time without a zone: read in this machine's "
                        "time zone (set TZ to the JMeter machine's)");
    } else {
        return im_src_err(c->src, line, err, "timeStamp '%.40s' is neither epoch milliseconds "
                          "nor yyyy/MM/dd HH:mm:ss.SSS", r->ts);
    }
    bool numeric = r->code && im_int(r->code, &code) == 0 && code >= 100 && code <= 999;
    bool ok = r->success && strcmp(r->success, "true") == 0;
    if (numeric) {
        s.status = (int)code;
        if (!ok && code < 400) {
            s.kind = IM_ERR_ASSERTION;
            s.detail = r->fmsg && *r->fmsg ? r->fmsg : r->msg;
        }
    } else {
        char text[400];
        snprintf(text, sizeof text, "%s %s", r->code ? r->code : "", r->msg ? r->msg : "");
        s.kind = im_kind_from_text(text);
        s.detail = text;
        s.latency_us = -1;
        return im_acc_sample(a, &s) == 0 ? 0 : rg_err(err, "out of memory");
    }
    if (r->bytes && im_int(r->bytes, &v) == 0 && v >= 0)
        s.bytes_in = v;
    if (r->sent && im_int(r->sent, &v) == 0 && v >= 0)
        s.bytes_out = v;
    if (a->pass == 2 && r->threads && im_int(r->threads, &v) == 0 && v > a->concurrency)
        a->concurrency = v;
    if (a->pass == 2 && r->url && *r->url && strcmp(r->url, "null") != 0)
        im_acc_set_url(a, r->url);
    return im_acc_sample(a, &s) == 0 ? 0 : rg_err(err, "out of memory");
}

/* ---- CSV ---- */

enum { J_TS, J_EL, J_LABEL, J_CODE, J_MSG, J_SUCCESS, J_FMSG, J_BYTES, J_SENT, J_THREADS,
       J_URL, J_N };
static const char *const jm_names[J_N] = {"timeStamp", "elapsed", "label", "responseCode",
                                          "responseMessage", "success", "failureMessage",
                                          "bytes", "sentBytes", "allThreads", "URL"};

typedef struct jm_csv {
    im_ctx *c;
    int col[J_N];
    bool started, header;
} jm_csv;

static bool all_int(char **f, size_t from, size_t n)
{
    int64_t v;
    for (size_t i = from; i < n; i++)
        if (im_int(f[i], &v) != 0)
            return false;
    return true;
}

static int jm_csv_row(void *ctx, char **f, size_t n, long line, char *err)
{
    jm_csv *j = ctx;
    if (!j->started) {
        j->started = true;
        j->header = strcmp(f[0], "timeStamp") == 0;
        for (int i = 0; i < J_N; i++) {
            j->col[i] = -1;
            for (size_t k = 0; j->header && k < n; k++)
                if (strcmp(f[k], jm_names[i]) == 0)
                    j->col[i] = (int)k;
        }
        if (j->header) {
            if (j->col[J_TS] < 0 || j->col[J_EL] < 0 || j->col[J_CODE] < 0)
                return im_src_err(j->c->src, line, err, "JTL header without timeStamp, "
                                  "elapsed and responseCode");
            return 0;
        }
        static const int fixed[] = {J_TS, J_EL, J_LABEL, J_CODE, J_MSG, -1, -1, J_SUCCESS};
        for (int k = 0; k < 8; k++)
            if (fixed[k] >= 0)
                j->col[fixed[k]] = k;
        if (j->c->acc->pass == 2)
            im_acc_note(j->c->acc, "JTL without a header line: columns after \"success\" "
                        "read as JMeter 2.x's default (bytes, grpThreads, allThreads, Latency) "
                        "when they are integers");
    }
    if (!j->header && n < 8)
        return im_src_err(j->c->src, line, err, "%zu fields; a header-less JTL line has at "
                          "least 8 (timeStamp ... success)", n);
    jm_rec r = {0};
    const char **slot[J_N] = {&r.ts, &r.elapsed, &r.label, &r.code, &r.msg, &r.success,
                              &r.fmsg, &r.bytes, &r.sent, &r.threads, &r.url};
    for (int i = 0; i < J_N; i++)
        *slot[i] = j->col[i] >= 0 && (size_t)j->col[i] < n ? f[j->col[i]] : NULL;
    if (!j->header && n >= 12 && all_int(f, n - 4, n)) {
        r.bytes = f[n - 4];
        r.threads = f[n - 2];
    }
    return jm_take(j->c, &r, line, err);
}

/* ---- XML ---- */

typedef struct jm_xml {
    im_ctx *c;
    XML_Parser p;
    int depth;
    int rc;
    char *err;
    uint64_t nested;
    bool root_ok;
} jm_xml;

static const char *attr(const XML_Char **at, const char *name)
{
    for (size_t i = 0; at[i]; i += 2)
        if (strcmp(at[i], name) == 0)
            return at[i + 1];
    return NULL;
}

static void XMLCALL on_start(void *ud, const XML_Char *el, const XML_Char **at)
{
    jm_xml *x = ud;
    x->depth++;
    if (x->rc != 0)
        return;
    if (x->depth == 1) {
        x->root_ok = strcmp(el, "testResults") == 0;
        return;
    }
    bool sample = strcmp(el, "httpSample") == 0 || strcmp(el, "sample") == 0;
    if (sample && x->depth > 2) {
        x->nested++;
        return;
    }
    if (!sample || x->depth != 2)
        return;
    jm_rec r = {attr(at, "ts"), attr(at, "t"), attr(at, "lb"), attr(at, "rc"), attr(at, "rm"),
                attr(at, "s"), NULL, attr(at, "by"), attr(at, "sby"), attr(at, "na"), NULL};
    x->rc = jm_take(x->c, &r, (long)XML_GetCurrentLineNumber(x->p), x->err);
    if (x->rc != 0)
        XML_StopParser(x->p, XML_FALSE);
}

static void XMLCALL on_end(void *ud, const XML_Char *el)
{
    jm_xml *x = ud;
    (void)el;
    x->depth--;
}

static int jm_read_xml(im_ctx *c, char *err)
{
    jm_xml x = {.c = c, .err = err};
    char *line;
    size_t len;
    int rc;
    if ((x.p = XML_ParserCreate(NULL)) == NULL)
        return rg_err(err, "out of memory");
    XML_SetUserData(x.p, &x);
    XML_SetElementHandler(x.p, on_start, on_end);
    while ((rc = im_src_line(c->src, &line, &len, err)) > 0 && x.rc == 0) {
        line[len] = '\n';   /* the reader's buffer has room for the terminator it removed */
        if (XML_Parse(x.p, line, (int)len + 1, 0) == XML_STATUS_ERROR && x.rc == 0)
            x.rc = im_src_err(c->src, (long)XML_GetCurrentLineNumber(x.p), err, "invalid JTL "
                              "XML: %s", XML_ErrorString(XML_GetErrorCode(x.p)));
    }
    if (rc == 0 && x.rc == 0 && XML_Parse(x.p, "", 0, 1) == XML_STATUS_ERROR)
        x.rc = im_src_err(c->src, (long)XML_GetCurrentLineNumber(x.p), err, "invalid JTL XML: "
                          "%s", XML_ErrorString(XML_GetErrorCode(x.p)));
    XML_ParserFree(x.p);
    if (rc < 0 || x.rc != 0)
        return -1;
    if (!x.root_ok)
        return im_src_err(c->src, 0, err, "not a JTL file: the root element is not "
                          "<testResults>");
    if (x.nested && c->acc->pass == 2)
        im_acc_note(c->acc, "%llu sub-results (embedded resources, redirects) are inside their "
                    "parent samples' times and not counted as requests",
                    (unsigned long long)x.nested);
    return 0;
}

int im_read_jmeter(im_ctx *c, char *err)
{
    im_acc *a = c->acc;
    char head[1024];
    im_acc_sees(a, IM_ERR_CONNECT, IM_ERR_STATUS);
    a->resolution_us = 1000;
    if (im_head_has(c->src, "<testResults"))
        return jm_read_xml(c, err);
    im_head_line(c->src, head, sizeof head);
    unsigned char delim = strchr(head, '\t') && !strchr(head, ',') ? '\t' :
                          strcspn(head, "\t") < strcspn(head, ",") ? '\t' : ',';
    jm_csv j = {.c = c};
    return im_csv_read(c->src, delim, jm_csv_row, &j, err);
}
