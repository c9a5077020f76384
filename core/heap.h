/*
 * core/heap.h — a binary min-heap of timed nodes, keyed on their due time.
 *
 * Used per thread by the load generator (open-loop send times, reconnect back-off) and by
 * `rigor serve` (delayed responses). Nodes are embedded in their owners and
 * remember their position, so removing a closing connection is O(log n) and needs no search.
 * Not thread-safe: one owner.
 */
#ifndef RIGOR_CORE_HEAP_H
#define RIGOR_CORE_HEAP_H

#include <stddef.h>
#include <stdint.h>

#define RG_HEAP_NONE SIZE_MAX

typedef struct rg_heap_node {
    uint64_t due;   /* monotonic ns */
    size_t idx;     /* position in the heap, RG_HEAP_NONE when not in it */
} rg_heap_node;

typedef struct rg_heap {
    rg_heap_node **v;
    size_t n, cap;
} rg_heap;

/* Heap with room for cap nodes (grows when needed). 0 or -1 on OOM. */
int rg_heap_init(rg_heap *h, size_t cap);
void rg_heap_free(rg_heap *h);
/* Insert (node must not be in the heap). 0, or -1 on OOM. */
int rg_heap_push(rg_heap *h, rg_heap_node *node);
/* Remove a node wherever it is (no-op when not in the heap). */
void rg_heap_remove(rg_heap *h, rg_heap_node *node);
/* Earliest node, NULL when empty. */
static inline rg_heap_node *rg_heap_top(const rg_heap *h) { return h->n ? h->v[0] : NULL; }

#endif
