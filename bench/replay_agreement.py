"""Does the trace replay predict the real interpreter? The agreement of issue-16's targets, per
touch mode, for real programs at their default scale.

For each program, its trace is recorded (`pymembench record`, default scale). Then, in one matrix
per side, every allocator runs REPS times:
  real    `run --workload python --collector gen` on each program, and on an empty program
  replay  `run --workload trace --param touch=T` on each trace, and on the empty program's trace
(the matrix interleaves combinations within each repetition), and `pymembench report agreement`
pairs them. Printed per touch mode and program:
  tau        Kendall's tau-b between the two rankings of the allocators (target: at least 0.7)
  sign       for allocators whose real time differs from cpython's by more than 3 %: how many the
             replay predicts with the same sign
  factor 2   of those, how many with a predicted difference in seconds within a factor of 2
  rss 15 %   allocators whose replay footprint is within 15 % of the real one, the footprint being
             peak RSS minus the same side's run of the empty program (the interpreter's own, or
             the replaying process's, baseline) and, for the replay, minus its bookkeeping (the
             address table and program windows, counters.replay_bookkeeping_bytes)

    /usr/bin/python3 bench/replay_agreement.py PYMEMBENCH REPS TOUCHES ALLOCATORS PROG.py..
TOUCHES and ALLOCATORS are comma-separated.
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile


def run(args, **kw):
    return subprocess.run(args, check=True, **kw)


def results(path):
    return json.load(open(path))


def median_rss(doc, workload, program_key, program, allocator):
    """Median peak RSS (and bookkeeping) of ok runs of one program and allocator."""
    rss, books = [], []
    for r in doc["runs"]:
        if r["workload"] != workload or r["allocator"] != allocator or r["status"] != "ok":
            continue
        if os.path.basename(r["params"][program_key]).rsplit(".", 1)[0] != program:
            continue
        rss.append(r["peak_rss_bytes"])
        books.append(r.get("counters", {}).get("replay_bookkeeping_bytes", 0))
    return (statistics.median(rss), statistics.median(books)) if rss else (None, None)


def main():
    binary, reps, touches, allocators = sys.argv[1], int(sys.argv[2]), sys.argv[3].split(","), sys.argv[4]
    programs = sys.argv[5:]
    with tempfile.TemporaryDirectory() as d:
        empty = os.path.join(d, "empty_program.py")
        open(empty, "w").write("pass\n")
        traces = []
        for p in programs + [empty]:
            t = os.path.join(d, os.path.basename(p)[:-3] + ".trace")
            run([binary, "record", "--out", t, "--", p], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            traces.append(t)
        real = os.path.join(d, "real.json")
        args = [binary, "run", "--workload", "python", "--collector", "gen", "--allocator", allocators,
                "--reps", str(reps), "--warmup", "0", "--out", real]
        for p in programs + [empty]:
            args += ["--param", "script=" + p]
        run(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        real_doc = results(real)
        names = [os.path.basename(p)[:-3] for p in programs]
        print("replay agreement: %d repetitions, allocators %s, default scale" % (reps, allocators))
        print("%-11s %-18s %6s %8s %9s %9s  %s" % ("touch", "program", "tau", "sign", "factor 2", "rss 15%",
                                                    "rss footprint replay/real per allocator"))
        for touch in touches:
            replay = os.path.join(d, "replay_%s.json" % touch)
            args = [binary, "run", "--workload", "trace", "--param", "touch=" + touch, "--allocator", allocators,
                    "--reps", str(reps), "--warmup", "0", "--out", replay]
            for t in traces:
                args += ["--param", "file=" + t]
            run(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            # One document with both sides' runs (two matrices, which `merge` rightly refuses to join).
            merged = os.path.join(d, "both_%s.json" % touch)
            both = results(real)
            both["runs"] += results(replay)["runs"]
            json.dump(both, open(merged, "w"))
            table = json.loads(run([binary, "report", "agreement", "--json", merged], capture_output=True,
                                   text=True).stdout)
            replay_doc = results(replay)
            for prog in table["programs"]:
                name = prog["program"]
                if name not in names:
                    continue
                differing = [r for r in prog["rows"] if r["sign_agrees"] is not None]
                same_sign = sum(1 for r in differing if r["sign_agrees"])
                within2 = sum(1 for r in differing if r["delta_ratio"] is not None and 0.5 <= r["delta_ratio"] <= 2)
                footprints, ok = [], 0
                for row in prog["rows"]:
                    a = row["allocator"]
                    real_rss, _ = median_rss(real_doc, "python", "script", name, a)
                    real_base, _ = median_rss(real_doc, "python", "script", "empty_program", a)
                    rep_rss, book = median_rss(replay_doc, "trace", "file", name, a)
                    rep_base, base_book = median_rss(replay_doc, "trace", "file", "empty_program", a)
                    if None in (real_rss, real_base, rep_rss, rep_base):
                        continue
                    f = ((rep_rss - book) - (rep_base - base_book)) / (real_rss - real_base)
                    footprints.append("%s %.2f" % (a, f))
                    ok += abs(f - 1) <= 0.15
                tau = prog["kendall_tau"]
                print("%-11s %-18s %6s %4d/%-3d %5d/%-3d %5d/%-3d  %s" % (
                    touch, name, "%.2f" % tau if tau is not None else "-", same_sign, len(differing), within2,
                    len(differing), ok, len(footprints), ", ".join(footprints)), flush=True)
            if touch == touches[0]:
                print(run([binary, "report", "agreement", merged], capture_output=True, text=True).stdout)


if __name__ == "__main__":
    main()
