"""What recording a real program costs: `pymembench record` against the plain interpreter and
against tracemalloc with one frame (`-X tracemalloc=1`), the standard library's own recorder.

For each program, ROUNDS rounds each run, in an order rotated every round, in fresh processes:
  plain        python3.11 PROG.py
  record       pymembench record --out TRACE -- PROG.py     (the whole command: start-up, the
               program under the hooks, the trace written to disk)
  tracemalloc  python3.11 -X tracemalloc=1 PROG.py
and reports each one's median wall time over plain's, from start to exit as a user waits for it,
and the median CPU time (user + system of the process and its children) over plain's, which a
busy neighbour on a shared machine disturbs less than wall time.

    /usr/bin/python3 bench/record_cost.py PYMEMBENCH PYTHON ROUNDS PROG.py..
"""
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time


def cpu_of_children():
    u = resource.getrusage(resource.RUSAGE_CHILDREN)
    return u.ru_utime + u.ru_stime


def measure(args):
    """(wall seconds, CPU seconds) of one run."""
    c0, t0 = cpu_of_children(), time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0, cpu_of_children() - c0


def main():
    pymembench, python, rounds, programs = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
    print("recording cost: %d rounds per program, rotating order; wall time over plain %s" % (rounds, python))
    print("%-22s %8s %8s %12s %12s %14s %14s" % ("program", "plain s", "plain cpu", "record", "record cpu",
                                                  "tracemalloc=1", "tracemalloc cpu"))
    worst = worst_cpu = 0.0
    with tempfile.TemporaryDirectory() as d:
        trace = os.path.join(d, "p.trace")
        for prog in programs:
            commands = {"plain": [python, prog], "record": [pymembench, "record", "--out", trace, "--", prog],
                        "tracemalloc": [python, "-X", "tracemalloc=1", prog]}
            names = list(commands)
            walls = {n: [] for n in names}
            cpus = {n: [] for n in names}
            for r in range(rounds):
                for n in names[r % 3:] + names[:r % 3]:
                    w, c = measure(commands[n])
                    walls[n].append(w)
                    cpus[n].append(c)
            med = {n: statistics.median(v) for n, v in walls.items()}
            cpu = {n: statistics.median(v) for n, v in cpus.items()}
            worst = max(worst, med["record"] / med["plain"])
            worst_cpu = max(worst_cpu, cpu["record"] / cpu["plain"])
            print("%-22s %8.3f %8.3f %11.2fx %11.2fx %13.2fx %13.2fx" % (
                os.path.basename(prog), med["plain"], cpu["plain"], med["record"] / med["plain"],
                cpu["record"] / cpu["plain"], med["tracemalloc"] / med["plain"], cpu["tracemalloc"] / cpu["plain"]),
                flush=True)
    print("largest record / plain: %.2fx wall, %.2fx CPU (target: at most 1.5x)" % (worst, worst_cpu))


if __name__ == "__main__":
    main()
