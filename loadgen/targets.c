/*
 * loadgen/targets.c — request mixes: vegeta's targets files, and a plan's inline requests.
 *
 * Design: a targets file is read whole and checked whole before any run, so a bad entry is
 * one message naming the file, the line and the problem (exit 2 in `rigor load`). Two
 * formats, told apart by the first character that is not blank or a comment: `{` is vegeta's
 * JSON-lines format, anything else its HTTP format.
 *
 *   HTTP format (vegeta's -format=http): blank-line separated entries, each
 *       METHOD URL
 *       Header-Name: value        (any number)
 *       @path/to/body             (optional, ends the entry; relative to the file's directory)
 *     with `#` comment lines anywhere.
 *   JSON lines (vegeta's -format=json): one object per line,
 *       {"method": "POST", "url": "http://h/p", "header": {"Name": ["v"]},
 *        "body": "BASE64", "weight": 3}
 *     where "weight" (a positive number, default 1) is rigor's addition: entries are then
 *     drawn at random in proportion to their weights instead of sent round-robin.
 *
 * Every entry must use the scheme, host and port of the first one: a run loads one server
 * over one pool of connections (several servers are several plan targets). Method, URL and
 * headers are checked by the rules a single-URL run applies (url.c). Entries with the same
 * method and URL are one endpoint (their bodies or headers may differ): the run's
 * per-endpoint breakdown counts them together.
 *
 * Base64 bodies are decoded with OpenSSL's EVP_DecodeBlock (already linked for https), after
 * a strict check of the alphabet and padding that EVP_DecodeBlock does not do itself.
 *
 * Expected load: read once per command; up to LG_TARGETS_MAX entries and LG_ENDPOINTS_MAX
 * endpoints (each endpoint costs a histogram per thread).
 */
#include <errno.h>
#include <limits.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include "core/err.h"
#include "core/io.h"
#include "loadgen/loadgen.h"

#define LG_BODY_MAX (64u * 1024 * 1024)

/* Parser state: the list being built and where messages point. */
typedef struct tparse {
    lg_targets *t;
    const char *name;     /* file name for messages */
    const char *basedir;  /* where @body paths are relative to; NULL = cwd */
    lg_url origin;        /* the first entry's URL */
    bool have_origin;
    bool indexed;         /* a plan's array: "name[i]" instead of "name:line" */
    char *err;
} tparse;

static int fail(tparse *p, int line, const char *fmt, const char *a, const char *b)
{
    char msg[RG_ERRLEN];
    snprintf(msg, sizeof msg, fmt, a ? a : "", b ? b : "");
    if (line > 0 && p->indexed)
        return rg_err(p->err, "%s[%d]: %s", p->name, line - 1, msg);
    if (line > 0)
        return rg_err(p->err, "%s:%d: %s", p->name, line, msg);
    return rg_err(p->err, "%s: %s", p->name, msg);
}

void lg_targets_free(lg_targets *t)
{
    if (t == NULL)
        return;
    for (size_t i = 0; i < t->n; i++) {
        lg_target_req *r = &t->v[i];
        free(r->method);
        free(r->url);
        for (size_t h = 0; h < r->nheaders; h++)
            free(r->headers[h]);
        free(r->headers);
        free(r->body);
    }
    for (size_t e = 0; e < t->nendpoints; e++)
        free(t->endpoints[e]);
    free(t->endpoints);
    free(t->v);
    free(t);
}

/* A new empty entry at the end of the list (zeroed, weight 1), or NULL on OOM / too many. */
static lg_target_req *add_entry(tparse *p, int line)
{
    lg_targets *t = p->t;
    if (t->n == LG_TARGETS_MAX) {
        char max[32];
        snprintf(max, sizeof max, "%d", LG_TARGETS_MAX);
        fail(p, line, "too many entries (at most %s)", max, NULL);
        return NULL;
    }
    lg_target_req *nv = realloc(t->v, (t->n + 1) * sizeof *nv);
    if (nv == NULL) {
        rg_err_set(p->err, "out of memory");
        return NULL;
    }
    t->v = nv;
    lg_target_req *r = &t->v[t->n++];
    memset(r, 0, sizeof *r);
    r->weight = 1.0;
    r->line = line;
    return r;
}

static int add_header(tparse *p, lg_target_req *r, const char *name, size_t nlen,
                      const char *value, int line)
{
    char *h = malloc(nlen + strlen(value) + 3);
    char **nh = h ? realloc(r->headers, (r->nheaders + 1) * sizeof *nh) : NULL;
    if (nh == NULL) {
        free(h);
        return rg_err(p->err, "out of memory");
    }
    r->headers = nh;
    sprintf(h, "%.*s: %s", (int)nlen, name, value);
    r->headers[r->nheaders++] = h;
    char e[RG_ERRLEN];
    if (r->nheaders > 64)
        return fail(p, line, "too many headers in one entry (at most 64)", NULL, NULL);
    if (lg_header_check(h, e) < 0)
        return fail(p, line, "%s", e, NULL);
    return 0;
}

/* The endpoint index of method + URL, added when new. */
static int endpoint_of(tparse *p, lg_target_req *r)
{
    lg_targets *t = p->t;
    size_t need = strlen(r->method) + strlen(r->url) + 2;
    for (size_t e = 0; e < t->nendpoints; e++) {
        const char *s = t->endpoints[e];
        size_t ml = strlen(r->method);
        if (strncmp(s, r->method, ml) == 0 && s[ml] == ' ' && strcmp(s + ml + 1, r->url) == 0) {
            r->endpoint = e;
            return 0;
        }
    }
    if (t->nendpoints == LG_ENDPOINTS_MAX) {
        char max[32];
        snprintf(max, sizeof max, "%d", LG_ENDPOINTS_MAX);
        return fail(p, r->line, "too many distinct method + URL pairs (at most %s)", max, NULL);
    }
    char **ne = realloc(t->endpoints, (t->nendpoints + 1) * sizeof *ne);
    char *s = ne ? malloc(need) : NULL;
    if (s == NULL) {
        if (ne)
            t->endpoints = ne;
        return rg_err(p->err, "out of memory");
    }
    t->endpoints = ne;
    snprintf(s, need, "%s %s", r->method, r->url);
    r->endpoint = t->nendpoints;
    t->endpoints[t->nendpoints++] = s;
    return 0;
}

/* Method and URL of a finished entry: valid, and on the first entry's origin. */
static int check_entry(tparse *p, lg_target_req *r)
{
    char e[RG_ERRLEN];
    lg_url u;
    if (lg_method_check(r->method, e) < 0)
        return fail(p, r->line, "%s", e, NULL);
    if (lg_url_parse(r->url, &u, e) < 0)
        return fail(p, r->line, "%s", e, NULL);
    if (!p->have_origin) {
        p->origin = u;
        p->have_origin = true;
    } else {
        bool same = u.tls == p->origin.tls && u.port == p->origin.port &&
                    strcmp(u.host, p->origin.host) == 0;
        lg_url_free(&u);
        if (!same)
            return fail(p, r->line, "'%s' is not on %s (every entry of a targets file must "
                        "use the scheme, host and port of the first)", r->url,
                        p->origin.hostport);
    }
    return endpoint_of(p, r);
}

/* @path: the body, read from a file relative to the targets file's directory. */
static int read_body(tparse *p, lg_target_req *r, const char *path, int line)
{
    char full[PATH_MAX], e[RG_ERRLEN];
    if (*path == '\0')
        return fail(p, line, "'@' without a body file name", NULL, NULL);
    if (path[0] == '/' || p->basedir == NULL)
        snprintf(full, sizeof full, "%s", path);
    else
        snprintf(full, sizeof full, "%s/%s", p->basedir, path);
    r->body = rg_read_file(full, &r->body_len, LG_BODY_MAX, e);
    if (r->body == NULL)
        return fail(p, line, "body %s", e, NULL);
    return 0;
}

/* Split text into lines in place (NUL-terminated, CR stripped); returns the next line. */
static char *next_line(char **cur)
{
    char *s = *cur, *nl;
    if (s == NULL)
        return NULL;
    nl = strchr(s, '\n');
    if (nl != NULL) {
        *nl = '\0';
        *cur = nl + 1;
    } else {
        *cur = NULL;
    }
    size_t n = strlen(s);
    if (n > 0 && s[n - 1] == '\r')
        s[n - 1] = '\0';
    return s;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    return s;
}

/* "METHOD URL" of an HTTP-format entry. */
static int http_request_line(tparse *p, char *s, int line)
{
    char *sp = strpbrk(s, " \t");
    if (sp == NULL)
        return fail(p, line, "expected 'METHOD URL', got '%.200s'", s, NULL);
    *sp = '\0';
    char *url = trim(sp + 1);
    lg_target_req *r = add_entry(p, line);
    if (r == NULL)
        return -1;
    r->method = strdup(s);
    r->url = strdup(url);
    if (r->method == NULL || r->url == NULL)
        return rg_err(p->err, "out of memory");
    if (strpbrk(url, " \t") != NULL)
        return fail(p, line, "expected 'METHOD URL', got '%.200s %.200s'", s, url);
    return 0;
}

/* One line inside an HTTP-format entry: a header or the @body. 1 when the entry ended. */
static int http_entry_line(tparse *p, char *s, int line)
{
    lg_target_req *r = &p->t->v[p->t->n - 1];
    if (s[0] == '@')
        return read_body(p, r, trim(s + 1), line) < 0 ? -1 : 1;
    char *colon = strchr(s, ':');
    if (colon == NULL)
        return fail(p, line, "bad header '%.200s' (expected 'Name: value', or @body-file)",
                    s, NULL);
    size_t nlen = (size_t)(colon - s);
    while (nlen > 0 && (s[nlen - 1] == ' ' || s[nlen - 1] == '\t'))
        nlen--;
    return add_header(p, r, s, nlen, trim(colon + 1), line);
}

/* vegeta's HTTP format (see the file comment). */
static int parse_http(tparse *p, char *text)
{
    char *cur = text, *raw;
    int line = 0;
    bool in_entry = false;
    while ((raw = next_line(&cur)) != NULL) {
        line++;
        char *s = trim(raw);
        if (s[0] == '#')
            continue;
        if (s[0] == '\0') {
            if (in_entry && check_entry(p, &p->t->v[p->t->n - 1]) < 0)
                return -1;
            in_entry = false;
            continue;
        }
        int rc = in_entry ? http_entry_line(p, s, line) : http_request_line(p, s, line);
        if (rc < 0)
            return -1;
        if (rc == 1 && check_entry(p, &p->t->v[p->t->n - 1]) < 0)
            return -1;
        in_entry = rc == 0;
    }
    if (in_entry && check_entry(p, &p->t->v[p->t->n - 1]) < 0)
        return -1;
    return 0;
}

/* Standard base64 with padding (RFC 4648 §4), strictly: EVP_DecodeBlock alone accepts
 * blanks and does not subtract the padding. New buffer (caller frees) or NULL. */
static char *b64_decode(const char *s, size_t *len)
{
    size_t n = strlen(s), pad = 0;
    if (n % 4 != 0)
        return NULL;
    while (pad < 2 && pad < n && s[n - 1 - pad] == '=')
        pad++;
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                   "0123456789+/";
    if (strspn(s, alphabet) != n - pad)
        return NULL;
    unsigned char *out = malloc(n / 4 * 3 + 1);
    if (out == NULL)
        return NULL;
    int got = n ? EVP_DecodeBlock(out, (const unsigned char *)s, (int)n) : 0;
    if (got < 0 || (size_t)got < pad) {
        free(out);
        return NULL;
    }
    *len = (size_t)got - pad;
    out[*len] = '\0';
    return (char *)out;
}

/* "header": {"Name": ["v1", "v2"]} (vegeta), also {"Name": "v"}. */
static int json_headers(tparse *p, lg_target_req *r, json_t *h, int line)
{
    const char *name;
    json_t *vals;
    if (h == NULL || json_is_null(h))
        return 0;
    if (!json_is_object(h))
        return fail(p, line, "\"header\" must be an object of name: [values]", NULL, NULL);
    json_object_foreach(h, name, vals) {
        json_t *v;
        size_t i;
        if (json_is_string(vals)) {
            if (add_header(p, r, name, strlen(name), json_string_value(vals), line) < 0)
                return -1;
            continue;
        }
        if (!json_is_array(vals))
            return fail(p, line, "header '%.100s': expected an array of strings", name, NULL);
        json_array_foreach(vals, i, v) {
            if (!json_is_string(v))
                return fail(p, line, "header '%.100s': expected an array of strings", name,
                            NULL);
            if (add_header(p, r, name, strlen(name), json_string_value(v), line) < 0)
                return -1;
        }
    }
    return 0;
}

/* The body of a JSON entry: "body" (base64, vegeta) or, in plans, "body_text" / "body_file". */
static int json_body(tparse *p, lg_target_req *r, json_t *o, int line)
{
    json_t *b = json_object_get(o, "body"), *bt = json_object_get(o, "body_text"),
           *bf = json_object_get(o, "body_file");
    if ((b != NULL) + (bt != NULL) + (bf != NULL) > 1)
        return fail(p, line, "\"body\", \"body_text\" and \"body_file\" are exclusive", NULL,
                    NULL);
    if (bf != NULL) {
        if (!json_is_string(bf))
            return fail(p, line, "\"body_file\" must be a file name", NULL, NULL);
        return read_body(p, r, json_string_value(bf), line);
    }
    if (bt != NULL) {
        if (!json_is_string(bt))
            return fail(p, line, "\"body_text\" must be a string", NULL, NULL);
        r->body_len = json_string_length(bt);
        r->body = malloc(r->body_len + 1);
        if (r->body == NULL)
            return rg_err(p->err, "out of memory");
        memcpy(r->body, json_string_value(bt), r->body_len + 1);
        return 0;
    }
    if (b == NULL || json_is_null(b))
        return 0;
    if (!json_is_string(b) || (r->body = b64_decode(json_string_value(b), &r->body_len)) == NULL)
        return fail(p, line, "\"body\" must be base64 (RFC 4648, with padding)", NULL, NULL);
    return 0;
}

static const char *const json_keys[] = {"method", "url", "header", "body", "body_text",
                                        "body_file", "weight", NULL};

/* One entry from a JSON object (a JSON-lines line, or an element of a plan's "requests"). */
static int json_entry(tparse *p, json_t *o, int line)
{
    const char *k;
    json_t *v;
    if (!json_is_object(o))
        return fail(p, line, "expected a JSON object {\"method\", \"url\", ...}", NULL, NULL);
    json_object_foreach(o, k, v) {
        size_t i = 0;
        while (json_keys[i] && strcmp(json_keys[i], k) != 0)
            i++;
        if (json_keys[i] == NULL)
            return fail(p, line, "unknown key '%.100s' (known: method, url, header, body, "
                        "body_text, body_file, weight)", k, NULL);
    }
    json_t *m = json_object_get(o, "method"), *u = json_object_get(o, "url"),
           *w = json_object_get(o, "weight");
    if (!json_is_string(u))
        return fail(p, line, "\"url\" missing or not a string", NULL, NULL);
    if (m != NULL && !json_is_string(m))
        return fail(p, line, "\"method\" must be a string", NULL, NULL);
    lg_target_req *r = add_entry(p, line);
    if (r == NULL)
        return -1;
    r->method = strdup(m ? json_string_value(m) : "GET");
    r->url = strdup(json_string_value(u));
    if (r->method == NULL || r->url == NULL)
        return rg_err(p->err, "out of memory");
    if (w != NULL) {
        if (!json_is_number(w) || !(json_number_value(w) > 0) || json_number_value(w) > 1e9)
            return fail(p, line, "\"weight\" must be a number in (0, 1e9]", NULL, NULL);
        r->weight = json_number_value(w);
        p->t->weighted = true;
    }
    if (json_headers(p, r, json_object_get(o, "header"), line) < 0 ||
        json_body(p, r, o, line) < 0)
        return -1;
    return check_entry(p, r);
}

/* vegeta's JSON-lines format: one object per non-blank line. */
static int parse_jsonl(tparse *p, char *text)
{
    char *cur = text, *raw;
    int line = 0;
    while ((raw = next_line(&cur)) != NULL) {
        line++;
        char *s = trim(raw);
        if (s[0] == '\0' || s[0] == '#')
            continue;
        json_error_t je;
        json_t *o = json_loads(s, JSON_REJECT_DUPLICATES, &je);
        if (o == NULL)
            return fail(p, line, "invalid JSON: %.200s", je.text, NULL);
        int rc = json_entry(p, o, line);
        json_decref(o);
        if (rc < 0)
            return -1;
    }
    return 0;
}

static lg_targets *finish(tparse *p, int rc)
{
    if (p->have_origin)
        lg_url_free(&p->origin);
    if (rc == 0 && p->t->n == 0) {
        fail(p, 0, "no requests in it", NULL, NULL);
        rc = -1;
    }
    if (rc < 0) {
        lg_targets_free(p->t);
        return NULL;
    }
    return p->t;
}

static int start(tparse *p, const char *name, const char *basedir, char *err)
{
    memset(p, 0, sizeof *p);
    p->name = name;
    p->basedir = basedir;
    p->err = err;
    p->t = calloc(1, sizeof *p->t);
    return p->t ? 0 : rg_err(err, "out of memory");
}

lg_targets *lg_targets_parse(const char *text, size_t len, const char *name,
                             const char *basedir, char *err)
{
    tparse p;
    if (start(&p, name, basedir, err) < 0)
        return NULL;
    if (memchr(text, '\0', len) != NULL) {
        fail(&p, 0, "contains a NUL byte (not a text file)", NULL, NULL);
        return finish(&p, -1);
    }
    char *copy = malloc(len + 1);
    if (copy == NULL) {
        rg_err_set(err, "out of memory");
        return finish(&p, -1);
    }
    memcpy(copy, text, len);
    copy[len] = '\0';
    /* the first character that is not blank and not in a # comment line tells the format */
    const char *s = copy;
    for (;;) {
        s += strspn(s, " \t\r\n");
        if (*s != '#')
            break;
        s += strcspn(s, "\n");
    }
    int rc = *s == '{' ? parse_jsonl(&p, copy) : parse_http(&p, copy);
    free(copy);
    return finish(&p, rc);
}

lg_targets *lg_targets_read(const char *path, char *err)
{
    char e[RG_ERRLEN], dir[PATH_MAX];
    size_t len;
    char *text = rg_read_file(path, &len, LG_BODY_MAX, e);
    if (text == NULL) {
        rg_err_set(err, "--targets: %s", e);
        return NULL;
    }
    rg_dirname(path, dir, sizeof dir);
    lg_targets *t = lg_targets_parse(text, len, path, dir, err);
    free(text);
    return t;
}

lg_targets *lg_targets_from_json(const json_t *arr, const char *name, const char *basedir,
                                 char *err)
{
    tparse p;
    size_t i;
    json_t *o;
    if (start(&p, name, basedir, err) < 0)
        return NULL;
    p.indexed = true;
    if (!json_is_array(arr)) {
        fail(&p, 0, "must be an array of {\"method\", \"url\", ...} objects", NULL, NULL);
        return finish(&p, -1);
    }
    json_array_foreach(arr, i, o) {
        if (json_entry(&p, o, (int)i + 1) < 0)
            return finish(&p, -1);
    }
    return finish(&p, 0);
}
