"""Python twin of workloads/temporaries.cpp: arithmetic on boxed ints and floats."""
import _twin

p = _twin.params({"iterations": 200000, "inner": 20})
inner = p["inner"]


def setup(state):
    state["box"] = [0, 0.5]


def step(state, i):
    box = state["box"]
    acc, x = box[0], box[1]
    for j in range(inner):
        a = i * 1000 + j
        acc = acc + a % 1009
        x = x * 0.999 + 1.0
    box[0], box[1] = acc, x


def teardown(state):
    del state["box"]


_twin.run(p, setup, step, p["iterations"], teardown)
