"""How long a matrix's runs are and how much of their memory is the workload's: per run the op
loop's wall time (`wall_s`) and peak RSS over peak live bytes, their medians and extremes, for
the quick matrix (`run --quick`) and the CI check's (scripts/perf-matrix.flags), one repetition
each. A regression check measures the allocator and the collector only when these are large
(op loop far beyond process start-up, RSS mostly live data).

    /usr/bin/python3 bench/run_lengths.py PYMEMBENCH MATRIX_FLAGS_FILE
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile

from detector_rates import matrix_flags  # the one reader of scripts/perf-matrix.flags


def measure(binary, label, flags):
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "r.json")
        subprocess.run([binary, "run", "--reps", "1", *flags, "--out", out], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        runs = [r for r in json.load(open(out))["runs"] if r["status"] == "ok"]
    loop_ms = [1000 * r["wall_s"] for r in runs]
    ratio = [r["peak_rss_bytes"] / r["peak_live_bytes"] for r in runs if r.get("peak_live_bytes")]
    live = [r["peak_live_bytes"] / 2 ** 20 for r in runs]
    print("%-22s %4d runs  op loop median %7.1f ms (min %6.1f, max %7.1f)  peak RSS / live median %5.2f "
          "(max %6.2f)  live median %5.1f MiB  sum of op loops %5.1f s" %
          (label, len(runs), statistics.median(loop_ms), min(loop_ms), max(loop_ms), statistics.median(ratio),
           max(ratio), statistics.median(live), sum(loop_ms) / 1000))


def main():
    binary, flags_file = sys.argv[1], sys.argv[2]
    measure(binary, "quick matrix", ["--quick"])
    measure(binary, "CI matrix (perf-check)", matrix_flags(flags_file))


if __name__ == "__main__":
    main()
