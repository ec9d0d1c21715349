"""Python twin of workloads/lru.cpp: a dict used as an LRU cache with steady churn."""
import _twin

p = _twin.params({"iterations": 1000000, "key_space": 300000, "capacity": 200000})
key_space, capacity = max(p["key_space"], 1), p["capacity"]


def setup(state):
    state["cache"] = {}


def step(state, i):
    cache = state["cache"]
    key = (i * 7919) % key_space
    v = cache.pop(key, None)
    if v is None:
        v = [key, key * 2]
    cache[key] = v
    if len(cache) > capacity:
        cache.pop(((i - capacity) * 7919) % key_space, None)


def teardown(state):
    del state["cache"]


_twin.run(p, setup, step, p["iterations"], teardown)
