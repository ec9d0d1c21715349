"""What timing every op costs, per workload.

Measured inside each run (`pymembench worker --latency-alternate`): pairs of 256-op blocks, one
with per-op latency recorded and one without, in a random order per pair, each block timed as a
whole, so the drift of a shared machine falls on both halves of every pair. A run reports the
on-blocks' total time over the off-blocks'. Because the workload and the draw are deterministic,
the two sets of blocks do different work; the next run swaps them (`--rep` parity), and the
geometric mean of the two runs' ratios cancels the imbalance, leaving 1 + overhead. ROUNDS such
pairs of runs per workload give a median and a distribution-free 95 % confidence interval.
(`pymembench run --no-latency` against a normal run is the same comparison across processes; on
a shared machine its noise is several times larger.)

    /usr/bin/python3 bench/recording_overhead.py PYMEMBENCH [ROUNDS] [ALLOCATOR] [COLLECTOR]
"""
import json
import math
import statistics
import subprocess
import sys


def on_off_ratio(binary, allocator, collector, workload, polarity):
    args = [binary, "worker", "--allocator", allocator, "--collector", collector, "--workload", workload,
            "--latency-alternate", "--rep", str(polarity)]
    out = json.loads(subprocess.run(args, check=True, capture_output=True, text=True).stdout)
    return out["recording_overhead"]["on_off_ratio"], out["ops_per_s"] and out["wall_s"] / out["ops"]


def median_interval(values):
    """The order-statistic interval [x(j), x(n-j+1)] covering the median with >= 95 %."""
    xs, n = sorted(values), len(values)
    best = (xs[0], xs[-1])
    for j in range(1, n // 2 + 1):
        if sum(math.comb(n, i) for i in range(j, n - j + 1)) / 2 ** n < 0.95:
            break
        best = (xs[j - 1], xs[n - j])
    return best


def workloads_of(binary):
    """The default matrix's workloads: those `list` does not mark "run only when named" (trace and
    python need a file or a program, which this benchmark has none of)."""
    listing = subprocess.run([binary, "list"], check=True, capture_output=True, text=True).stdout
    section, names = None, []
    for line in listing.splitlines():
        if not line.startswith(" "):
            section = line.rstrip(":")
        elif section == "workloads" and not line.startswith("    ") and "(run only when named)" not in line:
            names.append(line.split()[0])
    return names


def main():
    binary = sys.argv[1]
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    allocator = sys.argv[3] if len(sys.argv) > 3 else "pool"
    collector = sys.argv[4] if len(sys.argv) > 4 else "gen"
    print("latency recording overhead, %s/%s, %d pairs of runs per workload" % (allocator, collector, rounds))
    print("%-12s %10s %10s %20s" % ("workload", "ns/op", "overhead", "95% CI"))
    medians = []
    for w in workloads_of(binary):
        overheads, op_ns = [], []
        for _ in range(rounds):
            r0, t0 = on_off_ratio(binary, allocator, collector, w, 0)
            r1, t1 = on_off_ratio(binary, allocator, collector, w, 1)
            overheads.append(math.sqrt(r0 * r1) - 1)
            op_ns += [t0 * 1e9, t1 * 1e9]
        medians.append(statistics.median(overheads))
        lo, hi = median_interval(overheads)
        print("%-12s %10.0f %9.2f%% %8.2f%% ..%6.2f%%" % (w, statistics.median(op_ns), 100 * medians[-1], 100 * lo,
                                                        100 * hi), flush=True)
    print("over workloads: median %.2f%%, max %.2f%%" % (100 * statistics.median(medians), 100 * max(medians)))


if __name__ == "__main__":
    main()
