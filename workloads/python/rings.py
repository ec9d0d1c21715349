"""Python twin of workloads/rings.cpp: rings of __slots__ instances that become cyclic garbage."""
import _twin

p = _twin.params({"rings": 300000, "ring_size": 21, "keep_every": 10, "kept": 1000})


class Node:
    __slots__ = ("next",)


ring_size = max(p["ring_size"], 1)
keep_every, kept_cap = p["keep_every"], p["kept"]


def setup(state):
    state["kept"] = []


def step(state, i):
    head = Node()
    node = head
    for _ in range(ring_size - 1):
        nxt = Node()
        node.next = nxt
        node = nxt
    node.next = head
    if keep_every and i % keep_every == 0 and kept_cap:
        kept = state["kept"]
        kept.append(head)
        if len(kept) > kept_cap:
            del kept[:1]


def teardown(state):
    del state["kept"]


_twin.run(p, setup, step, p["rings"], teardown)
