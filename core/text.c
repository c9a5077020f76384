/*
 * core/text.c — escaping of labels for Markdown and terminals (see core/text.h).
 */
#include <stdio.h>
#include <string.h>
#include "core/text.h"

/* The replacement of one byte in Markdown (at most 5 bytes + NUL into out). */
static const char *md_char(unsigned char ch, char out[8])
{
    if (ch < 0x20 || ch == 0x7f)
        return " ";
    if (ch == '<')
        return "&lt;";
    if (ch == '>')
        return "&gt;";
    if (ch == '&')
        return "&amp;";
    size_t k = 0;
    if (strchr("\\`*_[]|#~$", ch) != NULL)
        out[k++] = '\\';
    out[k++] = (char)ch;
    out[k] = '\0';
    return out;
}

void rg_md_escape(FILE *f, const char *s)
{
    char t[8];
    if (s == NULL) {
        fputs("–", f);
        return;
    }
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        fputs(md_char(*p, t), f);
}

/* Cut buf[0..k) back to the end of its last complete UTF-8 sequence; returns the new k. */
static size_t utf8_cut(const char *buf, size_t k)
{
    size_t start = k;
    while (start > 0 && k - start < 4 && ((unsigned char)buf[start - 1] & 0xC0) == 0x80)
        start--;
    if (start == 0)
        return k;
    unsigned char lead = (unsigned char)buf[start - 1];
    size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    return k - (start - 1) < need ? start - 1 : k;
}

char *rg_md_escape_buf(char *buf, size_t len, const char *s)
{
    char t[8];
    size_t k = 0;
    if (len == 0)
        return buf;
    if (s == NULL) {
        snprintf(buf, len, "–");
        return buf;
    }
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        const char *r = md_char(*p, t);
        size_t n = strlen(r);
        if (k + n >= len) {
            k = utf8_cut(buf, k);
            break;
        }
        memcpy(buf + k, r, n);
        k += n;
    }
    buf[k] = '\0';
    return buf;
}

char *rg_text_clean(char *buf, size_t len, const char *s)
{
    size_t k = 0;
    if (len == 0)
        return buf;
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (k + 1 >= len) {
            k = utf8_cut(buf, k);
            break;
        }
        buf[k++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
    }
    buf[k] = '\0';
    return buf;
}

size_t rg_text_width(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        w += ((unsigned char)*s & 0xC0) != 0x80;
    return w;
}

void rg_fpad(FILE *f, const char *s, int width)
{
    size_t w = rg_text_width(s), want = (size_t)(width < 0 ? -width : width);
    size_t pad = w < want ? want - w : 0;
    if (width < 0)
        fputs(s, f);
    for (size_t i = 0; i < pad; i++)
        fputc(' ', f);
    if (width >= 0)
        fputs(s, f);
}
