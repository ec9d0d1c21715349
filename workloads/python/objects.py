"""Python twin of workloads/objects.cpp: graphs of plain instances with back-pointers."""
import _twin

p = _twin.params({"iterations": 30000, "fanout": 5, "keep_every": 20, "kept": 200})
fanout, keep_every, kept_cap = p["fanout"], p["keep_every"], p["kept"]


class Node:
    def __init__(self, parent, name, value):
        self.parent = parent
        self.children = []
        self.name = name
        self.value = value
        if parent is not None:
            parent.children.append(self)


def setup(state):
    state["kept"] = []


def step(state, i):
    root = Node(None, "root", i)
    for j in range(fanout):
        child = Node(root, "child", j)
        for k in range(fanout):
            Node(child, "leaf", k)
    if keep_every and i % keep_every == 0 and kept_cap:
        kept = state["kept"]
        kept.append(root)
        if len(kept) > kept_cap:
            del kept[:1]


def teardown(state):
    del state["kept"]


_twin.run(p, setup, step, p["iterations"], teardown)
