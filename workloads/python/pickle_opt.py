"""Python twin of workloads/pickle_opt.cpp: pyperformance's pickle_opt (PR 438), pickletools.optimize of a dict's pickle."""
import pickle
import pickletools

import _twin

p = _twin.params({"n": 100000, "loops": 1})
N = p["n"]


def setup(state):
    x = {i: f"ii{i:>07}" for i in range(N)}
    state["payload"] = pickle.dumps(x, protocol=4)


def step(state, i):
    pickletools.optimize(state["payload"])


def teardown(state):
    del state["payload"]


_twin.run(p, setup, step, p["loops"], teardown)
