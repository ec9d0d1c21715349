"""What timing every op costs: each workload run by the worker with per-op latency recording on and
off, one fresh process per run, as adjacent pairs in alternating order (so slow drift of a shared
machine falls on both halves of a pair). Per workload it prints the median throughput of each, the
overhead as the median of the pairs' 1 - on/off, and a distribution-free 95 % confidence interval
of that median; overall, the median over workloads.

    /usr/bin/python3 bench/recording_overhead.py PYMEMBENCH [ROUNDS] [ALLOCATOR] [COLLECTOR]
"""
import json
import math
import statistics
import subprocess
import sys


def throughput(binary, allocator, collector, workload, record):
    args = [binary, "worker", "--allocator", allocator, "--collector", collector, "--workload", workload]
    if not record:
        args.append("--no-latency")
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    return json.loads(out)["ops_per_s"]


def median_interval(values):
    """The order-statistic interval [x(j), x(n-j+1)] covering the median with >= 95 %."""
    xs, n = sorted(values), len(values)
    best = (xs[0], xs[-1])
    for j in range(1, n // 2 + 1):
        coverage = sum(math.comb(n, i) for i in range(j, n - j + 1)) / 2 ** n
        if coverage < 0.95:
            break
        best = (xs[j - 1], xs[n - j])
    return best


def main():
    binary = sys.argv[1]
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    allocator = sys.argv[3] if len(sys.argv) > 3 else "pool"
    collector = sys.argv[4] if len(sys.argv) > 4 else "gen"
    listing = subprocess.run([binary, "list"], check=True, capture_output=True, text=True).stdout
    section, workloads = None, []
    for line in listing.splitlines():
        if not line.startswith(" "):
            section = line.rstrip(":")
        elif section == "workloads" and not line.startswith("    "):
            workloads.append(line.split()[0])
    print("recording overhead, %s/%s, %d alternating rounds per workload" % (allocator, collector, rounds))
    print("%-12s %12s %12s %10s %18s" % ("workload", "ops/s on", "ops/s off", "overhead", "95% CI"))
    overheads = []
    for w in workloads:
        on, off, paired = [], [], []
        for r in range(rounds):
            order = (True, False) if r % 2 == 0 else (False, True)
            pair = {}
            for record in order:
                pair[record] = throughput(binary, allocator, collector, w, record)
            on.append(pair[True])
            off.append(pair[False])
            paired.append(1 - pair[True] / pair[False])
        overheads.append(statistics.median(paired))
        lo, hi = median_interval(paired)
        print("%-12s %12.0f %12.0f %9.2f%% %8.2f%% ..%6.2f%%" % (
            w, statistics.median(on), statistics.median(off), 100 * overheads[-1], 100 * lo, 100 * hi), flush=True)
    print("median overhead over workloads: %.2f%% (max %.2f%%)" % (100 * statistics.median(overheads),
                                                                   100 * max(overheads)))


if __name__ == "__main__":
    main()
