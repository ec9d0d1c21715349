"""How often `pymembench compare` cries wolf, and how often it catches a real slowdown.

Each trial measures three sides, ROUNDS rounds each (one repetition of the matrix per round, the
sides rotating within each round as scripts/perf-check.sh alternates its two), joined with
`merge --repetitions`: P1 and P2 with the same build, and S, the same build with the `pool`
backend replaced by the `slow` decorator over it (relabelled `pool`), its cost per call first
calibrated so that pool's throughput drops by 10 % (the median over the matrix's pool
combinations). Per trial, `compare P1 P2` is an A/A check (a false alarm when it exits 1) and
`compare P1 S` a detection check (a detection when a pool combination's throughput is flagged).

    /usr/bin/python3 bench/detector_rates.py PYMEMBENCH TRIALS ROUNDS [run flags] [-- compare flags]
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile


def run(binary, out, run_flags, allocators):
    subprocess.run([binary, "run", "--reps", "1", "--warmup", "0", "-a", ",".join(allocators), "--out", out,
                    *run_flags], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def relabel(path, slow_spec):
    doc = json.load(open(path))
    for r in doc["runs"]:
        if r["allocator"] == slow_spec:
            r["allocator"] = "pool"
    doc["meta"]["matrix"]["allocators"] = ["pool" if a == slow_spec else a for a in doc["meta"]["matrix"]["allocators"]]
    json.dump(doc, open(path, "w"))


def merged(binary, files, out):
    subprocess.run([binary, "merge", "--repetitions", *files, "--out", out], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return out


def compare(binary, base, cand, flags):
    p = subprocess.run([binary, "compare", base, cand, "--json", *flags], capture_output=True, text=True)
    if p.returncode not in (0, 1):
        sys.exit("compare failed: " + p.stderr.strip())
    return p.returncode, json.loads(p.stdout)


def pool_throughputs(binary, run_flags, allocators, rounds=5):
    """Median throughput per (allocator, collector, workload), the allocators' runs interleaved
    within each of `rounds` rounds so that drift of the machine falls on all alike."""
    with tempfile.TemporaryDirectory() as d:
        values = {}
        for r in range(rounds):
            for a in (allocators if r % 2 == 0 else allocators[::-1]):
                path = os.path.join(d, "c.json")
                run(binary, path, run_flags, [a])
                for x in json.load(open(path))["runs"]:
                    values.setdefault((a, x["collector"], x["workload"]), []).append(x["ops_per_s"])
        return {k: statistics.median(v) for k, v in values.items()}


def loss(binary, run_flags, slow_spec):
    """Median over the matrix's pool combinations of the throughput `slow_spec` loses against pool."""
    t = pool_throughputs(binary, run_flags, ["pool", slow_spec])
    losses = [1 - t[(slow_spec, c, w)] / t[("pool", c, w)] for (a, c, w) in t if a == "pool"]
    return statistics.median(losses), len(losses)


def main():
    binary, trials, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rest = sys.argv[4:]
    run_flags = rest[:rest.index("--")] if "--" in rest else rest
    flags = rest[rest.index("--") + 1:] if "--" in rest else []
    allocators = ["pool", "system"]

    # A fixed cost c per call turns throughput T into T / (1 + k c). The cost that loses 10 % for
    # the median pool combination is found by refitting k to each measured loss (the busy loop's
    # cost per ns is calibrated, not exact, and each measurement is noisy), stopping within half
    # a point of 10 %.
    target = 0.10
    ns, achieved = 2.0, None
    for _ in range(6):
        slow_spec = "slow:ns=%g:pool" % ns
        achieved, combinations = loss(binary, run_flags, slow_spec)
        if abs(achieved - target) < 0.005:
            break
        k = (1 / (1 - achieved) - 1) / ns if 0 < achieved < 1 else None
        ns = round((1 / (1 - target) - 1) / k, 2) if k else ns * 2
    print("detector rates: %d trials, %d rounds per side, matrix %s x %s, compare flags %s" %
          (trials, rounds, allocators, " ".join(run_flags), " ".join(flags) or "(default)"))
    print("slow decorator: %s costs pool a median %.1f %% of throughput (%d combinations)" %
          (slow_spec, 100 * achieved, combinations), flush=True)

    alarms = detections = 0
    for t in range(trials):
        with tempfile.TemporaryDirectory() as d:
            sides = {"p1": [], "p2": [], "s": []}
            order = ["p1", "p2", "s"]
            for r in range(rounds):
                for name in order[r % 3:] + order[:r % 3]:
                    path = os.path.join(d, "%s-%d.json" % (name, r))
                    run(binary, path, run_flags, allocators if name != "s" else [slow_spec, "system"])
                    if name == "s":
                        relabel(path, slow_spec)
                    sides[name].append(path)
            p1, p2, s = (merged(binary, sides[n], os.path.join(d, n + ".json")) for n in ("p1", "p2", "s"))
            code, aa = compare(binary, p1, p2, flags)
            _, det = compare(binary, p1, s, flags)
        alarms += code == 1
        caught = [r for r in det["rows"] if r["allocator"] == "pool" and r["metric"] == "ops_per_s"
                  and r["verdict"] == "regression"]
        detections += bool(caught)
        false = ["%s/%s/%s %s %+.1f%%" % (r["allocator"], r["collector"], r["workload"], r["metric"], 100 * (r["ratio"] - 1))
                 for r in aa["rows"] if r["verdict"] == "regression"]
        print("trial %2d: A/A %s; slow pool throughput flagged in %d of %d combinations" %
              (t + 1, "no regression" if not false else "FALSE ALARM " + "; ".join(false), len(caught), combinations),
              flush=True)
    print("A/A: no regression flagged in %d of %d trials" % (trials - alarms, trials))
    print("detection: the %.0f %% slowdown flagged in %d of %d trials" % (100 * achieved, detections, trials))


if __name__ == "__main__":
    main()
