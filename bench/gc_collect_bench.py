"""CPython 3.11's gc.collect() on the heap shapes of bench/gc_collect_bench.cpp.

usage: gc_collect_bench.py traverse|garbage OBJECTS REPS  (prints one JSON line)
"""
import gc
import json
import sys
import time

MASK = (1 << 64) - 1


def splitmix64(state):
    state = (state + 0x9E3779B97F4A7C15) & MASK
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return state, z ^ (z >> 31)


def traverse(n, reps):
    gc.disable()
    state = 12345
    all_ = []
    prev = None
    for i in range(n):
        if i:
            state, r = splitmix64(state)
            other = all_[r % i]
        else:
            other = None
        t = [prev, other]
        all_.append(t)
        prev = t
    gc.collect()
    seconds = []
    for _ in range(reps):
        t0 = time.perf_counter_ns()
        gc.collect()
        seconds.append((time.perf_counter_ns() - t0) * 1e-9)
    return seconds


def garbage(n, reps):
    gc.disable()
    gc.collect()
    seconds = []
    for _ in range(reps):
        for _ in range(n // 2):
            a = []
            b = [a]
            a.append(b)
        del a, b
        t0 = time.perf_counter_ns()
        gc.collect()
        seconds.append((time.perf_counter_ns() - t0) * 1e-9)
    return seconds


def main():
    shape, n, reps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    gc.freeze()  # the interpreter's own objects stay out of the measurement
    seconds = {"traverse": traverse, "garbage": garbage}[shape](n, reps)
    print(json.dumps({"impl": "CPython " + sys.version.split()[0], "shape": shape, "objects": n, "seconds": seconds}))


main()
