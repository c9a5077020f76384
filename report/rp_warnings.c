/*
 * report/rp_warnings.c — analyze's warnings in report.md, one line per kind.
 *
 * Design: on a noisy machine analyze warns about the same thing in many cells ("runs drift",
 * "runs needed for a ±2% CI"), each message with its own figures. One bullet per warning made
 * a wall of near-identical lines, so the warnings of one kind become one line listing the
 * cells. Nothing is dropped: when the messages differ, their common words are written once as
 * a template with "…" where they differ, and each cell is followed by its own words for the
 * gaps, so every message can be read back whole:
 *   - **runs_needed**, 8 cells (“throughput varies by … (CV): … runs needed for a ±2% CI”):
 *     nginx at 10 (13.2%, 169); nginx at 50 (14.6%, 207); ...
 * Messages with the same number of words are compared word by word (adjacent differing words
 * form one gap); otherwise the template is their common leading and trailing words.
 * A kind with a single warning keeps the plain form ("**nginx** at concurrency 10: message").
 * Kinds appear in order of first appearance, cells in analyze's order.
 * Expected load: up to a few hundred warnings; quadratic grouping is microseconds.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "core/dataset.h"
#include "core/text.h"
#include "report/report_int.h"

static const char *text(const json_t *w, const char *key)
{
    const char *s = json_string_value(json_object_get(w, key));
    return s ? s : "";
}

/* "nginx at 10" / "nginx at 100 req/s" / "nginx" for a warning's cell. */
static void cell(FILE *f, const json_t *w)
{
    char b[48];
    double c = rg_json_num(w, "concurrency", NAN), r = rg_json_num(w, "rate", NAN);
    rg_md_escape(f, text(w, "target"));
    if (!isnan(c))
        fprintf(f, " at %s", an_fmt_x(b, sizeof b, c));
    else if (!isnan(r))
        fprintf(f, " at %s req/s", an_fmt_x(b, sizeof b, r));
}

/* s[from, to) escaped for Markdown. */
static void escaped_part(FILE *f, const char *s, size_t from, size_t to)
{
    char *part = strndup(s + from, to > from ? to - from : 0);
    rg_md_escape(f, part ? part : "…");
    free(part);
}

/* The words of a message: start offsets and lengths, at most RP_MAX_WORDS. */
#define RP_MAX_WORDS 64
struct words {
    size_t at[RP_MAX_WORDS], len[RP_MAX_WORDS], n;
    bool whole;   /* false when the message had more words than fit */
};

static void split_words(const char *s, struct words *w)
{
    w->n = 0;
    w->whole = true;
    for (size_t i = 0; s[i];) {
        while (s[i] == ' ')
            i++;
        if (!s[i])
            break;
        if (w->n == RP_MAX_WORDS) {
            w->whole = false;
            return;
        }
        w->at[w->n] = i;
        while (s[i] && s[i] != ' ')
            i++;
        w->len[w->n] = i - w->at[w->n];
        w->n++;
    }
}

static bool same_word(const char *a, const struct words *wa, const char *b,
                      const struct words *wb, size_t k)
{
    return wa->len[k] == wb->len[k] && memcmp(a + wa->at[k], b + wb->at[k], wa->len[k]) == 0;
}

/*
 * Word-by-word template of the messages (all with the same number of words, the caller
 * checked): differ[k] is set for the words that are not the same in every message.
 */
static void differing_words(const json_t *ws, const size_t *idx, size_t n, bool *differ,
                            struct words *w0)
{
    const char *first = text(json_array_get(ws, idx[0]), "message");
    split_words(first, w0);
    memset(differ, 0, RP_MAX_WORDS * sizeof *differ);
    for (size_t i = 1; i < n; i++) {
        const char *m = text(json_array_get(ws, idx[i]), "message");
        struct words w;
        split_words(m, &w);
        for (size_t k = 0; k < w0->n; k++)
            differ[k] = differ[k] || !same_word(first, w0, m, &w, k);
    }
}

/* Whether every message has the same number of words (and fits), so words can be aligned. */
static bool alignable(const json_t *ws, const size_t *idx, size_t n)
{
    struct words w0, w;
    split_words(text(json_array_get(ws, idx[0]), "message"), &w0);
    for (size_t i = 1; i < n && w0.whole; i++) {
        split_words(text(json_array_get(ws, idx[i]), "message"), &w);
        if (!w.whole || w.n != w0.n)
            return false;
    }
    return w0.whole;
}

/* Whether every message fits in RP_MAX_WORDS words (else they are shown whole). */
static bool all_whole(const json_t *ws, const size_t *idx, size_t n)
{
    struct words w;
    for (size_t i = 0; i < n; i++) {
        split_words(text(json_array_get(ws, idx[i]), "message"), &w);
        if (!w.whole)
            return false;
    }
    return true;
}

/* Leading and trailing words common to every message (P + S never exceeds the shortest). */
static void common_words(const json_t *ws, const size_t *idx, size_t n, size_t *pre, size_t *suf)
{
    const char *first = text(json_array_get(ws, idx[0]), "message");
    struct words w0, w;
    split_words(first, &w0);
    size_t p = w0.n, sf = w0.n, shortest = w0.n;
    for (size_t i = 1; i < n; i++) {
        const char *m = text(json_array_get(ws, idx[i]), "message");
        split_words(m, &w);
        size_t k = 0;
        while (k < p && k < w.n && w.len[k] == w0.len[k] &&
               memcmp(m + w.at[k], first + w0.at[k], w.len[k]) == 0)
            k++;
        p = k;
        k = 0;
        while (k < sf && k < w.n) {
            size_t a = w.n - 1 - k, b = w0.n - 1 - k;
            if (w.len[a] != w0.len[b] || memcmp(m + w.at[a], first + w0.at[b], w.len[a]) != 0)
                break;
            k++;
        }
        sf = k;
        shortest = w.n < shortest ? w.n : shortest;
    }
    *pre = p;
    *suf = p + sf > shortest ? shortest - p : sf;
}

/* Words [from, to) of message m, escaped, as they stand in it; "–" when there are none. */
static void words_between(FILE *f, const char *m, size_t from, size_t to)
{
    struct words w;
    split_words(m, &w);
    if (to > w.n)
        to = w.n;
    if (from >= to)
        fputs("–", f);
    else
        escaped_part(f, m, w.at[from], w.at[to - 1] + w.len[to - 1]);
}

/* The template: the common words, "…" for each run of differing ones. */
static void word_template(FILE *f, const char *first, const struct words *w0, const bool *differ)
{
    for (size_t k = 0; k < w0->n; k++) {
        if (differ[k] && k > 0 && differ[k - 1])
            continue;
        fputs(k ? " " : "", f);
        if (differ[k])
            fputs("…", f);
        else
            escaped_part(f, first, w0->at[k], w0->at[k] + w0->len[k]);
    }
}

/* Whether a gap starts before word k (so k starts a later gap: separated by a comma). */
static bool gap_seen(const bool *differ, size_t k)
{
    for (size_t j = 0; j < k; j++)
        if (differ[j])
            return true;
    return false;
}

/* One message's words for the gaps: "13.2%, 169". */
static void word_gaps(FILE *f, const char *m, size_t nwords, const bool *differ)
{
    struct words w;
    split_words(m, &w);
    for (size_t k = 0; k < nwords && k < w.n; k++) {
        if (!differ[k])
            continue;
        fputs(k > 0 && differ[k - 1] ? " " : (k > 0 && !differ[k - 1] && gap_seen(differ, k))
                                                  ? ", " : "", f);
        escaped_part(f, m, w.at[k], w.at[k] + w.len[k]);
    }
}

/* The line of a kind seen in several warnings (ws[idx[0..n)], n >= 2). */
static void merged(FILE *f, const json_t *ws, const size_t *idx, size_t n, const char *kind)
{
    const char *first = text(json_array_get(ws, idx[0]), "message");
    bool same = true, aligned = false, whole = false, differ[RP_MAX_WORDS];
    struct words w0;
    for (size_t i = 1; i < n && same; i++)
        same = strcmp(first, text(json_array_get(ws, idx[i]), "message")) == 0;
    fputs("- **", f);
    rg_md_escape(f, *kind ? kind : "warning");
    fprintf(f, "**, %zu cells", n);
    size_t pre = 0, suf = 0;
    if (same) {
        fputs(": ", f);
        rg_md_escape(f, first);
        fputs(" — ", f);
    } else if ((aligned = alignable(ws, idx, n))) {
        differing_words(ws, idx, n, differ, &w0);
        fputs(" (“", f);
        word_template(f, first, &w0, differ);
        fputs("”): ", f);
    } else if (all_whole(ws, idx, n)) {
        common_words(ws, idx, n, &pre, &suf);
        split_words(first, &w0);
        fputs(" (“", f);
        if (pre > 0) {
            words_between(f, first, 0, pre);
            fputc(' ', f);
        }
        fputs("…", f);
        if (suf > 0) {
            fputc(' ', f);
            words_between(f, first, w0.n - suf, w0.n);
        }
        fputs("”): ", f);
    } else {
        fputs(": ", f);   /* messages too long to align: each in full */
        whole = true;
    }
    for (size_t i = 0; i < n; i++) {
        const json_t *w = json_array_get(ws, idx[i]);
        const char *msg = text(w, "message");
        fputs(i ? (same ? ", " : "; ") : "", f);
        cell(f, w);
        if (aligned) {
            fputs(" (", f);
            word_gaps(f, msg, w0.n, differ);
            fputc(')', f);
        } else if (whole) {
            fputs(": ", f);
            rg_md_escape(f, msg);
        } else if (!same) {
            struct words wm;
            split_words(msg, &wm);
            fputs(" (", f);
            words_between(f, msg, pre, wm.n - suf);
            fputc(')', f);
        }
    }
    fputc('\n', f);
}

static void single(FILE *f, const json_t *w)
{
    char b[48];
    const char *t = json_string_value(json_object_get(w, "target"));
    double c = rg_json_num(w, "concurrency", NAN), r = rg_json_num(w, "rate", NAN);
    fputs("- ", f);
    if (t != NULL) {
        fputs("**", f);
        rg_md_escape(f, t);
        fputs("**", f);
        if (!isnan(c))
            fprintf(f, " at concurrency %s", an_fmt_x(b, sizeof b, c));
        else if (!isnan(r))
            fprintf(f, " at rate %s req/s", an_fmt_x(b, sizeof b, r));
        fputs(": ", f);
    }
    rg_md_escape(f, text(w, "message"));
    if (*text(w, "kind")) {
        fputs(" (", f);
        rg_md_escape(f, text(w, "kind"));
        fputc(')', f);
    }
    fputc('\n', f);
}

void rp_md_warnings(FILE *f, const rp_model *m)
{
    const json_t *ws = json_object_get(m->an, "warnings");
    size_t n = json_array_size(ws);
    size_t *idx = calloc(n ? n : 1, sizeof *idx);
    bool *done = calloc(n ? n : 1, sizeof *done);
    if (n > 0 && idx != NULL && done != NULL) {
        fputs("## Warnings\n\n", f);
        for (size_t i = 0; i < n; i++) {
            if (done[i])
                continue;
            const char *kind = text(json_array_get(ws, i), "kind");
            size_t k = 0;
            for (size_t j = i; j < n; j++)
                if (!done[j] && strcmp(kind, text(json_array_get(ws, j), "kind")) == 0) {
                    idx[k++] = j;
                    done[j] = true;
                }
            if (k == 1)
                single(f, json_array_get(ws, i));
            else
                merged(f, ws, idx, k, kind);
        }
        fputc('\n', f);
    }
    free(idx);
    free(done);
}
