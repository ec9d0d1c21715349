"""pymembench plot: every figure of a results file as PNG and SVG, and a self-contained HTML report
that leads with the answer:

  1. the answer: per workload, the fastest allocator x collector and how far behind it every other
     combination is (ratio of medians, 95 % bootstrap interval);
  2. agreement with the real interpreter (only when the file holds real Python programs and their
     trace replays): does the replay rank the allocators as the real program does;
  3. the figures;
  4. every combination's summary (folded, sortable), the GC pause table, the run's metadata.

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
import report_sections as sections  # noqa: E402
import results_data as rd  # noqa: E402
import style  # noqa: E402

def _file_name(text):
    return "".join(ch if ch.isalnum() or ch in "_-." else "_" for ch in text)


def build_figures(doc, comparison=None, programs=None):
    """(name, Figure) pairs: the report's figures, in the order it shows them (a figure with
    nothing to draw in this file is left out); "agreement" when real programs were replayed."""
    programs = rd.agreement(doc) if programs is None else programs
    out = [("agreement", figures.agreement(doc, programs)),
           ("throughput", figures.throughput(doc)),
           ("heatmap", figures.heatmap(doc)),
           ("pareto", figures.pareto(doc)),
           ("latency", figures.latency(doc)),
           ("gc_pauses", figures.gc_pauses(doc)),
           ("pause_table", figures.pause_table(doc)),
           ("trash_tradeoff", figures.trash_tradeoff(doc))]
    for w in rd.workloads(doc):
        out.append(("memory_" + _file_name(w), figures.memory_timeline(doc, w)))
    if comparison is not None:
        out.append(("comparison", figures.comparison(comparison)))
    return [(name, fig) for name, fig in out if fig is not None]


CSS = """body{font-family:sans-serif;font-size:14px;margin:2em;max-width:1800px;color:#222}
h2{border-bottom:2px solid #ddd;padding-bottom:.2em;margin-top:1.6em}h3{margin:.2em 0 .4em;font-size:15px}
table{border-collapse:collapse;font-size:12px}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}
th{background:#f3f3f3}td.num{text-align:right;font-variant-numeric:tabular-nums}
img{max-width:100%}figure{margin:1em 0}figcaption{color:#666;font-size:12px}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(460px,1fr));gap:12px}
.cards.wide{grid-template-columns:repeat(auto-fill,minmax(720px,1fr))}
.card{border:1px solid #ddd;border-radius:6px;padding:8px 12px;background:#fcfcfc}
.card p{margin:.2em 0 .5em}.card table{width:100%}
table.answer{table-layout:fixed}col.c-rank{width:2.2em}col.c-combo{width:34%}col.c-runs{width:3.5em}
tr.best td{background:#e8f5e9;font-weight:bold}
details summary{cursor:pointer;color:#1f5fa8;margin:.3em 0}
table.sortable th{cursor:pointer;user-select:none;position:sticky;top:0}
table.sortable th[data-dir=asc]::after{content:" \\25b2"}table.sortable th[data-dir=desc]::after{content:" \\25bc"}
table.sortable tbody tr:nth-child(even){background:#fafafa}"""

# Click a header of a table of class "sortable" to sort by it (again: the other way). A cell's
# data-v is its number; cells without one compare as text; "-" (absent) sorts last either way.
SORT_SCRIPT = """document.querySelectorAll("table.sortable th").forEach(function (th) {
  th.addEventListener("click", function () {
    var table = th.closest("table"), body = table.tBodies[0], col = th.cellIndex;
    var dir = th.dataset.dir === "asc" ? "desc" : "asc";
    table.querySelectorAll("th").forEach(function (h) { delete h.dataset.dir; });
    th.dataset.dir = dir;
    function key(row) { var c = row.cells[col]; return c.dataset.v !== undefined ? parseFloat(c.dataset.v)
                                                   : (c.textContent === "-" ? null : c.textContent); }
    Array.from(body.rows).map(function (r) { return [key(r), r]; }).sort(function (a, b) {
      if (a[0] === null || b[0] === null) return (a[0] === null) - (b[0] === null);
      var d = typeof a[0] === "number" ? a[0] - b[0] : String(a[0]).localeCompare(String(b[0]));
      return dir === "asc" ? d : -d;
    }).forEach(function (p) { body.appendChild(p[1]); });
  });
});"""


def _figure_html(name, png):
    return ('<figure><img alt="%s" src="data:image/png;base64,%s"><figcaption>%s</figcaption></figure>'
            % (name, base64.b64encode(png).decode(), name))


def write_report(doc, out_dir, comparison=None):
    """Writes every figure (PNG and SVG) and report.html into out_dir; returns the file names."""
    os.makedirs(out_dir, exist_ok=True)
    programs = rd.agreement(doc)
    written, images = [], {}
    for name, fig in build_figures(doc, comparison, programs):
        png = io.BytesIO()
        fig.savefig(png, format="png", dpi=110)
        with open(os.path.join(out_dir, name + ".png"), "wb") as f:
            f.write(png.getvalue())
        fig.savefig(os.path.join(out_dir, name + ".svg"))
        style.plt.close(fig)
        written += [name + ".png", name + ".svg"]
        images[name] = png.getvalue()
    runs, ok = len(doc["runs"]), len(rd.ok_runs(doc))
    answer = rd.answer(doc)
    parts = ["<h1>pymembench report</h1>",
             "<p>%d runs, %d successful; medians over repetitions.</p>" % (runs, ok),
             '<h2 id="answer">The answer: the fastest combination of each workload</h2>',
             "<p>Per workload, its allocator x collector combinations by median throughput (ops/s), best "
             "first; the ratio is a combination's median over the best one's, with a 95 %% bootstrap interval "
             "of that ratio of medians (%d resamples of each side's runs).%s</p>"
             % (rd.BOOTSTRAP_RESAMPLES, " Real Python programs record no throughput: they are ranked by run time."
                if any(not g["higher_is_better"] for g in answer) else ""),
             sections.answer_section(doc, answer)]
    if programs:
        parts += ['<h2 id="agreement">Agreement with the real interpreter</h2>',
                  "<p>Each real program was run under the real interpreter (collector gen) and its recorded "
                  "trace replayed through the same allocators. Per allocator: its time (and peak RSS) relative to "
                  "%s's in each, and the difference in seconds. On the figure's diagonal the replay predicts the "
                  "real ratio; &tau;<sub>b</sub> = 1 means the same ranking, &minus;1 the reverse.</p>"
                  % html.escape(programs[0]["reference"]),
                  _figure_html("agreement", images.pop("agreement")),
                  sections.agreement_tables(programs)]
    parts += ['<h2 id="figures">Figures</h2>'] + [_figure_html(name, png) for name, png in images.items()]
    summaries = doc.get("summaries", [])
    parts += ['<h2 id="summary">Every combination</h2>',
              "<details><summary>Summary table: %d combinations (click a column header to sort)</summary>%s"
              "</details>" % (len(summaries), sections.summary_table(doc))]
    pauses = sections.pause_table(doc)
    if pauses:
        parts += ['<h2 id="pauses">GC pauses by collector</h2>', pauses]
    parts += ['<h2 id="meta">How it was measured</h2>', sections.metadata_table(doc)]
    page = ('<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>pymembench report</title>\n'
            "<style>%s</style>\n</head><body>\n%s\n<script>%s</script>\n</body></html>\n"
            % (CSS, "\n".join(parts), SORT_SCRIPT))
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
