"""Python twin of workloads/data_growth.cpp: long-lived trees growing with the data size, scratch cycles."""
import _twin

p = _twin.params({"data_size": 8, "unit_nodes": 10000, "fanout": 8})
unit_nodes, fanout = max(p["unit_nodes"], 1), max(p["fanout"], 1)


class Node:
    def __init__(self, parent):
        self.parent = parent
        self.children = []
        if parent is not None:
            parent.children.append(self)


def setup(state):
    state["trees"] = []
    state["nodes"] = None


def step(state, i):
    k = i % unit_nodes
    if k == 0:
        nodes = [Node(None)]
        state["nodes"] = nodes
        state["trees"].append(nodes[0])
    else:
        nodes = state["nodes"]
        nodes.append(Node(nodes[(k - 1) // fanout]))
        scratch = Node(None)
        scratch.children.append(scratch)
    if k == unit_nodes - 1:
        state["nodes"] = None
        del nodes


def teardown(state):
    del state["nodes"]
    del state["trees"]


_twin.run(p, setup, step, p["data_size"] * unit_nodes, teardown)
