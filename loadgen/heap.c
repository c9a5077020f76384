/*
 * loadgen/heap.c — a binary min-heap of timed nodes, keyed on their due time.
 *
 * Used per thread by the load generator (open-loop send times, reconnect back-off) and by
 * `rigor serve` (delayed responses). Nodes are embedded in their owners and remember their
 * position, so removal of a closing connection is O(log n). Not thread-safe: one owner.
 */
#include <stdlib.h>
#include "loadgen/lg_int.h"

int lg_heap_init(lg_heap *h, size_t cap)
{
    h->n = 0;
    h->cap = cap ? cap : 16;
    h->v = malloc(h->cap * sizeof *h->v);
    return h->v ? 0 : -1;
}

void lg_heap_free(lg_heap *h)
{
    if (h == NULL)
        return;
    free(h->v);
    h->v = NULL;
    h->n = h->cap = 0;
}

static void place(lg_heap *h, size_t i, lg_heap_node *node)
{
    h->v[i] = node;
    node->idx = i;
}

static void sift_up(lg_heap *h, size_t i)
{
    lg_heap_node *node = h->v[i];
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (h->v[p]->due <= node->due)
            break;
        place(h, i, h->v[p]);
        i = p;
    }
    place(h, i, node);
}

static void sift_down(lg_heap *h, size_t i)
{
    lg_heap_node *node = h->v[i];
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

int lg_heap_push(lg_heap *h, lg_heap_node *node)
{
    if (h->n == h->cap) {
        size_t cap = h->cap * 2;
        lg_heap_node **v = realloc(h->v, cap * sizeof *v);
        if (v == NULL)
            return -1;
        h->v = v;
        h->cap = cap;
    }
    place(h, h->n++, node);
    sift_up(h, h->n - 1);
    return 0;
}

void lg_heap_remove(lg_heap *h, lg_heap_node *node)
{
    size_t i = node->idx;
    if (i == LG_HEAP_NONE || i >= h->n || h->v[i] != node)
        return;
    node->idx = LG_HEAP_NONE;
    h->n--;
    if (i == h->n)
        return;
    place(h, i, h->v[h->n]);
    sift_down(h, i);
    sift_up(h, i);
}
