"""What every workload twin shares: parameters, the seeded RNG, and a clean GC slate.

A twin is run as `python3 workloads/python/<name>.py key=value ...` and prints one JSON object:
the parameters it used, gc.get_stats() deltas for its own run, and tracemalloc's peak.
"""
import gc
import json
import sys
import tracemalloc

MASK = (1 << 64) - 1


class Rng:
    """splitmix64, the same sequence as workloads/rng.h."""

    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def below(self, n):
        return self.next() % n


def params(defaults):
    """Defaults overridden by key=value arguments; seed=N is the seed."""
    out = dict(defaults)
    out.setdefault("seed", 0)
    for arg in sys.argv[1:]:
        key, _, value = arg.partition("=")
        if key not in out:
            sys.exit("unknown parameter %r (accepted: %s)" % (key, ", ".join(sorted(out))))
        out[key] = int(value)
    return out


def run(p, setup, step, ops, teardown):
    """Runs a workload the way the harness runs its model: setup, ops, teardown, on a clean GC."""
    # The state dict gets its key table now, not during the measured run (the model keeps its
    # state in C++ and allocates nothing for it).
    state = {"_": None}
    del state["_"]
    # The baseline is taken first: gc.get_stats() allocates GC objects, which must not shift the
    # generation-0 count once the slate is clean. The clean-up collection's own contribution
    # (one generation-2 collection, `cleaned` objects) is subtracted below.
    before = gc.get_stats()
    gc.freeze()          # the interpreter's own objects go to the permanent generation
    cleaned = gc.collect()  # counts and long-lived totals start at zero, as in the model
    indices = iter(range(ops))  # the driver's own iterator is not the workload's memory
    tracemalloc.start()
    setup(state)
    for i in indices:
        step(state, i)
    teardown(state)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    after = gc.get_stats()
    collections = [a["collections"] - b["collections"] for a, b in zip(after, before)]
    collected = [a["collected"] - b["collected"] for a, b in zip(after, before)]
    collections[2] -= 1
    collected[2] -= cleaned
    print(json.dumps({
        "params": p,
        "collections": collections,
        "collected": collected,
        "peak_traced_bytes": peak,
    }))
