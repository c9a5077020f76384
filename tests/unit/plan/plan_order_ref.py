#!/usr/bin/env python3
# tests/unit/plan/plan_order_ref.py — independent reference for tests/unit/plan/test_plan_order.c:
# `python3 tests/unit/plan/plan_order_ref.py` prints the golden values that test checks.
# Naive reference of rigor's interleaved order (docs/plan-format.md): SplitMix64 from
# state = seed, rejection sampling below n, Fisher-Yates from the last index down, per round.
M = (1 << 64) - 1
def splitmix(state):
    state[0] = (state[0] + 0x9e3779b97f4a7c15) & M
    z = state[0]
    z = ((z ^ (z >> 30)) * 0xbf58476d1ce4e5b9) & M
    z = ((z ^ (z >> 27)) * 0x94d049bb133111eb) & M
    return z ^ (z >> 31)
def below(state, n):
    rej = (1 << 64) % n
    while True:
        x = splitmix(state)
        if x >= rej:
            return x % n
def order(targets, cells, runs, seed):
    st = [seed]; out = []
    for r in range(1, runs + 1):
        a = [(t, c, r) for t in range(targets) for c in range(cells)]
        for i in range(len(a), 1, -1):
            j = below(st, i)
            a[i - 1], a[j] = a[j], a[i - 1]
        out += a
    return out
s = [1]; print("splitmix seed 1:", [splitmix(s) for _ in range(3)])
print("order 3x2x2 seed 7:", order(3, 2, 2, 7))
print("order 2x3x2 seed 1:", order(2, 3, 2, 1))
