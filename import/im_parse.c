/*
 * import/im_parse.c — the values inside result files: numbers, timestamps, URLs and the
 * error messages tools write.
 *
 * Design: strict number parsing (the whole field, finite) so a shifted column is an error,
 * not a silent zero. Timestamps come in four shapes across the tools: RFC 3339 with a zone
 * (k6 JSON, vegeta, autocannon — converted to UTC here, whatever zone the tool's machine
 * had), epoch numbers in s/ms/µs/ns (k6 CSV's time_format, JMeter, Locust), and local-time
 * text without a zone (ab's ctime column, JMeter's date formats), read in this machine's TZ.
 * Error messages are free text; im_kind_from_text maps the usual wordings of Go, Java,
 * Python and Node to the dataset's error kinds, most specific first.
 * Expected load: a few calls per record.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "import/import_int.h"

bool im_starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

uint64_t im_count(double v)
{
    if (!(v > 0))
        return 0;
    return v < 1152921504606846976.0 ? (uint64_t)v : UINT64_C(1152921504606846976);
}

int im_num(const char *s, double *out)
{
    char *end;
    while (isspace((unsigned char)*s))
        s++;
    if (*s == '\0' || isalpha((unsigned char)*s))   /* no "nan", "inf" */
        return -1;
    errno = 0;
    double v = strtod(s, &end);
    while (isspace((unsigned char)*end))
        end++;
    if (end == s || *end != '\0' || errno == ERANGE || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

int im_int(const char *s, int64_t *out)
{
    char *end;
    while (isspace((unsigned char)*s))
        s++;
    if (*s == '\0')
        return -1;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    while (isspace((unsigned char)*end))
        end++;
    if (end == s || *end != '\0' || errno == ERANGE)
        return -1;
    *out = v;
    return 0;
}

/* Digits at *p: exactly n of them into *v. */
static int digits(const char **p, int n, int *v)
{
    *v = 0;
    for (int i = 0; i < n; i++, (*p)++) {
        if (!isdigit((unsigned char)**p))
            return -1;
        *v = *v * 10 + (**p - '0');
    }
    return 0;
}

/* ".123456789" -> nanoseconds (more than 9 digits are cut). */
static int64_t fraction_ns(const char **p)
{
    int64_t ns = 0, scale = 100000000;
    if (**p != '.' && **p != ',')
        return 0;
    (*p)++;
    for (; isdigit((unsigned char)**p); (*p)++) {
        ns += (**p - '0') * scale;
        scale /= 10;
    }
    return ns;
}

/* "Z", "+02:00", "-0530" or nothing (UTC): seconds east of UTC. */
static int zone_offset(const char *p, long *off)
{
    int h, m = 0, sign;
    *off = 0;
    while (*p == ' ')
        p++;
    if (*p == '\0' || ((*p == 'Z' || *p == 'z') && p[1] == '\0'))
        return 0;
    if (strcmp(p, "UTC") == 0 || strcmp(p, "GMT") == 0)
        return 0;
    if (*p != '+' && *p != '-')
        return -1;
    sign = *p++ == '-' ? -1 : 1;
    if (digits(&p, 2, &h) != 0)
        return -1;
    if (*p == ':')
        p++;
    if (*p && digits(&p, 2, &m) != 0)
        return -1;
    if (*p != '\0' || h > 23 || m > 59)
        return -1;
    *off = sign * (h * 3600L + m * 60L);
    return 0;
}

int im_time_iso(const char *s, int64_t *ns)
{
    struct tm tm;
    int y, mo, d, h, mi, se;
    long off;
    const char *p = s;
    memset(&tm, 0, sizeof tm);
    while (*p == ' ')
        p++;
    if (digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) || *p++ != '-' ||
        digits(&p, 2, &d) || (*p != 'T' && *p != 't' && *p != ' '))
        return -1;
    p++;
    if (digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi) || *p++ != ':' ||
        digits(&p, 2, &se))
        return -1;
    int64_t frac = fraction_ns(&p);
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60 ||
        zone_offset(p, &off) != 0)
        return -1;
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = se;
    time_t t = timegm(&tm);
    if ((t == (time_t)-1 && !(y == 1969)) || t - off > IM_MAX_EPOCH_S || t - off < -IM_MAX_EPOCH_S)
        return -1;
    *ns = ((int64_t)t - off) * 1000000000 + frac;
    return 0;
}

int im_time_local(const char *s, const char *fmt, int64_t *ns)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    const char *rest = strptime(s, fmt, &tm);
    if (rest == NULL)
        return -1;
    int64_t frac = fraction_ns(&rest);
    while (*rest == ' ')
        rest++;
    if (*rest != '\0')
        return -1;
    tm.tm_isdst = -1;
    time_t t = mktime(&tm);
    if (t == (time_t)-1 || t > IM_MAX_EPOCH_S || t < -IM_MAX_EPOCH_S)
        return -1;
    *ns = (int64_t)t * 1000000000 + frac;
    return 0;
}

int im_time_epoch_auto(double v, int64_t *ns, double *resolution_s)
{
    /* 1e9 s is 2001; every unit is told apart by its size until the year 2286 */
    static const struct { double below, ns_per; } units[] = {
        {1e10, 1e9}, {1e13, 1e6}, {1e16, 1e3}, {9e18, 1}};
    if (!(v >= 1e8))
        return -1;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (v < units[i].below) {
            /* whole numbers multiply exactly in integers (ms * 1e6 is beyond a double's 53 bits) */
            if (v * units[i].ns_per > 9e18)
                return -1;
            *ns = v == floor(v) && v < 9e15 ? (int64_t)v * (int64_t)units[i].ns_per
                                            : (int64_t)llround(v * units[i].ns_per);
            if (resolution_s)
                *resolution_s = v == floor(v) ? units[i].ns_per / 1e9 : 0;
            return 0;
        }
    }
    return -1;
}

static bool has(const char *hay, const char *const *needles)
{
    for (size_t i = 0; needles[i]; i++)
        if (strcasestr(hay, needles[i]))
            return true;
    return false;
}

int im_kind_from_text(const char *msg)
{
    static const char *const conn[] = {
        "refused", "connectexception", "no route to host", "unreachable", "no such host",
        "dial", "name or service not known", "could not resolve", "unknownhost",
        "connecttimeout", "newconnectionerror", "getaddrinfo", "enotfound", NULL};
    static const char *const tmo[] = {
        "timeout", "timed out", "deadline exceeded", "etimedout", NULL};
    static const char *const wr[] = {"broken pipe", "epipe", "write:", NULL};
    static const char *const rd[] = {
        "reset", "econnreset", "eof", "closed", "disconnected", "nohttpresponse",
        "premature", "end of file", "read:", "socketexception", "aborted", NULL};
    static const char *const proto[] = {
        "malformed", "parse", "invalid http", "protocol", "tls", "ssl", "certificate",
        "x509", "http2", "mismatch", "unexpected", NULL};
    static const char *const st[] = {
        "httperror", "server error", "client error", "status code", "non-2xx", NULL};
    if (msg == NULL || *msg == '\0')
        return IM_ERR_OTHER;
    if (has(msg, conn))
        return IM_ERR_CONNECT;
    if (has(msg, tmo))
        return IM_ERR_TIMEOUT;
    if (has(msg, wr))
        return IM_ERR_WRITE;
    if (has(msg, rd))
        return IM_ERR_READ;
    if (has(msg, proto))
        return IM_ERR_PROTOCOL;
    if (has(msg, st))
        return IM_ERR_STATUS;
    return IM_ERR_OTHER;
}

int im_url_hostport(const char *url, char *buf, size_t len)
{
    const char *p = strstr(url, "://");
    if (p == NULL || p == url)
        return -1;
    size_t slen = (size_t)(p - url);
    const char *auth = p + 3, *end = auth + strcspn(auth, "/?#"), *at;
    while ((at = memchr(auth, '@', (size_t)(end - auth))) != NULL)
        auth = at + 1;
    if (end == auth || end - auth > 255)
        return -1;
    const char *close = *auth == '[' ? memchr(auth, ']', (size_t)(end - auth)) : NULL;
    const char *colon = memchr(close ? close : auth, ':', (size_t)(end - (close ? close : auth)));
    int port = strncasecmp(url, "https", slen) == 0 && slen == 5 ? 443 : 80;
    if (colon) {
        snprintf(buf, len, "%.*s", (int)(end - auth), auth);
        return 0;
    }
    snprintf(buf, len, "%.*s:%d", (int)(end - auth), auth, port);
    return 0;
}
