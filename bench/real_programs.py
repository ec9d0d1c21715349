"""The `python` workload against the plain interpreter: does the harness add nothing to a real
program, and do its collector figures equal the interpreter's own?

    /usr/bin/python3 bench/real_programs.py PYMEMBENCH PYTHON_MAIN ROUNDS PROG.py [PROG.py ..]

For each program, ROUNDS rounds alternate (the order reversed every other round) between
  static:        /usr/bin/python3.11 PROG.py (Debian links it statically: the interpreter users run),
  pmb:           `pymembench run --workload python --param script=PROG.py --collector gen` with the
                 same backend (the default interpreter=executable: python3.11 itself, with the agent),
  shared:        PYTHON_MAIN PROG.py, python3.11's own main over the shared libpython3.11
                 (bench/python_main.c), and
  pmb_embedded:  the same run with interpreter=embedded (that shared library, in the worker),
the plain ones with PYTHONMALLOC=malloc and LD_PRELOAD of the library for system, mimalloc,
jemalloc and tcmalloc (the interpreter's own switches); pool, the pymalloc model, has no plain
counterpart. Each is a fresh process, timed from start to exit (pymembench: the worker process's
wall time, which the harness measures; plain: this script's clock around the child). Printed:
median wall times; pmb / static per backend (the median of the ratios paired within each round),
what pymembench adds to the interpreter users run (targets: 1.02 for cpython, 1.03 for the
others); embedded / shared (paired likewise), the same for the embedded
interpreter; shared / static, what the shared library itself costs; python3.11's times relative
to pymalloc beside pymembench's, and Kendall's tau between the two rankings of the five
backends; pool against cpython in program time and peak RSS (the model's fidelity in a real
program).

Then once per program (deterministic): gc.get_stats() at the end of a plain run against the `gen`
run's interpreter_stats, and the cyclic garbage one gc.collect() finds after a plain run under
gc.disable() (bench/plain_interpreter.py) against the `rc` run's leaked_objects: both must be
equal.

PMB_BENCH_SHARED=0 leaves out the shared-library sides (shared, pmb_embedded): half the time.
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

PYTHON = "/usr/bin/python3.11"
LAUNCHER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "plain_interpreter.py")
BACKENDS = ["cpython", "system", "mimalloc", "jemalloc", "tcmalloc", "pool"]
TARGET = {"cpython": 1.02}


def pymembench_run(binary, program, allocator, collector, out, interpreter="executable"):
    subprocess.run([binary, "run", "--workload", "python", "--param", "script=" + program, "--param",
                    "interpreter=" + interpreter, "--allocator", allocator,
                    "--collector", collector, "--reps", "1", "--warmup", "0", "--out", out], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    run = json.load(open(out))["runs"][0]
    if run["status"] != "ok":
        sys.exit("%s under %s/%s failed: %s" % (program, allocator, collector, run["error"]))
    return run


def library_paths():
    """Basename -> path of every shared library the dynamic linker knows."""
    paths = {}
    for line in subprocess.run(["ldconfig", "-p"], capture_output=True, text=True).stdout.splitlines()[1:]:
        name, _, path = line.strip().partition(" => ")
        paths.setdefault(name.split(" ")[0], path)
        paths.setdefault(os.path.basename(os.path.realpath(path)), path)
    return paths


def plain_run(interpreter, program, env_extra):
    env = dict(os.environ)
    env.pop("PYTHONMALLOC", None)
    env.pop("LD_PRELOAD", None)
    env.update(env_extra)
    start = time.perf_counter()
    child = subprocess.Popen([interpreter, program], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        sys.exit("plain %s failed (status %d)" % (program, status))
    return wall, usage.ru_maxrss * 1024


def kendall_tau(x, y):
    """Kendall's tau-b of two equally long lists of values."""
    concordant = discordant = ties_x = ties_y = 0
    for i in range(len(x)):
        for j in range(i + 1, len(x)):
            dx, dy = x[i] - x[j], y[i] - y[j]
            if dx == 0 and dy == 0:
                continue
            if dx == 0:
                ties_x += 1
            elif dy == 0:
                ties_y += 1
            elif (dx > 0) == (dy > 0):
                concordant += 1
            else:
                discordant += 1
    n = ((concordant + discordant + ties_x) * (concordant + discordant + ties_y)) ** 0.5
    return (concordant - discordant) / n if n else float("nan")


def ratio(a, b):
    return a / b if b else float("nan")


def check_collector(binary, program, out, tmp):
    """gen: a copy of the program with one line appended that writes gc.get_stats() (the program
    itself unchanged up to its end) runs plain and under pymembench; rc: the launcher's count
    against leaked_objects."""
    stats_file = os.path.join(tmp, "stats.json")
    copy = os.path.join(os.path.dirname(os.path.abspath(program)), ".gc_stats_" + os.path.basename(program))
    with open(program) as src, open(copy, "w") as dst:
        dst.write(src.read() + "\nimport gc as _g; open(%r, 'w').write(repr([s['collections'] for s in _g.get_stats()]))\n"
                  % stats_file)
    try:
        subprocess.run([PYTHON, copy], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        plain = eval(open(stats_file).read())
        run = pymembench_run(binary, copy, "cpython", "gen", out)
        gen = [g["collections"] for g in run["gc"]["interpreter_stats"]]
    finally:
        os.unlink(copy)
    subprocess.run([PYTHON, LAUNCHER, stats_file, program], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    plain_leaked = json.load(open(stats_file))["leaked"]
    leaked = pymembench_run(binary, program, "cpython", "rc", out)["leaked_objects"]
    return plain, gen, plain_leaked, leaked


def main():
    binary, python_main, rounds, programs = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
    with_shared = os.environ.get("PMB_BENCH_SHARED", "1") != "0"
    libs = library_paths()
    tmp = tempfile.mkdtemp()
    out = os.path.join(tmp, "run.json")
    failures = []
    print("real programs: %d alternating rounds per program and backend (medians; wall = process start to exit)"
          % rounds)
    for program in programs:
        name = os.path.basename(program)[:-3]
        sides = ("static", "shared", "pmb", "pmb_embedded", "rss", "program")
        m = {side: {b: [] for b in BACKENDS} for side in sides}
        preload = {}
        for r in range(rounds):
            order = BACKENDS if r % 2 == 0 else BACKENDS[::-1]
            for backend in order:
                steps = [("pmb", "executable")] + ([("pmb_embedded", "embedded")] if with_shared else [])
                if backend != "pool":
                    steps += [("static", PYTHON)] + ([("shared", python_main)] if with_shared else [])
                for side, how in steps[::1 if r % 2 == 0 else -1]:
                    if side.startswith("pmb"):
                        run = pymembench_run(binary, program, backend, "gen", out, how)
                        m[side][backend].append(run["process"]["wall_s"])
                        if side == "pmb":
                            m["rss"][backend].append(run["peak_rss_bytes"])
                            m["program"][backend].append(run["wall_s"])
                        if backend not in preload:
                            preload[backend] = {} if backend == "cpython" else {"PYTHONMALLOC": "malloc"}
                            if backend not in ("cpython", "system", "pool"):
                                preload[backend]["LD_PRELOAD"] = libs[run["allocator_lib"]]
                    else:
                        m[side][backend].append(plain_run(how, program, preload[backend])[0])
        med = {side: {b: statistics.median(v) for b, v in d.items() if v} for side, d in m.items()}
        # Ratios paired within each round (the two runs next to each other), then their median:
        # the machine's drift between rounds falls on both sides of every pair.
        paired = {pair: {b: statistics.median(x / y for x, y in zip(m[pair[0]][b], m[pair[1]][b]))
                         for b in BACKENDS if m[pair[1]][b]}
                  for pair in (("pmb", "static"), ("pmb_embedded", "shared"))}
        print("\n%s" % name)
        print("  %-9s %8s %8s %8s %10s %7s %8s %10s %13s  %8s %8s  %9s %7s" % (
            "backend", "static s", "pmb s", "pmb/stat", "target", "shared s", "embed s", "embed/shr",
            "shared/static", "static x", "pmb x", "program s", "RSS MiB"))
        for b in BACKENDS:
            st, sh = med["static"].get(b), med["shared"].get(b)
            pm, em = med["pmb"][b], med["pmb_embedded"].get(b)
            target = TARGET.get(b, 1.03)
            f = lambda v: "-" if v is None else "%.3f" % v
            if st:
                cells = (f(st), f(pm), f(paired[("pmb", "static")][b]), "%.2f" % target, f(sh), f(em),
                         f(paired[("pmb_embedded", "shared")].get(b)), f(sh and ratio(sh, st)),
                         f(ratio(st, med["static"]["cpython"])))
            else:
                cells = ("-", f(pm), "-", "-", "-", f(em), "-", "-", "-")
            print("  %-9s %8s %8s %8s %10s %7s %8s %10s %13s  %8s %8.3f  %9.3f %7.1f" % (
                b, *cells, ratio(pm, med["pmb"]["cpython"]), med["program"][b], med["rss"][b] / 2**20))
            if st and paired[("pmb", "static")][b] > target:
                failures.append("%s %s: pymembench/python3.11 %.3f > %.2f" % (name, b, paired[("pmb", "static")][b],
                                                                              target))
        common = [b for b in BACKENDS if b in med["static"]]
        print("  Kendall tau, python3.11's ranking of the backends against pymembench's: %.2f over %d" % (
            kendall_tau([med["static"][b] for b in common], [med["pmb"][b] for b in common]), len(common)))
        print("  pool against cpython (the model serving the real interpreter): time %.3f, peak RSS %.3f"
              " (goals 1.03 and 1.05)" % (ratio(med["program"]["pool"], med["program"]["cpython"]),
                                        ratio(med["rss"]["pool"], med["rss"]["cpython"])))
        plain_gc, gen_gc, plain_leaked, leaked = check_collector(binary, program, out, tmp)
        print("  gc collections per generation: plain %s, gen %s: %s" % (plain_gc, gen_gc,
                                                                         "equal" if plain_gc == gen_gc else "DIFFER"))
        print("  cyclic garbage under gc.disable(): plain %d, rc %d: %s" % (plain_leaked, leaked,
                                                                            "equal" if plain_leaked == leaked else
                                                                            "DIFFER"))
        if plain_gc != gen_gc:
            failures.append("%s: collections %s != %s" % (name, plain_gc, gen_gc))
        if plain_leaked != leaked:
            failures.append("%s: leaked %d != %d" % (name, plain_leaked, leaked))
    print("\n" + ("all targets met" if not failures else "missed: " + "; ".join(failures)))


if __name__ == "__main__":
    main()
