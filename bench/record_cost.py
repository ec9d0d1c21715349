"""What recording a real program costs: `pymembench record` against the plain interpreter and
against tracemalloc with one frame (`-X tracemalloc=1`), the standard library's own recorder.

For each program, ROUNDS rounds each run, in an order rotated every round, in fresh processes:
  plain        python3.11 PROG.py
  record       pymembench record --out TRACE -- PROG.py     (the whole command: start-up, the
               program under the hooks, the trace written to disk)
  tracemalloc  python3.11 -X tracemalloc=1 PROG.py
and reports each one's median wall time over plain's, from start to exit as a user waits for it.

    /usr/bin/python3 bench/record_cost.py PYMEMBENCH PYTHON ROUNDS PROG.py..
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time


def wall(args):
    t0 = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def main():
    pymembench, python, rounds, programs = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
    print("recording cost: %d rounds per program, rotating order; wall time over plain %s" % (rounds, python))
    print("%-22s %10s %18s %18s" % ("program", "plain s", "record", "tracemalloc=1"))
    worst = 0.0
    with tempfile.TemporaryDirectory() as d:
        trace = os.path.join(d, "p.trace")
        for prog in programs:
            commands = {"plain": [python, prog], "record": [pymembench, "record", "--out", trace, "--", prog],
                        "tracemalloc": [python, "-X", "tracemalloc=1", prog]}
            names = list(commands)
            times = {n: [] for n in names}
            for r in range(rounds):
                for n in names[r % 3:] + names[:r % 3]:
                    times[n].append(wall(commands[n]))
            med = {n: statistics.median(v) for n, v in times.items()}
            worst = max(worst, med["record"] / med["plain"])
            print("%-22s %10.3f %17.2fx %17.2fx" % (os.path.basename(prog), med["plain"], med["record"] / med["plain"],
                                                    med["tracemalloc"] / med["plain"]), flush=True)
    print("largest record / plain: %.2fx (target: at most 1.5x)" % worst)


if __name__ == "__main__":
    main()
