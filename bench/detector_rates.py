"""How often `pymembench compare` cries wolf, and how often it catches a real slowdown.

A/A: TRIALS times, two sides measured with the same build, ROUNDS rounds each (one repetition of
the quick matrix per round, the sides alternating within each round, as scripts/perf-check.sh
does), joined with `merge --repetitions` and compared: a trial is a false alarm when compare
exits 1. Detection: for each of a few workloads, the `slow` decorator's cost per call is first
calibrated so that pool/gen on that workload loses 10 % of its throughput; then TRIALS times the
plain side is compared with the slowed side (relabelled as plain), and a trial is a detection
when compare flags that combination's throughput as a regression.

    /usr/bin/python3 bench/detector_rates.py PYMEMBENCH [TRIALS] [ROUNDS] [compare flags...]
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile

DETECTION_WORKLOADS = ["trees", "lru", "temporaries"]


def run(binary, out, *args):
    subprocess.run([binary, "run", "--quick", "--reps", "1", "--out", out, *args], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def relabel(path, allocator):
    doc = json.load(open(path))
    for r in doc["runs"]:
        r["allocator"] = allocator
    doc["meta"]["matrix"]["allocators"] = [allocator]
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


def trial(binary, rounds, flags, args_a, args_b, relabel_b=None):
    with tempfile.TemporaryDirectory() as d:
        a_files, b_files = [], []
        for r in range(rounds):
            sides = [("a", args_a, a_files), ("b", args_b, b_files)]
            for name, args, files in (sides if r % 2 == 0 else sides[::-1]):
                path = os.path.join(d, "%s-%d.json" % (name, r))
                run(binary, path, *args)
                if name == "b" and relabel_b:
                    relabel(path, relabel_b)
                files.append(path)
        return compare(binary, merged(binary, a_files, os.path.join(d, "a.json")),
                       merged(binary, b_files, os.path.join(d, "b.json")), flags)


def throughput(binary, allocator, workload, reps=5):
    with tempfile.TemporaryDirectory() as d:
        values = []
        for r in range(reps):
            path = os.path.join(d, "t%d.json" % r)
            run(binary, path, "-a", allocator, "-c", "gen", "-w", workload)
            values.append(json.load(open(path))["runs"][0]["ops_per_s"])
        return statistics.median(values)


def main():
    binary = sys.argv[1]
    trials = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    flags = sys.argv[4:]
    print("detector rates: %d trials, %d rounds (repetitions) per side, compare flags %s" % (trials, rounds, flags or "default"))

    # Detection first (short), then A/A over the whole quick matrix (long).
    for w in DETECTION_WORKLOADS:
        plain = throughput(binary, "pool", w)
        probe = 100.0
        loss = 1 - throughput(binary, "slow:ns=%g:pool" % probe, w) / plain
        ns = probe * 0.10 / max(loss, 1e-3)
        achieved = 1 - throughput(binary, "slow:ns=%.1f:pool" % ns, w) / plain
        detected = 0
        for t in range(trials):
            _, c = trial(binary, rounds, flags, ["-a", "pool", "-c", "gen", "-w", w],
                         ["-a", "slow:ns=%.1f:pool" % ns, "-c", "gen", "-w", w], relabel_b="pool")
            detected += any(r["metric"] == "ops_per_s" and r["verdict"] == "regression" for r in c["rows"])
        print("detection %-12s slow:ns=%.1f (throughput -%.1f %%): flagged in %d of %d trials"
              % (w, ns, 100 * achieved, detected, trials), flush=True)

    alarms = 0
    for t in range(trials):
        code, c = trial(binary, rounds, flags, [], [])
        alarms += code == 1
        flagged = ["%s/%s/%s %s %+.1f%%" % (r["allocator"], r["collector"], r["workload"], r["metric"],
                                            100 * (r["ratio"] - 1))
                   for r in c["rows"] if r["verdict"] == "regression"]
        print("A/A trial %2d: %d combinations, %s" % (t + 1, c["combinations"],
                                                     "no regression" if not flagged else "FLAGGED " + "; ".join(flagged)),
              flush=True)
    print("A/A: no regression flagged in %d of %d trials" % (trials - alarms, trials))


if __name__ == "__main__":
    main()
