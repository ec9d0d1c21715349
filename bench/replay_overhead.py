"""What replaying a trace through the harness costs beyond the allocator calls themselves.

For each trace and allocator, ROUNDS rounds alternate (the order flipping every round) between
  harness:  `pymembench run --workload trace` (the op loop's wall_s: the compiled trace read a
            window at a time, Heap accounting, an op clock read per 256 events, the timeline), and
  baseline: bench/replay_baseline.cpp (the same allocator calls and touches from the same words,
            all in memory before the clock starts),
each in a fresh process. Overhead per event = (harness wall - baseline wall) / events, paired
within a round; the median over rounds is printed with its range. Each harness run's peak live
bytes is also checked against the recording's (the footer's): the last column says whether every
replay reproduced it exactly.

    /usr/bin/python3 bench/replay_overhead.py PYMEMBENCH BASELINE ROUNDS ALLOCATORS TOUCH TRACE..
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile


def harness_wall(binary, trace, allocator, touch, out):
    subprocess.run([binary, "run", "--workload", "trace", "--param", "file=" + trace, "--param", "touch=" + touch,
                    "--allocator", allocator,
                    "--reps", "1", "--warmup", "0", "--out", out], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    run = json.load(open(out))["runs"][0]
    if run["status"] != "ok":
        sys.exit("replay failed: %s" % run["error"])
    return run["wall_s"], run["steps"], run["peak_live_bytes"], run["counters"]["recorded_peak_live_bytes"]


def baseline_wall(binary, trace, allocator, touch):
    p = subprocess.run([binary, trace, allocator, touch], check=True, capture_output=True, text=True)
    return json.loads(p.stdout)["wall_s"]


def main():
    pymembench, baseline, rounds, allocators = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4].split(",")
    touch = sys.argv[5]
    traces = sys.argv[6:]
    print("replay overhead: %d rounds per trace and allocator, alternating harness and baseline, touch=%s"
          % (rounds, touch))
    print("%-22s %-10s %10s %10s %10s %22s  %s" % ("trace", "allocator", "events", "harness", "baseline",
                                                   "overhead ns/event", "peak live bytes (recorded = replayed)"))
    worst = 0.0
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "replay.json")
        for trace in traces:
            for allocator in allocators:
                h, b, diff, peaks = [], [], [], set()
                for r in range(rounds):
                    if r % 2 == 0:
                        hw, events, replayed, recorded = harness_wall(pymembench, trace, allocator, touch, out)
                        bw = baseline_wall(baseline, trace, allocator, touch)
                    else:
                        bw = baseline_wall(baseline, trace, allocator, touch)
                        hw, events, replayed, recorded = harness_wall(pymembench, trace, allocator, touch, out)
                    peaks.add((recorded, replayed))
                    h.append(1e9 * hw / events)
                    b.append(1e9 * bw / events)
                    diff.append(h[-1] - b[-1])
                med = statistics.median(diff)
                worst = max(worst, med)
                exact = all(a == b for a, b in peaks)
                print("%-22s %-10s %10d %8.2f ns %8.2f ns %8.2f (%.2f .. %.2f)  %s" % (
                    os.path.basename(trace), allocator, events, statistics.median(h), statistics.median(b), med,
                    min(diff), max(diff), "%d = %d%s" % (sorted(peaks)[0][0], sorted(peaks)[0][1],
                                                          "" if exact else "  MISMATCH %s" % sorted(peaks))),
                      flush=True)
    print("largest median overhead: %.2f ns per event (target: at most 2)" % worst)


if __name__ == "__main__":
    main()
