"""Python twin of workloads/gc_collect.cpp: pyperformance's bm_gc_collect, one op per pyperf loop."""
import gc

import _twin

p = _twin.params({"loops": 200, "cycles": 100, "links": 20})
CYCLES, LINKS = p["cycles"], p["links"]


class Node:
    def __init__(self):
        self.next = None
        self.prev = None

    def link_next(self, next):
        self.next = next
        self.next.prev = self


def create_cycle(node, n_links):
    """Create a cycle of n_links nodes, starting with node."""

    if n_links == 0:
        return

    current = node
    for i in range(n_links):
        next_node = Node()
        current.link_next(next_node)
        current = next_node

    current.link_next(node)


def create_gc_cycles(n_cycles, n_links):
    """Create n_cycles cycles n_links+1 nodes each."""

    cycles = []
    for _ in range(n_cycles):
        node = Node()
        cycles.append(node)
        create_cycle(node, n_links)
    return cycles


def setup(state):
    pass


def step(state, i):
    gc.collect()
    all_cycles = create_gc_cycles(CYCLES, LINKS)
    del all_cycles
    collected = gc.collect()
    assert collected is None or collected >= CYCLES * (LINKS + 1)


def teardown(state):
    pass


_twin.run(p, setup, step, p["loops"], teardown)
