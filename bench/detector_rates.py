"""How often the CI regression check cries wolf, and how often it catches a real slowdown, in the
mode CI runs it: scripts/perf-check.sh's matrix (scripts/perf-matrix.flags), its number of rounds,
and `pymembench compare` with its defaults (Holm over every figure, alpha 0.05, 5 % thresholds).

Four sides, all the same build: A and B (for A/A trials), S5 and S10: B with the `pool` backend
replaced by the `slow` decorator over it (relabelled `pool`), its cost per call calibrated first
so that pool's throughput drops by 5 % and by 10 % (the median over the matrix's pool
combinations). Only pool's combinations differ between B and S5 or S10, so the slowed sides run
only those, and each round's S5 and S10 files are B's with pool's runs replaced: the other
combinations are the same build's runs measured in the same round. A POOL of rounds is measured
once, each round every side, the sides' order rotating from round to round so that drift of the
machine falls on all alike. The rounds are kept in OUT_DIR (default results/detector), so a
failure after measuring loses nothing, and `--reuse` cuts trials from rounds already there.

Trials are cut from the pool: trial t draws (seeded) ROUNDS of the pool's rounds for its base and,
independently, ROUNDS for its candidate, and compares A against B (A/A: a false alarm when any
figure is flagged as a regression), A against S5 and A against S10 (a detection when a pool
combination's throughput is flagged). Trials cut from one pool share rounds, so they are not
independent; disjoint blocks of 2 x ROUNDS rounds give independent trials too (POOL // (2 ROUNDS)
of them), printed separately.

    /usr/bin/python3 bench/detector_rates.py PYMEMBENCH MATRIX_FLAGS_FILE [POOL] [ROUNDS] [TRIALS]
                                              [--out-dir DIR] [--reuse]
        defaults: POOL 30 rounds, ROUNDS 15 (perf-check's), TRIALS 20
"""
import json
import os
import random
import statistics
import subprocess
import sys
import time


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


def run(binary, out, flags):
    p = subprocess.run([binary, "run", "--reps", "1", *flags, "--out", out], stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        sys.exit("detector: a round failed (exit %d): %s" % (p.returncode, p.stderr.strip()[-400:]))


def merged(binary, files, out):
    p = subprocess.run([binary, "merge", "--repetitions", *files, "--out", out], capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit("detector: merge failed: " + p.stderr.strip())
    return out


def slowed_round(b_path, s_path, slow_spec, out):
    """B's round with pool's runs replaced by the slowed side's (same collector, workload, params)."""
    b = json.load(open(b_path))
    s = json.load(open(s_path))
    slowed = {(r["collector"], r["workload"], json.dumps(r.get("params", {}), sort_keys=True)): r for r in s["runs"]}
    runs = []
    for r in b["runs"]:
        if r["allocator"] == "pool":
            x = dict(slowed[(r["collector"], r["workload"], json.dumps(r.get("params", {}), sort_keys=True))])
            x.update({"index": r["index"], "rep": r["rep"], "allocator": "pool"})
            r = x
        runs.append(r)
    b["runs"] = runs
    json.dump(b, open(out, "w"))


def same_source_state(paths):
    """Rounds are the same binary; the source tree's git state, read when each ran, may have
    changed meanwhile (merge would refuse them): every round takes the first round's."""
    first = json.load(open(paths[0]))["meta"].get("git")
    for path in paths[1:]:
        doc = json.load(open(path))
        if doc["meta"].get("git") != first:
            doc["meta"]["git"] = first
            json.dump(doc, open(path, "w"))


def compare(binary, base, cand):
    p = subprocess.run([binary, "compare", base, cand, "--json"], capture_output=True, text=True)
    if p.returncode not in (0, 1):
        sys.exit("detector: compare failed: " + p.stderr.strip())
    return p.returncode, json.loads(p.stdout)


def pool_loss(binary, flags, slow_spec, directory, rounds=3):
    """Median over pool's combinations of the throughput slow_spec loses against pool (pool only,
    the two alternating within each of `rounds` rounds)."""
    values = {}
    for r in range(rounds):
        for a in (["pool", slow_spec] if r % 2 == 0 else [slow_spec, "pool"]):
            path = os.path.join(directory, "calibrate.json")
            run(binary, path, with_allocators(flags, [a]))
            for x in json.load(open(path))["runs"]:
                values.setdefault((a, x["collector"], x["workload"]), []).append(x["ops_per_s"])
    t = {k: statistics.median(v) for k, v in values.items()}
    return statistics.median(1 - t[(slow_spec, c, w)] / t[("pool", c, w)] for (a, c, w) in t if a == "pool")


def calibrate(binary, flags, targets, directory, probes=(3.0, 12.0)):
    """The slow decorator's ns per call that costs pool each of `targets` of its throughput. A
    fixed cost c per call turns throughput T into T / (1 + a + k c): a is what the decorator costs
    with no spinning (its indirection), k the calls per unit of time. Two probes fit a and k. Only
    approximate: the loss each side really had is measured from the pool itself and printed."""
    xs = [(c, pool_loss(binary, flags, "slow:ns=%g:pool" % c, directory, rounds=4)) for c in probes]
    (c1, l1), (c2, l2) = xs
    y1, y2 = 1 / (1 - l1) - 1, 1 / (1 - l2) - 1
    k = (y2 - y1) / (c2 - c1)
    a = y1 - k * c1
    if not k > 0:
        sys.exit("detector: the slow decorator cost pool %.1f %% at %g ns and %.1f %% at %g ns; cannot calibrate"
                 % (100 * l1, c1, 100 * l2, c2))
    specs = {t: "slow:ns=%g:pool" % max(0.0, round((1 / (1 - t) - 1 - a) / k, 2)) for t in targets}
    return xs, specs


def measured_loss(sides, side):
    """Median over pool's combinations of 1 - median throughput of `side` / median of A, over the pool."""
    def medians(files):
        values = {}
        for f in files:
            for x in json.load(open(f))["runs"]:
                if x["allocator"] == "pool" and x["status"] == "ok":
                    values.setdefault((x["collector"], x["workload"]), []).append(x["ops_per_s"])
        return {k: statistics.median(v) for k, v in values.items()}
    a, s = medians(sides["A"]), medians(sides[side])
    return statistics.median(1 - s[k] / a[k] for k in a)


def judge(aa, det10, det5):
    """Per comparison: (flagged regressions, pool throughput regressions, pool throughput figures)."""
    def pool_tp(c):
        rows = [r for r in c["rows"] if r["allocator"] == "pool" and r["metric"] == "ops_per_s"]
        return sum(r["verdict"] == "regression" for r in rows), len(rows)
    return {"aa_flagged": [r for r in aa["rows"] if r["verdict"] == "regression"],
            "aa_changes": sum(r["verdict"] in ("regression", "improvement") for r in aa["rows"]),
            "aa_tests": aa["tests"], "untestable": aa["untestable"],
            "det10": pool_tp(det10), "det5": pool_tp(det5)}


def trial(binary, directory, name, sides, base_rounds, cand_rounds):
    files = {}
    for side, rounds in (("A", base_rounds), ("B", cand_rounds), ("S5", cand_rounds), ("S10", cand_rounds)):
        files[side] = merged(binary, [sides[side][r] for r in rounds], os.path.join(directory, "%s-%s.json" % (name, side)))
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
    pool = int(args[2]) if len(args) > 2 else 30
    rounds = int(args[3]) if len(args) > 3 else 15
    trials = int(args[4]) if len(args) > 4 else 20
    if not (0 < rounds <= pool):
        sys.exit("detector: ROUNDS (%d) must be between 1 and POOL (%d)" % (rounds, pool))
    flags = matrix_flags(flags_file)
    allocators = allocators_of(flags)
    started = time.time()
    d = out_dir
    os.makedirs(d, exist_ok=True)
    state_path = os.path.join(d, "state.json")
    if reuse:
        state = json.load(open(state_path))
        spec5, spec10 = state["spec5"], state["spec10"]
        print("detector: reusing %d rounds in %s (%s, %s)" % (pool, d, spec5, spec10))
    else:
        probes, specs = calibrate(binary, flags, (0.05, 0.10), d)
        spec5, spec10 = specs[0.05], specs[0.10]
        json.dump({"spec5": spec5, "spec10": spec10, "probes": probes}, open(state_path, "w"))
        print("detector: matrix %s; pool of %d rounds, %d rounds a side per trial, %d trials" %
              (" ".join(flags), pool, rounds, trials))
        print("slow decorator calibrated (%s): 5 %% -> %s, 10 %% -> %s" %
              (", ".join("%g ns a call cost pool %.1f %%" % (c, 100 * l) for c, l in probes), spec5, spec10),
              flush=True)
    sides = {"A": [], "B": [], "S5": [], "S10": []}
    order = ["A", "B", "S5", "S10"]
    round_started = time.time()
    for r in range(pool):
        for side in order[r % 4:] + order[:r % 4]:
            path = os.path.join(d, "%s-%d.json" % (side, r))
            sides[side].append(path)
            if reuse:
                continue
            spec = {"S5": spec5, "S10": spec10}.get(side)
            run(binary, path if not spec else path + ".pool", with_allocators(flags, [spec] if spec else allocators))
        if not reuse:
            print("round %d of %d measured (%.0f s a round of the four sides)" %
                  (r + 1, pool, (time.time() - round_started) / (r + 1)), flush=True)
    for r in range(pool):
        for side, spec in (("S5", spec5), ("S10", spec10)):
            slowed_round(sides["B"][r], sides[side][r] + ".pool", spec, sides[side][r])
    same_source_state([p for side in order for p in sides[side]])
    round_s = None if reuse else (time.time() - round_started) / pool
    print("measured over the pool: %s costs pool a median %.1f %% of throughput, %s %.1f %%" %
          (spec5, 100 * measured_loss(sides, "S5"), spec10, 100 * measured_loss(sides, "S10")), flush=True)

    rng = random.Random(2026)
    resampled = []
    for t in range(trials):
        base_rounds = sorted(rng.sample(range(pool), rounds))
        cand_rounds = sorted(rng.sample(range(pool), rounds))
        r = trial(binary, d, "t%d" % t, sides, base_rounds, cand_rounds)
        resampled.append(r)
        print("trial %2d: A/A %s; pool throughput flagged in %d/%d combinations at 10 %%, %d/%d at 5 %%; "
              "%d of %d figures untestable" %
              (t + 1, "no regression" if not r["aa_flagged"] else "FALSE ALARM " + "; ".join(
                  "%s/%s/%s %s %+.1f%%" % (x["allocator"], x["collector"], x["workload"], x["metric"],
                                           100 * (x["ratio"] - 1)) for x in r["aa_flagged"]),
               r["det10"][0], r["det10"][1], r["det5"][0], r["det5"][1], r["untestable"], r["aa_tests"]),
              flush=True)
    independent = []
    for b in range(pool // (2 * rounds)):
        lo = b * 2 * rounds
        independent.append(trial(binary, d, "i%d" % b, sides, list(range(lo, lo + rounds)),
                                 list(range(lo + rounds, lo + 2 * rounds))))
    print()
    print(summary("trials cut from the pool (sharing rounds)", resampled))
    if independent:
        print(summary("independent trials (disjoint rounds)", independent))
    else:
        print("independent trials: none (POOL must be at least 2 x ROUNDS)")
    if round_s is not None:
        # A round here is A and B in full plus pool's combinations twice; CI's is base and candidate.
        full_side_s = round_s * 40 / (40 + 40 + 10 + 10)
        print("cost: about %.0f s a round of one side of the full matrix; the CI check (%d rounds a side, both "
              "sides) measures for about %.0f min (plus building the base ref)" %
              (full_side_s, rounds, 2 * rounds * full_side_s / 60))
        print("whole measurement: %.0f min" % ((time.time() - started) / 60))


if __name__ == "__main__":
    main()
