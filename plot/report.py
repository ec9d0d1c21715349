"""pymembench plot: every figure of a results file as PNG and SVG, and a self-contained HTML report
(figures embedded, the summary table, the run's metadata).

    /usr/bin/python3 plot/report.py RESULTS.json --out DIR [--compare COMPARISON.json]

(also `pymembench plot RESULTS.json --out DIR`). A bad input file or an unwritable directory gets
one line on standard error and exit code 2.
"""
import argparse
import base64
import html
import io
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import figures  # noqa: E402
import results_data as rd  # noqa: E402
import style  # noqa: E402


def build_figures(doc, comparison=None):
    """(name, Figure) pairs: the report's figures, in the order it shows them."""
    out = [("throughput", figures.throughput(doc)),
           ("heatmap", figures.heatmap(doc)),
           ("pareto", figures.pareto(doc)),
           ("latency", figures.latency(doc)),
           ("gc_pauses", figures.gc_pauses(doc)),
           ("pause_table", figures.pause_table(doc))]
    for w in rd.workloads(doc):
        out.append(("memory_" + "".join(ch if ch.isalnum() or ch in "_-." else "_" for ch in w),
                    figures.memory_timeline(doc, w)))
    if comparison is not None:
        out.append(("comparison", figures.comparison(comparison)))
    return out


def _fmt(value, scale=1.0, digits=1):
    return "-" if value is None else "%.*f" % (digits, value * scale)


def summary_table(doc):
    head = ("<tr><th>combination</th><th>runs</th><th>throughput (ops/s)</th><th>CV</th><th>p99 latency (us)</th>"
            "<th>GC pause total (ms)</th><th>MMU 10 ms</th><th>peak RSS (MiB)</th><th>RSS / live</th></tr>")
    rows = []
    for s in doc.get("summaries", []):
        m = s.get("metrics", {})

        def med(name):
            return m[name]["median"] if name in m else None
        cv = m["ops_per_s"]["cv"] if "ops_per_s" in m and m["ops_per_s"]["n"] > 1 else None
        rows.append("<tr><td>%s/%s/%s</td><td>%d%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td>"
                    "<td>%s</td><td>%s</td></tr>" % (
                        html.escape(s["allocator"]), html.escape(s["collector"]), html.escape(s["workload"]),
                        s["runs"], " (%d failed)" % s["failed"] if s["failed"] else "",
                        _fmt(med("ops_per_s"), digits=0), _fmt(cv, 100) + ("" if cv is None else " %"),
                        _fmt(med("latency_p99_ns"), 1e-3), _fmt(med("gc_pause_total_ns"), 1e-6, 2),
                        _fmt(med("mmu_10ms"), digits=3), _fmt(med("peak_rss_bytes"), 1 / (1 << 20)),
                        _fmt(med("memory_overhead"), digits=2)))
    return "<table>%s%s</table>" % (head, "".join(rows))


def pause_table(doc):
    """The table of `pymembench report pauses`: per workload, each collector's pauses beside
    their MMU, throughput and peak RSS, for one allocator (medians over repetitions)."""
    allocator = figures.pause_allocator(doc)
    head = ("<tr><th>workload</th><th>collector</th><th>p50 pause (ms)</th><th>p99 pause (ms)</th>"
            "<th>max pause (ms)</th><th>total pause (ms)</th><th>MMU 10 ms</th><th>throughput (ops/s)</th>"
            "<th>peak RSS (MiB)</th></tr>")
    rows = []
    for s in doc.get("summaries", []):
        if s["allocator"] != allocator:
            continue
        m = s.get("metrics", {})

        def med(name):
            return m[name]["median"] if name in m else None
        rows.append("<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td>"
                    "<td>%s</td></tr>" % (
                        html.escape(s["workload"]), html.escape(s["collector"]),
                        _fmt(med("gc_pause_p50_ns"), 1e-6, 3), _fmt(med("gc_pause_p99_ns"), 1e-6, 3),
                        _fmt(med("gc_pause_max_ns"), 1e-6, 3), _fmt(med("gc_pause_total_ns"), 1e-6, 1),
                        _fmt(med("mmu_10ms"), digits=3), _fmt(med("ops_per_s"), digits=0),
                        _fmt(med("peak_rss_bytes"), 1 / (1 << 20))))
    return "<p>Allocator %s.</p><table>%s%s</table>" % (html.escape(allocator), head, "".join(rows))


def metadata_table(doc):
    meta = doc.get("meta", {})
    host, build, git = meta.get("host", {}), meta.get("build", {}), meta.get("git", {})
    items = [("started", meta.get("start_time")), ("ended", meta.get("end_time")),
             ("complete", meta.get("complete")), ("CPU", host.get("cpu_model")), ("cores", host.get("cores")),
             ("governor", host.get("frequency_governor")), ("clock source", host.get("clocksource")),
             ("kernel", host.get("kernel")), ("load at start", host.get("load_average_at_start")),
             ("compiler", build.get("compiler")), ("flags", build.get("flags")),
             ("build type", build.get("build_type")),
             ("git", "%s%s" % (git.get("commit"), " (dirty)" if git.get("dirty") else "")),
             ("libraries", ", ".join("%s %s" % kv for kv in meta.get("libraries", {}).items())),
             ("allocators", ", ".join("%s: %s" % kv for kv in meta.get("allocator_versions", {}).items())),
             ("command", " ".join(meta.get("command_line", []))), ("seed", meta.get("seed"))]
    return "<table>%s</table>" % "".join("<tr><th>%s</th><td>%s</td></tr>" % (html.escape(k), html.escape(str(v)))
                                         for k, v in items if v is not None)


def write_report(doc, out_dir, comparison=None):
    """Writes every figure (PNG and SVG) and report.html into out_dir; returns the file names."""
    os.makedirs(out_dir, exist_ok=True)
    written, sections = [], []
    for name, fig in build_figures(doc, comparison):
        png = io.BytesIO()
        fig.savefig(png, format="png", dpi=110)
        with open(os.path.join(out_dir, name + ".png"), "wb") as f:
            f.write(png.getvalue())
        fig.savefig(os.path.join(out_dir, name + ".svg"))
        style.plt.close(fig)
        written += [name + ".png", name + ".svg"]
        sections.append('<figure><img alt="%s" src="data:image/png;base64,%s"><figcaption>%s</figcaption></figure>'
                        % (name, base64.b64encode(png.getvalue()).decode(), name))
    runs, ok = len(doc["runs"]), len(rd.ok_runs(doc))
    page = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>pymembench report</title>
<style>body{font-family:sans-serif;margin:2em;max-width:1800px}table{border-collapse:collapse;font-size:12px}
td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}img{max-width:100%%}figure{margin:1em 0}</style>
</head><body>
<h1>pymembench report</h1>
<p>%d runs, %d successful; medians over repetitions.</p>
<h2>Summary</h2>%s
<h2>GC pauses by collector</h2>%s
<h2>Figures</h2>%s
<h2>How it was measured</h2>%s
</body></html>
""" % (runs, ok, summary_table(doc), pause_table(doc), "\n".join(sections), metadata_table(doc))
    with open(os.path.join(out_dir, "report.html"), "w") as f:
        f.write(page)
    return written + ["report.html"]


def main(argv=None):
    parser = argparse.ArgumentParser(prog="pymembench plot", description=__doc__.splitlines()[0])
    parser.add_argument("results", help="a results file written by pymembench run or merge")
    parser.add_argument("--out", required=True, help="directory for the figures and report.html")
    parser.add_argument("--compare", help="the JSON output of pymembench compare, to draw too")
    args = parser.parse_args(argv)
    try:
        doc = rd.load_results(args.results)
        comparison = rd.load_comparison(args.compare) if args.compare else None
        try:
            os.makedirs(args.out, exist_ok=True)
            probe = os.path.join(args.out, ".pymembench-write-test")
            open(probe, "w").close()
            os.remove(probe)
        except OSError as e:
            raise rd.ResultsError("cannot write into '%s': %s" % (args.out, e.strerror))
        files = write_report(doc, args.out, comparison)
    except rd.ResultsError as e:
        print("pymembench plot: %s" % e, file=sys.stderr)
        return 2
    print("pymembench plot: %d files written to %s (open report.html)" % (len(files), args.out), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
