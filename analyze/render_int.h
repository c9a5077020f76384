/*
 * analyze/render_int.h — text and Markdown rendering of an_analyze()'s document (private).
 */
#ifndef RIGOR_ANALYZE_AN_RENDER_INT_H
#define RIGOR_ANALYZE_AN_RENDER_INT_H

#include <stdio.h>
#include <jansson.h>

/* Write the document for people: plain text (markdown = 0) or Markdown (1). */
void an_render(FILE *f, const json_t *doc, int markdown);

#endif
