"""Python twin of workloads/records.cpp: dict records, a trimmed cache, self-referencing dicts."""
import _twin

p = _twin.params({"iterations": 300000, "keep_every": 10, "cache_cap": 10000, "trim": 1000, "cycle_every": 100})
keep_every, cache_cap, trim, cycle_every = p["keep_every"], p["cache_cap"], p["trim"], p["cycle_every"]


def setup(state):
    state["cache"] = []


def step(state, i):
    rec = {"id": i, "name": "user", "score": i * 0.5, "tags": [i, i + 1, i + 2]}
    if keep_every and i % keep_every == 0:
        cache = state["cache"]
        cache.append(rec)
        if len(cache) > cache_cap:
            del cache[:trim]
    if cycle_every and i % cycle_every == 0:
        d = {}
        d["self"] = d


def teardown(state):
    del state["cache"]


_twin.run(p, setup, step, p["iterations"], teardown)
