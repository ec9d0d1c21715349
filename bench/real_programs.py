"""The `python` workload against the plain interpreter: does the harness add nothing to a real
program, and do its collector figures equal the interpreter's own?

    /usr/bin/python3 bench/real_programs.py PYMEMBENCH ROUNDS PROG.py [PROG.py ..]

For each program, ROUNDS rounds alternate (the order reversed every other round) between
  plain:       /usr/bin/python3.11 PROG.py, with PYTHONMALLOC=malloc and LD_PRELOAD of the library
               for system, mimalloc, jemalloc and tcmalloc (the interpreter's own switches), and
  pymembench:  `pymembench run --workload python --param script=PROG.py --collector gen` with the
               same backend (and pool, the pymalloc model, which has no plain counterpart),
each a fresh process, timed from start to exit (pymembench: the worker process's wall time, which
the harness measures; plain: this script's clock around the child). Printed: median wall times,
pymembench / plain per backend (targets: 1.02 for cpython, 1.03 for the others), the real
interpreter's ranking of the backends relative to pymalloc as each side measures it, and pool
against cpython in time and peak RSS (the model's fidelity inside a real program).

Then once per program (deterministic): gc.get_stats() at the end of a plain run against the `gen`
run's interpreter_stats, and the cyclic garbage one gc.collect() finds after a plain run under
gc.disable() (bench/plain_interpreter.py) against the `rc` run's leaked_objects: both must be
equal.
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


def pymembench_run(binary, program, allocator, collector, out):
    subprocess.run([binary, "run", "--workload", "python", "--param", "script=" + program, "--allocator", allocator,
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


def plain_run(program, env_extra):
    env = dict(os.environ)
    env.pop("PYTHONMALLOC", None)
    env.pop("LD_PRELOAD", None)
    env.update(env_extra)
    start = time.perf_counter()
    child = subprocess.Popen([PYTHON, program], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        sys.exit("plain %s failed (status %d)" % (program, status))
    return wall, usage.ru_maxrss * 1024


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
    binary, rounds, programs = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    libs = library_paths()
    tmp = tempfile.mkdtemp()
    out = os.path.join(tmp, "run.json")
    failures = []
    print("real programs: %d alternating rounds per program and backend (medians; wall = process start to exit)"
          % rounds)
    for program in programs:
        name = os.path.basename(program)[:-3]
        real, plain, rss, plain_rss, inner = ({b: [] for b in BACKENDS} for _ in range(5))
        preload = {}
        for r in range(rounds):
            order = BACKENDS if r % 2 == 0 else BACKENDS[::-1]
            for backend in order:
                run = pymembench_run(binary, program, backend, "gen", out)
                real[backend].append(run["process"]["wall_s"])
                inner[backend].append(run["wall_s"])
                rss[backend].append(run["peak_rss_bytes"])
                if backend == "pool":
                    continue
                if backend not in preload:
                    lib = run["allocator_lib"]
                    preload[backend] = {} if backend == "cpython" else {"PYTHONMALLOC": "malloc"}
                    if backend not in ("cpython", "system"):
                        preload[backend]["LD_PRELOAD"] = libs[lib]
                wall, peak = plain_run(program, preload[backend])
                plain[backend].append(wall)
                plain_rss[backend].append(peak)
        med = {k: {b: statistics.median(v) for b, v in d.items() if v}
               for k, d in (("real", real), ("plain", plain), ("rss", rss), ("plain_rss", plain_rss),
                            ("inner", inner))}
        print("\n%s" % name)
        print("  %-9s %9s %12s %8s %7s  %9s %12s  %11s %9s" % ("backend", "plain s", "pymembench s", "ratio", "target",
                                                               "plain x", "pymembench x", "program s", "RSS MiB"))
        for b in BACKENDS:
            p = med["plain"].get(b)
            q = med["real"][b]
            target = TARGET.get(b, 1.03)
            row = "  %-9s %9s %12.3f %8s %7s  %9s %12.3f  %11.3f %9.1f" % (
                b, "%.3f" % p if p else "-", q, "%.3f" % ratio(q, p) if p else "-",
                "%.2f" % target if p else "-",
                "%.3f" % ratio(p, med["plain"]["cpython"]) if p else "-", ratio(q, med["real"]["cpython"]),
                med["inner"][b], med["rss"][b] / 2**20)
            print(row)
            if p and ratio(q, p) > target:
                failures.append("%s %s: pymembench/plain %.3f > %.2f" % (name, b, ratio(q, p), target))
        print("  pool against cpython (the model serving the real interpreter): time %.3f, peak RSS %.3f"
              " (goals 1.03 and 1.05)" % (ratio(med["inner"]["pool"], med["inner"]["cpython"]),
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
