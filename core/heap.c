/*
 * core/heap.c — the binary min-heap of core/heap.h: sift-up and sift-down over an array of
 * node pointers, each node keeping its index so it can be removed from anywhere.
 */
#include <stdlib.h>
#include "core/heap.h"

int rg_heap_init(rg_heap *h, size_t cap)
{
    h->n = 0;
    h->cap = cap ? cap : 16;
    h->v = malloc(h->cap * sizeof *h->v);
    return h->v ? 0 : -1;
}

void rg_heap_free(rg_heap *h)
{
    if (h == NULL)
        return;
    free(h->v);
    h->v = NULL;
    h->n = h->cap = 0;
}

static void place(rg_heap *h, size_t i, rg_heap_node *node)
{
    h->v[i] = node;
    node->idx = i;
}

static void sift_up(rg_heap *h, size_t i)
{
    rg_heap_node *node = h->v[i];
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (h->v[p]->due <= node->due)
            break;
        place(h, i, h->v[p]);
        i = p;
    }
    place(h, i, node);
}

static void sift_down(rg_heap *h, size_t i)
{
    rg_heap_node *node = h->v[i];
    for (;;) {
        size_t l = 2 * i + 1, m = i;
        uint64_t best = node->due;
        if (l < h->n && h->v[l]->due < best) {
            m = l;
            best = h->v[l]->due;
        }
        if (l + 1 < h->n && h->v[l + 1]->due < best)
            m = l + 1;
        if (m == i)
            break;
        place(h, i, h->v[m]);
        i = m;
    }
    place(h, i, node);
}

int rg_heap_push(rg_heap *h, rg_heap_node *node)
{
    if (h->n == h->cap) {
        size_t cap = h->cap * 2;
        rg_heap_node **v = realloc(h->v, cap * sizeof *v);
        if (v == NULL)
            return -1;
        h->v = v;
        h->cap = cap;
    }
    place(h, h->n++, node);
    sift_up(h, h->n - 1);
    return 0;
}

void rg_heap_remove(rg_heap *h, rg_heap_node *node)
{
    size_t i = node->idx;
    if (i == RG_HEAP_NONE || i >= h->n || h->v[i] != node)
        return;
    node->idx = RG_HEAP_NONE;
    h->n--;
    if (i == h->n)
        return;
    place(h, i, h->v[h->n]);
    sift_down(h, i);
    sift_up(h, i);
}
