"""Python twin of workloads/trees.cpp: binary trees of 2-tuples beside one long-lived tree."""
import _twin

p = _twin.params({"trees": 300000, "min_depth": 4, "max_depth": 12, "long_lived_depth": 14})


def make(d):
    return (make(d - 1), make(d - 1)) if d else (None, None)


def count(t):
    left = t[0]
    if left is None:
        return 1
    return 1 + count(left) + count(t[1])


min_depth, max_depth = p["min_depth"], max(p["max_depth"], p["min_depth"])
rng = _twin.Rng(p["seed"])
total = sum(1 << (max_depth - d) for d in range(min_depth, max_depth + 1))
depths = []
for _ in range(p["trees"]):
    w = rng.below(total)
    d = min_depth
    while w >= (1 << (max_depth - d)):
        w -= 1 << (max_depth - d)
        d += 1
    depths.append(d)


def setup(state):
    state["long_lived"] = make(p["long_lived_depth"])


def step(state, i):
    t = make(depths[i])
    state["nodes"] = state.get("nodes", 0) + count(t)
    del t


def teardown(state):
    del state["long_lived"]


_twin.run(p, setup, step, len(depths), teardown)
