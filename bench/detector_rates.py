"""How often the CI regression check cries wolf, and how often it catches a real slowdown, in the
mode CI runs it: scripts/perf-check.sh's matrix (scripts/perf-matrix.flags), its rounds (each
combination's base and candidate runs side by side, their order alternating), and `pymembench
compare --paired` with its defaults (signed-rank tests, aggregates per allocator, collector and
workload tested over their rounds' pairs, Holm within the headline family of allocator and
collector throughput aggregates and within the family of the other figures, alpha 0.05 split
between them, thresholds 5 % a figure and 2 % an aggregate).

Four sides, all the same build: A and B (for A/A trials), S5 and S10: B with the `pool` backend's
decorator set to `slow:pct=5:pool` and `slow:pct=10:pool`, which lower the throughput of every
run by 5 % and 10 % whatever the machine's speed (they stretch the time between their calls by
1 / (1 - P) - 1; a fixed cost per call would cost more or less as the machine's speed drifts).
A and B run pool as `slow:pct=0:pool`, so the decorator's own cost is on every side alike; every
side's runs are labelled `pool`. What each side really lost against A is measured over the pool
and printed. Only pool's combinations differ between B and S5 or S10, so the
slowed sides run only those, and each round's S5 and S10 files are B's with pool's runs replaced.
A POOL of rounds is measured once; in each round every combination's runs of the sides are made
one after another, the sides' order rotating, as perf-check.sh interleaves base and candidate.
The rounds are kept in OUT_DIR (default results/detector), so a failure after measuring loses
nothing, and `--reuse` cuts trials from rounds already there.

Trials are cut from the pool: trial t draws (seeded) ROUNDS of the pool's rounds and compares, on
those rounds, A against B (A/A: a false alarm when any figure is flagged as a regression), A
against S5 and A against S10 (a detection when one of pool's throughput figures, its aggregate
included, is flagged). Trials cut from one pool share rounds, so they are not independent;
disjoint blocks of ROUNDS rounds give independent trials too (POOL // ROUNDS of them), printed
separately.

    /usr/bin/python3 bench/detector_rates.py PYMEMBENCH MATRIX_FLAGS_FILE [POOL] [ROUNDS] [TRIALS]
                                              [--out-dir DIR] [--reuse]
        defaults: POOL 45 rounds, ROUNDS 20 (perf-check.s), TRIALS 20
"""
import json
import math
import os
import random
import statistics
import subprocess
import sys
import time

SIDES = ["A", "B", "S5", "S10"]
# Every side's pool goes through the slow decorator, A and B's with nothing to add: what the
# decorator's own call costs (measurable on allocation-heavy workloads) is the same on every side, and S5
# and S10 differ from A by exactly their stretch.
BASELINE = "slow:pct=0:pool"


def matrix_flags(path):
    flags = []
    for line in open(path):
        line = line.split("#", 1)[0].strip()
        if line:
            flags.extend(line.split())
    return flags


def with_allocators(flags, allocators):
    out = list(flags)
    i = out.index("--allocator")
    out[i + 1] = ",".join(allocators)
    return out


def allocators_of(flags):
    return flags[flags.index("--allocator") + 1].split(",")


def combinations_of(flags):
    """The matrix's size: allocators x collectors x workloads (perf-check.sh's shard count)."""
    return math.prod(len(flags[flags.index(o) + 1].split(",")) for o in ("--allocator", "--collector", "--workload"))


def run(binary, out, flags, shard=None):
    extra = ["--shard", shard] if shard else []
    p = subprocess.run([binary, "run", "--reps", "1", *flags, *extra, "--out", out], stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        sys.exit("detector: a run failed (exit %d): %s" % (p.returncode, p.stderr.strip()[-400:]))
    return json.load(open(out))["runs"]


def merged(binary, files, out, repetitions=True):
    p = subprocess.run([binary, "merge", *(["--repetitions"] if repetitions else []), *files, "--out", out],
                       capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit("detector: merge failed: " + p.stderr.strip())
    return out


def slowed_round(b_path, s_runs, out):
    """B's round with pool's runs replaced by the slowed side's (same collector, workload, params)."""
    b = json.load(open(b_path))
    slowed = {(r["collector"], r["workload"], json.dumps(r.get("params", {}), sort_keys=True)): r for r in s_runs}
    runs = []
    for r in b["runs"]:
        if r["allocator"] == "pool":
            x = dict(slowed[(r["collector"], r["workload"], json.dumps(r.get("params", {}), sort_keys=True))])
            x.update({"index": r["index"], "rep": r["rep"], "allocator": "pool"})
            r = x
        runs.append(r)
    b["runs"] = runs
    json.dump(b, open(out, "w"))


def compare(binary, base, cand):
    p = subprocess.run([binary, "compare", base, cand, "--paired", "--json"], capture_output=True, text=True)
    if p.returncode not in (0, 1):
        sys.exit("detector: compare failed: " + p.stderr.strip())
    return p.returncode, json.loads(p.stdout)


def measured_loss(rounds_of, side):
    """Geometric mean over pool's combinations and the pool's rounds of 1 - `side`'s throughput / A's
    in the same round."""
    logs = []
    for a_path, s_path in zip(rounds_of["A"], rounds_of[side]):
        a = {(x["collector"], x["workload"]): x["ops_per_s"] for x in json.load(open(a_path))["runs"]
             if x["allocator"] == "pool" and x["status"] == "ok"}
        for x in json.load(open(s_path))["runs"]:
            k = (x["collector"], x["workload"])
            if x["allocator"] == "pool" and x["status"] == "ok" and k in a:
                logs.append(math.log(x["ops_per_s"] / a[k]))
    return 1 - math.exp(statistics.mean(logs))


def noise_report(rounds_of):
    """What the pairing is for, from the A/A rounds: how much one combination's throughput varies
    from round to round, how far a whole round drifts, and the spread (standard deviation of the
    log) of pool's aggregate ratio B / A per round with each pair made side by side against B taken
    from the next round (a round apart, as rounds alternating would pair them)."""
    def load(path):
        return {(x["allocator"], x["collector"], x["workload"]): x["ops_per_s"]
                for x in json.load(open(path))["runs"] if x["status"] == "ok"}
    a = [load(p) for p in rounds_of["A"]]
    b = [load(p) for p in rounds_of["B"]]
    combos = sorted(a[0])
    cvs = [statistics.pstdev([r[c] for r in a]) / statistics.mean([r[c] for r in a]) for c in combos]
    overall = {c: statistics.median([r[c] for r in a]) for c in combos}
    drift = [statistics.median([r[c] / overall[c] for c in combos]) for r in a]
    pool = [c for c in combos if c[0] == "pool"]

    def aggregate(x, y):
        return statistics.mean(math.log(y[c] / x[c]) for c in pool)
    side_by_side = [aggregate(x, y) for x, y in zip(a, b)]
    apart = [aggregate(x, y) for x, y in zip(a, b[1:])]
    return ("noise (A's rounds): one combination's throughput CV from round to round, median %.1f %% (%.1f-%.1f); "
            "a round's median against the overall, %.2f-%.2f\n"
            "pool's aggregate log ratio B / A per round: standard deviation %.3f side by side, %.3f a round apart" %
            (100 * statistics.median(cvs), 100 * min(cvs), 100 * max(cvs), min(drift), max(drift),
             statistics.pstdev(side_by_side), statistics.pstdev(apart)))


def judge(aa, det10, det5):
    """Per comparison: (flagged regressions, pool throughput regressions, pool throughput figures)."""
    def pool_tp(c):
        rows = [r for r in c["rows"] if r["allocator"] == "pool" and r["metric"] == "ops_per_s"]
        aggregate = [r for r in rows if r.get("aggregate") == "allocator"]
        return (sum(r["verdict"] == "regression" for r in rows), len(rows),
                aggregate[0]["ratio"] if aggregate else float("nan"),
                aggregate[0]["p_adjusted"] if aggregate else float("nan"))
    return {"aa_flagged": [r for r in aa["rows"] if r["verdict"] == "regression"],
            "aa_changes": sum(r["verdict"] in ("regression", "improvement") for r in aa["rows"]),
            "aa_tests": aa["tests"], "untestable": aa["untestable"],
            "det10": pool_tp(det10), "det5": pool_tp(det5)}


def trial(binary, directory, name, rounds_of, chosen):
    files = {side: merged(binary, [rounds_of[side][r] for r in chosen], os.path.join(directory, "%s-%s.json" % (name, side)))
             for side in SIDES}
    _, aa = compare(binary, files["A"], files["B"])
    _, d10 = compare(binary, files["A"], files["S10"])
    _, d5 = compare(binary, files["A"], files["S5"])
    return judge(aa, d10, d5)


def summary(label, results):
    n = len(results)
    alarms = sum(bool(r["aa_flagged"]) for r in results)
    flagged_figures = sum(len(r["aa_flagged"]) for r in results)
    figures = sum(r["aa_tests"] for r in results)
    out = ["%s: %d trials" % (label, n),
           "  A/A: a regression flagged in %d of %d trials (%.0f %%; target at most 5 %%); %d of %d figures "
           "flagged (%.4f %%)" % (alarms, n, 100 * alarms / n, flagged_figures, figures, 100 * flagged_figures / max(figures, 1))]
    for key, pct, target in (("det10", 10, 90), ("det5", 5, 50)):
        caught = sum(r[key][0] > 0 for r in results)
        figs = sum(r[key][0] for r in results)
        total = sum(r[key][1] for r in results)
        out.append("  %2d %% slowdown of pool: caught in %d of %d trials (%.0f %%; target at least %d %%); %d of %d "
                   "pool throughput figures flagged (%.0f %%)" % (pct, caught, n, 100 * caught / n, target, figs, total,
                                                                   100 * figs / max(total, 1)))
    return "\n".join(out)


def measure_round(binary, flags, d, r, specs, pool_shards):
    """Round r: every combination's sides one after another, the order rotating by round and
    combination; the slowed sides only on pool's combinations (pool_shards, learnt in round 0,
    where they follow A and B). Writes A-r.json, B-r.json, S5-r.json, S10-r.json."""
    n = combinations_of(flags)
    decorated = lambda spec: with_allocators(flags, [spec if a == "pool" else a for a in allocators_of(flags)])
    slowed_flags = {s: decorated(specs[s]) for s in ("S5", "S10")}
    base_flags = decorated(BASELINE)
    shard_files = {"A": [], "B": []}
    slowed_runs = {"S5": [], "S10": []}
    for i in range(1, n + 1):
        shard = "%d/%d" % (i, n)
        sides = SIDES if i in pool_shards else ["A", "B"]
        k = (r + i) % len(sides)
        order = sides[k:] + sides[:k]
        if r == 0:
            order = [s for s in order if s in ("A", "B")] + [s for s in order if s not in ("A", "B")]
        for side in order:
            if side in ("A", "B"):
                path = os.path.join(d, "shards", "%s-%d-%d.json" % (side, r, i))
                runs = run(binary, path, base_flags, shard)
                shard_files[side].append(path)
                if any(x["allocator"] == BASELINE for x in runs):
                    pool_shards.add(i)
            elif i in pool_shards:
                slowed_runs[side] += run(binary, os.path.join(d, "shards", "slow.json"), slowed_flags[side], shard)
        if r == 0 and i in pool_shards:  # learnt just now: measure the slowed sides after A and B
            for side in ("S5", "S10"):
                slowed_runs[side] += run(binary, os.path.join(d, "shards", "slow.json"), slowed_flags[side], shard)
    for side in ("A", "B"):
        path = merged(binary, shard_files[side], os.path.join(d, "%s-%d.json" % (side, r)), repetitions=False)
        doc = json.load(open(path))
        for x in doc["runs"]:
            if x["allocator"] == BASELINE:
                x["allocator"] = "pool"
        json.dump(doc, open(path, "w"))
    for side in ("S5", "S10"):
        slowed_round(os.path.join(d, "B-%d.json" % r), slowed_runs[side], os.path.join(d, "%s-%d.json" % (side, r)))


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    reuse = "--reuse" in sys.argv
    out_dir = "results/detector"
    if "--out-dir" in sys.argv:
        out_dir = sys.argv[sys.argv.index("--out-dir") + 1]
        args.remove(out_dir)
    if len(args) < 2:
        sys.exit(__doc__)
    binary, flags_file = args[0], args[1]
    pool = int(args[2]) if len(args) > 2 else 45
    rounds = int(args[3]) if len(args) > 3 else 20
    trials = int(args[4]) if len(args) > 4 else 20
    if not (0 < rounds <= pool):
        sys.exit("detector: ROUNDS (%d) must be between 1 and POOL (%d)" % (rounds, pool))
    flags = matrix_flags(flags_file)
    started = time.time()
    d = out_dir
    os.makedirs(os.path.join(d, "shards"), exist_ok=True)
    state_path = os.path.join(d, "state.json")
    if reuse:
        specs = json.load(open(state_path))["specs"]
        print("detector: reusing %d rounds in %s (%s, %s)" % (pool, d, specs["S5"], specs["S10"]))
    else:
        specs = {"S5": "slow:pct=5:pool", "S10": "slow:pct=10:pool"}
        json.dump({"specs": specs}, open(state_path, "w"))
        print("detector: matrix %s; pool of %d rounds, %d rounds per trial, %d trials; slowed sides %s and %s" %
              (" ".join(flags), pool, rounds, trials, specs["S5"], specs["S10"]), flush=True)
    rounds_of = {side: [os.path.join(d, "%s-%d.json" % (side, r)) for r in range(pool)] for side in SIDES}
    round_started = time.time()
    if not reuse:
        pool_shards = set()
        for r in range(pool):
            measure_round(binary, flags, d, r, specs, pool_shards)
            print("round %d of %d measured (%.0f s a round of the four sides)" %
                  (r + 1, pool, (time.time() - round_started) / (r + 1)), flush=True)
    round_s = None if reuse else (time.time() - round_started) / pool
    print("measured over the pool, side by side with A: %s costs pool %.1f %% of throughput, %s %.1f %% "
          "(geometric means)" % (specs["S5"], 100 * measured_loss(rounds_of, "S5"), specs["S10"],
                                 100 * measured_loss(rounds_of, "S10")), flush=True)

    print(noise_report(rounds_of), flush=True)

    rng = random.Random(2026)
    resampled = []
    for t in range(trials):
        chosen = sorted(rng.sample(range(pool), rounds))
        r = trial(binary, d, "t%d" % t, rounds_of, chosen)
        resampled.append(r)
        print("trial %2d: A/A %s; pool throughput flagged in %d/%d figures at 10 %% (pool/*/* %+.1f %%, p %.2g), "
              "%d/%d at 5 %% (pool/*/* %+.1f %%, p %.2g); %d of %d figures untestable" %
              (t + 1, "no regression" if not r["aa_flagged"] else "FALSE ALARM " + "; ".join(
                  "%s/%s/%s %s %+.1f%%" % (x["allocator"], x["collector"], x["workload"], x["metric"],
                                           100 * (x["ratio"] - 1)) for x in r["aa_flagged"]),
               r["det10"][0], r["det10"][1], 100 * (r["det10"][2] - 1), r["det10"][3],
               r["det5"][0], r["det5"][1], 100 * (r["det5"][2] - 1), r["det5"][3], r["untestable"], r["aa_tests"]),
              flush=True)
    independent = [trial(binary, d, "i%d" % b, rounds_of, list(range(b * rounds, (b + 1) * rounds)))
                   for b in range(pool // rounds)]
    print()
    print(summary("trials cut from the pool (sharing rounds)", resampled))
    print(summary("independent trials (disjoint rounds)", independent))
    if round_s is not None:
        # A round here is A and B in full plus pool's combinations twice; CI's is base and candidate.
        n = combinations_of(flags)
        pool_n = combinations_of(with_allocators(flags, ["pool"]))
        full_side_s = round_s * n / (2 * n + 2 * pool_n)
        print("cost: about %.0f s a round of one side of the full matrix; the CI check (%d rounds, both "
              "sides) measures for about %.0f min (plus building the base ref)" %
              (full_side_s, rounds, 2 * rounds * full_side_s / 60))
        print("whole measurement: %.0f min" % ((time.time() - started) / 60))


if __name__ == "__main__":
    main()
