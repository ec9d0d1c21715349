"""Merges the per-process microbenchmark files and prints the side-by-side table.

Reads DIR/raw/<allocator>__<benchmark>__<rep>.json (Google Benchmark JSON, one benchmark each),
writes DIR/<allocator>.json (all repetitions of all benchmarks of one backend, which Debian's
/usr/share/benchmark/compare.py compares pairwise), and prints medians of CPU time per block and
of peak RSS, with ratios against the first allocator named (the reference, `cpython`).
"""
import glob
import json
import os
import statistics
import sys


def main(out_dir, allocators):
    reference = allocators[0]
    merged = {}
    for path in sorted(glob.glob(os.path.join(out_dir, "raw", "*.json"))):
        allocator = os.path.basename(path).split("__")[0]
        with open(path) as f:
            doc = json.load(f)
        entry = merged.setdefault(allocator, {"context": doc["context"], "benchmarks": []})
        entry["benchmarks"].extend(b for b in doc["benchmarks"] if b.get("run_type", "iteration") == "iteration")
    for allocator, doc in merged.items():
        with open(os.path.join(out_dir, allocator + ".json"), "w") as f:
            json.dump(doc, f, indent=1)

    def medians(allocator, name):
        rows = [b for b in merged.get(allocator, {}).get("benchmarks", []) if b["name"] == name]
        if not rows:
            return None, None
        # items_per_second is a rate over CPU time: its inverse is CPU ns per block.
        per_block_ns = [1e9 / b["items_per_second"] for b in rows]
        return statistics.median(per_block_ns), statistics.median(b["peak_rss_bytes"] for b in rows)

    names = ["pair", "lifo_1000", "random_replace"]
    print("CPU ns per block (median of repetitions) and peak RSS; ratios against %s" % reference)
    header = "%-10s" % "allocator" + "".join("%14s %8s" % (n, "ratio") for n in names) + "%12s %8s" % ("RSS MiB", "ratio")
    print(header)
    ref = {n: medians(reference, n) for n in names}
    for allocator in allocators:
        line = "%-10s" % allocator
        for n in names:
            ns, _ = medians(allocator, n)
            line += "%14.1f %8.3f" % (ns, ns / ref[n][0]) if ns else "%14s %8s" % ("-", "-")
        ns, rss = medians(allocator, "random_replace")
        line += "%12.1f %8.3f" % (rss / 2**20, rss / ref["random_replace"][1]) if rss else ""
        print(line)
    table, _ = medians(reference, "call_path/table")
    direct, _ = medians(reference, "call_path/direct")
    if table and direct:
        print("call path (%s, 32-byte malloc+free): through AllocatorOps %.2f ns, direct %.2f ns, "
              "overhead %.2f ns per pair (%.2f ns per call)" % (reference, table, direct, table - direct,
                                                               (table - direct) / 2))
    print("compare two backends with: /usr/bin/python3 /usr/share/benchmark/compare.py benchmarks "
          "%s/%s.json %s/pool.json" % (out_dir, reference, out_dir))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
