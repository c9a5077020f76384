/*
 * tests/unit/core/test_text.c — labels made safe: Markdown escaping (the FILE and buffer forms
 * agree), terminal cleaning, truncation that never splits a UTF-8 character.
 */
#include <stdlib.h>
#include <string.h>
#include "core/text.h"
#include "tests/unit/unit.h"

/* The text a FILE-writing function produced, through a memory stream. Caller frees. */
#define CAPTURE(buf, call) \
    do { size_t len_; FILE *f = open_memstream(&(buf), &len_); call; fclose(f); } while (0)

static char *md(const char *s)
{
    char *out = NULL;
    CAPTURE(out, rg_md_escape(f, s));
    return out;
}

static void test_md_escape(void)
{
    static const char *const cases[][2] = {
        {"fastify", "fastify"},
        {"a|b", "a\\|b"},
        {"line\nbreak\r\tx", "line break  x"},
        {"<b>&", "&lt;b&gt;&amp;"},
        {"# head", "\\# head"},
        {"back\\slash", "back\\\\slash"},
        {"`code` *em* _u_ [l](u) ~s~ $m$", "\\`code\\` \\*em\\* \\_u\\_ \\[l\\](u) \\~s\\~ \\$m\\$"},
        {"caf\xc3\xa9 (async) 1.0", "caf\xc3\xa9 (async) 1.0"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *got = md(cases[i][0]);
        CHECK_STR(got, cases[i][1]);
        free(got);
    }
    char *null = md(NULL);
    CHECK_STR(null, "–");
    free(null);
}

/* No byte sequence can put an unescaped '|' or a line break into a cell. */
static void test_md_escape_random(void)
{
    srand(7);
    for (int n = 0; n < 2000; n++) {
        char in[64];
        size_t len = (size_t)(rand() % 63);
        for (size_t i = 0; i < len; i++)
            in[i] = (char)(1 + rand() % 127);
        in[len] = '\0';
        char *out = md(in);
        int bad = strchr(out, '\n') != NULL || strchr(out, '\r') != NULL || strchr(out, '<') != NULL;
        for (size_t i = 0; out[i]; i++) {
            if (out[i] == '\\' && out[i + 1] != '\0') {
                i++;   /* an escape pair */
                continue;
            }
            if (out[i] == '|' || out[i] == '`' || out[i] == '#')
                bad = 1;
        }
        CHECK_MSG(!bad, "escaping of a random label left markup: %s", out);
        free(out);
        if (bad)
            break;
    }
}

/* The buffer form gives the stream form's bytes, and truncates on a character boundary. */
static void test_md_escape_buf(void)
{
    char buf[64];
    CHECK_STR(rg_md_escape_buf(buf, sizeof buf, "a|b<c>"), "a\\|b&lt;c&gt;");
    CHECK_STR(rg_md_escape_buf(buf, sizeof buf, NULL), "–");
    CHECK_STR(rg_md_escape_buf(buf, 5, "abcdef"), "abcd");
    CHECK_STR(rg_md_escape_buf(buf, 5, "ab<cd"), "ab");           /* no half entity */
    CHECK_STR(rg_md_escape_buf(buf, 4, "ab\xc3\xa9x"), "ab");       /* no half é */
    CHECK_STR(rg_md_escape_buf(buf, 5, "ab\xc3\xa9x"), "ab\xc3\xa9");
    srand(11);
    for (int n = 0; n < 500; n++) {
        char in[40];
        size_t len = (size_t)(rand() % 39);
        for (size_t i = 0; i < len; i++)
            in[i] = (char)(1 + rand() % 255);
        in[len] = '\0';
        char *want = md(in);
        rg_md_escape_buf(buf, sizeof buf, in);
        CHECK_MSG(strncmp(buf, want, strlen(buf)) == 0, "buffer form differs at case %d", n);
        free(want);
    }
}

static void test_text_clean(void)
{
    char buf[16];
    CHECK_STR(rg_text_clean(buf, sizeof buf, "a\x1b[31mb\n"), "a?[31mb?");
    CHECK_STR(rg_text_clean(buf, 3, "abc"), "ab");
    CHECK_STR(rg_text_clean(buf, 4, "a\xe2\x80\x93"), "a");
    CHECK_STR(rg_text_clean(buf, sizeof buf, NULL), "");
}

static void test_pad(void)
{
    char *out = NULL;
    CHECK_INT(rg_text_width("1.2 µs ± 0.1"), 12);
    CAPTURE(out, (rg_fpad(f, "±1", 4), rg_fpad(f, "µs", -3), rg_fpad(f, "toolong", 3)));
    CHECK_STR(out, "  ±1µs toolong");
    free(out);
}

int main(void)
{
    RUN(test_md_escape);
    RUN(test_md_escape_random);
    RUN(test_md_escape_buf);
    RUN(test_text_clean);
    RUN(test_pad);
    return unit_done();
}
