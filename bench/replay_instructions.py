"""The trace replay's harness cost counted, not timed: instructions and simulated cache misses per
event of the harness's replay loop against the bare loop (bench/replay_baseline.cpp), under
valgrind's callgrind with its cache simulator, for each trace and allocator. Counts are
deterministic up to the allocator's own address-dependent paths, so they show what a timing on a
noisy machine cannot resolve: how much work the harness adds to each event.

  harness:  the worker's TraceReplay::run_steps and what it calls (the allocator, the touches);
            pymembench run --workload trace, the worker traced with --trace-children
  baseline: replay_words in pmb_replay_baseline and what it calls

    /usr/bin/python3 bench/replay_instructions.py PYMEMBENCH BASELINE ALLOCATORS TOUCH TRACE..
"""
import glob
import os
import re
import subprocess
import sys
import tempfile

EVENTS = ["Ir", "D1mr", "D1mw", "DLmr", "DLmw"]


def totals(out_file):
    """The PROGRAM TOTALS line of callgrind_annotate, as a dict of EVENTS."""
    text = subprocess.run(["callgrind_annotate", out_file], check=True, capture_output=True, text=True).stdout
    header = re.search(r"^Events recorded:\s+(.*)$", text, re.M).group(1).split()
    line = next(l for l in text.splitlines() if "PROGRAM TOTALS" in l)
    numbers = [int(n.replace(",", "")) if n not in (".",) else 0 for n in re.findall(r"([\d,]+|\.)\s+(?:\([^)]*\))?", line)]
    values = dict(zip(header, numbers))
    return {e: values.get(e, 0) for e in EVENTS}


def callgrind(args, toggle, d, name):
    pattern = os.path.join(d, name + ".%p")
    subprocess.run(["valgrind", "--tool=callgrind", "--cache-sim=yes", "--trace-children=yes",
                    "--callgrind-out-file=" + pattern, "--toggle-collect=" + toggle] + args,
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    best = None  # the process that ran the loop: the one with the most instructions collected
    for f in glob.glob(os.path.join(d, name + ".*")):
        t = totals(f)
        if best is None or t["Ir"] > best["Ir"]:
            best = t
        os.remove(f)
    return best


def main():
    pymembench, baseline, allocators, touch, traces = sys.argv[1], sys.argv[2], sys.argv[3].split(","), sys.argv[4], sys.argv[5:]
    print("replay cost counted by callgrind (cache simulator), per event: harness loop over bare loop, touch=%s" % touch)
    print("%-24s %-9s %9s %14s %14s %14s" % ("trace", "allocator", "events", "instructions", "D1 misses", "LL misses"))
    worst = 0.0
    with tempfile.TemporaryDirectory() as d:
        for trace in traces:
            for allocator in allocators:
                out = os.path.join(d, "run.json")
                h = callgrind([pymembench, "run", "--workload", "trace", "--param", "file=" + trace, "--param",
                               "touch=" + touch, "--allocator", allocator, "--reps", "1", "--warmup", "0", "--out", out],
                              "*TraceReplay::run_steps*", d, "harness")
                import json
                events = json.load(open(out))["runs"][0]["steps"]
                b = callgrind([baseline, trace, allocator, touch], "*replay_words*", d, "baseline")
                per = lambda t, keys: sum(t[k] for k in keys) / events
                ir_h, ir_b = per(h, ["Ir"]), per(b, ["Ir"])
                worst = max(worst, ir_h - ir_b)
                print("%-24s %-9s %9d %6.1f / %5.1f %6.3f / %5.3f %6.3f / %5.3f" % (
                    os.path.basename(trace), allocator, events, ir_h, ir_b, per(h, ["D1mr", "D1mw"]),
                    per(b, ["D1mr", "D1mw"]), per(h, ["DLmr", "DLmw"]), per(b, ["DLmr", "DLmw"])), flush=True)
    print("largest extra instructions per event in the harness: %.1f" % worst)


if __name__ == "__main__":
    main()
