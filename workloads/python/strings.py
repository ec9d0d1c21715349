"""Python twin of workloads/strings.cpp: building, slicing, joining and interning strings."""
import sys

import _twin

p = _twin.params({"iterations": 300000, "keep_every": 10, "kept": 5000})
keep_every, kept_cap = p["keep_every"], p["kept"]
WORDS = ("alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta")


def setup(state):
    state["kept"] = []


def step(state, i):
    w1, w2 = WORDS[i % 8], WORDS[(i * 3) % 8]
    s = w1 + "-" + w2
    t = s[1:-1]
    u = t.upper()
    joined = ",".join([s, t, u])
    name = sys.intern(w1[:3] + w1[3:])
    if keep_every and i % keep_every == 0 and kept_cap:
        kept = state["kept"]
        kept.append(joined)
        if len(kept) > kept_cap:
            del kept[:1]


def teardown(state):
    del state["kept"]


_twin.run(p, setup, step, p["iterations"], teardown)
