/*
 * core/text.h — user-supplied labels made safe for the text people read.
 *
 * Target names, titles, hosts and commands come from datasets and plans, i.e. from anyone.
 * Before they reach a Markdown table or a terminal they pass through here, one definition
 * for analyze and report alike:
 *   Markdown  every label becomes inert inline text in a GitHub-flavoured table cell or list
 *             item: `|` (cell separator), `\` and the characters that start emphasis, code,
 *             links, headings, strikethrough or math (`*_[]#~$) are backslash-escaped
 *             (CommonMark allows escaping any ASCII punctuation); `<`, `>` and `&` become
 *             HTML entities, so no tag or entity can form; control characters — newlines above
 *             all, which would end the table row — become spaces. Labels never start a line
 *             (they follow "| " or "- "), so list markers such as a leading `-` are inert.
 *   terminal  control characters (escape sequences, newlines) become '?'.
 */
#ifndef RIGOR_CORE_TEXT_H
#define RIGOR_CORE_TEXT_H

#include <stddef.h>
#include <stdio.h>

/* Write s escaped for Markdown; NULL writes "–" (the tables' mark for "no value"). */
void rg_md_escape(FILE *f, const char *s);
/* The same into buf (always NUL-terminated; truncated at a character boundary). Returns buf. */
char *rg_md_escape_buf(char *buf, size_t len, const char *s);
/* s with control characters replaced by '?', into buf (truncated to fit). Returns buf. */
char *rg_text_clean(char *buf, size_t len, const char *s);

/* Display columns of UTF-8 text (one per character: "±", "µ" and "–" are one column each). */
size_t rg_text_width(const char *s);
/*
 * Write s padded with spaces to |width| display columns, printf's convention: right-aligned
 * when width > 0, left-aligned when width < 0. For aligned text tables whose cells hold
 * "±", "µs" or "–", which printf's %10s would count in bytes.
 */
void rg_fpad(FILE *f, const char *s, int width);

#endif
