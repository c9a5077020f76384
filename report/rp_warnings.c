/*
 * report/rp_warnings.c — analyze's warnings in report.md, one line per kind.
 *
 * Design: on a noisy machine analyze warns about the same thing in many cells ("runs drift",
 * "runs needed for a ±2% CI"), each message with its own figures. One bullet per warning made
 * a wall of near-identical lines, so the warnings of one kind become one line listing the
 * cells. Nothing is dropped: messages with the same number of words are compared word by word
 * and written once as a template, "…" where they differ, each cell followed by its own words
 * for the gaps, so every message can be read back whole:
 *   - **runs_needed**, 8 cells: “throughput varies by … (CV): … runs needed for a ±2% CI”:
 *     nginx at 10 (13.2%, 169); nginx at 50 (14.6%, 207); ...
 * Messages of one kind with other word counts form further templates on the same line; a
 * message alone in its shape is written whole after its cell. A kind with a single warning
 * keeps the plain form ("**nginx** at concurrency 10: message (kind)").
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

/* The word count of a message; 0 when it does not fit RP_MAX_WORDS (then shown whole). */
static size_t shape(const json_t *w)
{
    struct words ws;
    split_words(text(w, "message"), &ws);
    return ws.whole ? ws.n : 0;
}

/*
 * One group of a kind: the messages ws[idx[0..n)] (same word count, n >= 2) as a template and
 * each cell's words for its gaps; a message alone (n == 1) or too long as "cell: message".
 */
static void group(FILE *f, const json_t *ws, const size_t *idx, size_t n)
{
    const char *first = text(json_array_get(ws, idx[0]), "message");
    bool differ[RP_MAX_WORDS];
    struct words w0;
    if (n == 1 || shape(json_array_get(ws, idx[0])) == 0) {
        for (size_t i = 0; i < n; i++) {
            fputs(i ? "; " : "", f);
            cell(f, json_array_get(ws, idx[i]));
            fputs(": ", f);
            rg_md_escape(f, text(json_array_get(ws, idx[i]), "message"));
        }
        return;
    }
    differing_words(ws, idx, n, differ, &w0);
    bool gaps = false;   /* none: the same message, written once for all its cells */
    for (size_t k = 0; k < w0.n; k++)
        gaps = gaps || differ[k];
    fputs("“", f);
    word_template(f, first, &w0, differ);
    fputs("”: ", f);
    for (size_t i = 0; i < n; i++) {
        const json_t *w = json_array_get(ws, idx[i]);
        fputs(i ? (gaps ? "; " : ", ") : "", f);
        cell(f, w);
        if (gaps) {
            fputs(" (", f);
            word_gaps(f, text(w, "message"), w0.n, differ);
            fputc(')', f);
        }
    }
}

/* The line of a kind seen in several warnings (ws[idx[0..n)], n >= 2). */
static void merged(FILE *f, const json_t *ws, const size_t *idx, size_t n, const char *kind)
{
    const char *first = text(json_array_get(ws, idx[0]), "message");
    bool same = true;
    for (size_t i = 1; i < n && same; i++)
        same = strcmp(first, text(json_array_get(ws, idx[i]), "message")) == 0;
    fputs("- **", f);
    rg_md_escape(f, *kind ? kind : "warning");
    fprintf(f, "**, %zu cells: ", n);
    if (same) {   /* "only 1 run — a at 100, b at 100" */
        rg_md_escape(f, first);
        fputs(" — ", f);
        for (size_t i = 0; i < n; i++) {
            fputs(i ? ", " : "", f);
            cell(f, json_array_get(ws, idx[i]));
        }
        fputc('\n', f);
        return;
    }
    size_t *g = calloc(n, sizeof *g);
    bool *done = calloc(n, sizeof *done);
    for (size_t i = 0, groups = 0; g != NULL && done != NULL && i < n; i++) {
        if (done[i])
            continue;
        size_t k = 0, sh = shape(json_array_get(ws, idx[i]));
        for (size_t j = i; j < n; j++)   /* the messages of i's shape (each long one alone) */
            if (!done[j] && sh != 0 && shape(json_array_get(ws, idx[j])) == sh) {
                g[k++] = idx[j];
                done[j] = true;
            }
        if (k == 0) {
            g[k++] = idx[i];
            done[i] = true;
        }
        fputs(groups++ ? "; " : "", f);
        group(f, ws, g, k);
    }
    fputc('\n', f);
    free(g);
    free(done);
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
