"""Python twin of workloads/growth.cpp: lists and dicts grown one item at a time."""
import _twin

p = _twin.params({"iterations": 20000, "max_len": 2000, "keep_every": 50, "kept": 100})
keep_every, kept_cap = p["keep_every"], p["kept"]
rng = _twin.Rng(p["seed"])
max_len = max(p["max_len"], 1)
lengths = [rng.below(max_len) for _ in range(p["iterations"])]


def setup(state):
    state["kept"] = []


def step(state, i):
    n = lengths[i]
    l = []
    for j in range(n):
        l.append(j)
    d = {}
    for j in range(n):
        d[j] = j
    if keep_every and i % keep_every == 0 and kept_cap:
        kept = state["kept"]
        kept.append((l, d))
        if len(kept) > kept_cap:
            del kept[:1]


def teardown(state):
    del state["kept"]


_twin.run(p, setup, step, p["iterations"], teardown)
