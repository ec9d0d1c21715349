"""Writes fixture_real_programs.json: a small results file of real Python programs and their trace
replays, with wall times and peak RSS chosen so that every agreement figure is known by hand (and
exact in binary floating point).

    /usr/bin/python3 tests/plot/make_real_fixture.py     # rewrites the fixture beside this file

Programs (medians over 3 repetitions; the repetitions are median-d, median+d, median in that
order, so a median needs sorting):

  json_roundtrip   real (script, gen):          cpython 1.0 s, pool 1.25 s, jemalloc 0.75 s
                   replay (json_roundtrip.trace): cpython 0.5 s, pool 0.4375 s, jemalloc 0.375 s
                   -> real ranks jemalloc, cpython, pool; replay jemalloc, pool, cpython: tau-b 1/3
  text_processing  real (script, args --scale 1): cpython 2.0 s, pool 1.75 s, jemalloc 2.5 s
                   replay: cpython 0.5 s, pool 0.625 s, jemalloc 0.25 s -> reversed: tau-b -1

Runs that agreement must ignore: cpython under rc and a crashed gen run of json_roundtrip, a real
program with no replay (module class_simulation), and system, replayed once but never run for
real. The real runs are what `python` runs hold: wall time and peak RSS, no throughput, latency,
live bytes or GC figures of ours.
"""
import json
import os
import statistics

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "fixture_real_programs.json")
MIB = 1 << 20
OPS = 4096  # a replay's ops (256 events each): throughput is OPS / wall_s

# program -> (real params, {allocator: (real wall, real RSS MiB)}, trace, {allocator: (replay wall, RSS MiB)})
PROGRAMS = {
    "json_roundtrip": ({"script": "workloads/python/real/json_roundtrip.py"},
                       {"cpython": (1.0, 40), "pool": (1.25, 60), "jemalloc": (0.75, 50)},
                       "results/traces/json_roundtrip.trace",
                       {"cpython": (0.5, 32), "pool": (0.4375, 24), "jemalloc": (0.375, 40)}),
    "text_processing": ({"script": "workloads/python/real/text_processing.py", "args": "--scale 1"},
                        {"cpython": (2.0, 64), "pool": (1.75, 48), "jemalloc": (2.5, 80)},
                        "results/traces/text_processing.trace",
                        {"cpython": (0.5, 16), "pool": (0.625, 20), "jemalloc": (0.25, 24)}),
}
SPREAD = 0.0625  # each side's repetitions: median - SPREAD, median + SPREAD, median


def timeline(rss, live):
    t = [0, 1000000, 2000000, 3000000]
    out = {"interval_ns": 1000000, "t_ns": t, "rss_bytes": [int(rss * f) for f in (0.25, 0.5, 1.0, 0.75)]}
    out["live_bytes"] = None if live is None else [int(live * f) for f in (0.2, 0.6, 1.0, 0.5)]
    return out


def real_run(params, allocator, collector, rep, wall, rss_mib, status="ok"):
    run = {"workload": "python", "params": params, "allocator": allocator, "collector": collector, "rep": rep,
           "seed": 0, "status": status, "error": None if status == "ok" else "signal 11",
           "wall_s": wall, "peak_rss_bytes": rss_mib * MIB, "latency_recorded": False, "memory_overhead": None,
           "memory_timeline": timeline(rss_mib * MIB, None)}
    if status != "ok":
        del run["wall_s"], run["memory_timeline"]
    return run


def replay_run(file, allocator, rep, wall, rss_mib):
    live = rss_mib * MIB // 2
    return {"workload": "trace", "params": {"file": file}, "allocator": allocator, "collector": "gen", "rep": rep,
            "seed": 0, "status": "ok", "error": None, "wall_s": wall, "ops": OPS, "ops_per_s": OPS / wall,
            "steps": OPS * 256, "steps_per_s": OPS * 256 / wall, "peak_rss_bytes": rss_mib * MIB,
            "peak_live_bytes": live, "memory_overhead": rss_mib * MIB / live, "latency_recorded": True,
            "latency_ns": {"p50": 2000 * wall, "p99": 9000 * wall, "max": 30000 * wall, "count": OPS},
            "latency_histogram_ns": [[1000, 3000, OPS // 2], [3000, 9000, OPS // 2 - OPS // 100],
                                     [9000, 30000, OPS // 100]],
            "gc": {"collections": [0, 0, 0], "collected": [0, 0, 0], "pause_histogram_ns": [], "pauses": [],
                   "pause_ns": {"count": 0, "p50": 0, "p99": 0, "max": 0, "total": 0},
                   "mmu": {"1ms": 1.0, "10ms": 1.0, "100ms": None}},
            "memory_timeline": timeline(rss_mib * MIB, live)}


def repetitions(median):
    return [median - SPREAD, median + SPREAD, median]


def stats(xs):
    mean = statistics.fmean(xs)
    sd = statistics.stdev(xs) if len(xs) > 1 else 0.0
    med = statistics.median(xs)
    mad = statistics.median([abs(x - med) for x in xs])
    return {"n": len(xs), "median": med, "min": min(xs), "max": max(xs), "mean": mean, "stddev": sd,
            "cv": sd / mean if mean else 0.0, "mad": mad, "robust_cv": 1.4826 * mad / med if med else 0.0,
            "ci95_low": min(xs), "ci95_high": max(xs), "ci_level": 0.75}


METRICS = {"ops_per_s": ("ops_per_s",), "wall_s": ("wall_s",), "peak_rss_bytes": ("peak_rss_bytes",),
           "peak_live_bytes": ("peak_live_bytes",), "memory_overhead": ("memory_overhead",),
           "latency_p99_ns": ("latency_ns", "p99"), "gc_pause_total_ns": ("gc", "pause_ns", "total"),
           "mmu_10ms": ("gc", "mmu", "10ms")}


def summaries(runs):
    groups = {}
    for r in runs:
        key = (r["allocator"], r["collector"], r["workload"], json.dumps(r["params"], sort_keys=True))
        groups.setdefault(key, []).append(r)
    out = []
    for (a, c, w, params), group in groups.items():
        metrics = {}
        for name, path in METRICS.items():
            xs = []
            for r in group:
                v = r if r["status"] == "ok" else None
                for k in path:
                    v = v.get(k) if isinstance(v, dict) else None
                if isinstance(v, (int, float)):
                    xs.append(float(v))
            if xs:
                metrics[name] = stats(xs)
        out.append({"allocator": a, "collector": c, "workload": w, "params": json.loads(params), "seed": 0,
                    "runs": len(group), "failed": sum(r["status"] != "ok" for r in group), "metrics": metrics})
    return out


def build():
    runs = []
    for rep in range(3):  # interleaved across combinations, as `run` orders repetitions
        for params, real, trace, replay in PROGRAMS.values():
            for allocator, (wall, rss) in real.items():
                runs.append(real_run(params, allocator, "gen", rep, repetitions(wall)[rep], rss))
            for allocator, (wall, rss) in replay.items():
                runs.append(replay_run(trace, allocator, rep, repetitions(wall)[rep], rss))
        json_params = PROGRAMS["json_roundtrip"][0]
        runs.append(real_run(json_params, "cpython", "rc", rep, 9.0 + rep, 90))  # rc: not agreement's question
        runs.append(real_run({"module": "class_simulation"}, "cpython", "gen", rep, 3.0 + rep / 8, 30))
        runs.append(real_run({"module": "class_simulation"}, "pool", "gen", rep, 3.5 + rep / 8, 28))
    runs.append(real_run(PROGRAMS["json_roundtrip"][0], "pool", "gen", 3, 0.01, 1, status="crashed"))
    runs.append(replay_run(PROGRAMS["json_roundtrip"][2], "system", 0, 0.3125, 36))  # never run for real
    for i, r in enumerate(runs):
        r["index"] = i
    return {"schema": "pymembench-results/1",
            "meta": {"start_time": "2026-11-24T10:00:00Z", "end_time": "2026-11-24T10:05:00Z", "complete": True,
                     "host": {"cpu_model": "Fixture CPU", "cores": 2}, "seed": 0,
                     "command_line": ["tests/plot/make_real_fixture.py"]},
            "runs": runs, "summaries": summaries(runs)}


if __name__ == "__main__":
    with open(OUT, "w") as f:
        json.dump(build(), f, indent=1, sort_keys=True)
        f.write("\n")
    print("wrote", OUT)
