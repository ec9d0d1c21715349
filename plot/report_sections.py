"""The HTML of the report's sections, each a function from a results document (and what
results_data computed from it) to a fragment of the page:

  answer_section     per workload, its combinations best first: ratio to the best with its
                     bootstrap interval (the top few shown, the rest folded)
  agreement_tables   per real program, each allocator's real and replayed time and RSS against
                     cpython's, and the two rankings
  summary_table      every combination's medians (sortable: report.py's script sorts tables of
                     class "sortable"; a cell's data-v is its number)
  pause_table        `pymembench report pauses`: each collector's pauses for one allocator
  metadata_table     the host, the build and the command

Numbers are formatted here and only here; absent figures print as "-", never as 0.
"""
import html

import figures
import results_data as rd

ANSWER_ROWS_SHOWN = 5


def _esc(x):
    return html.escape(str(x))


def _fmt(value, scale=1.0, digits=1):
    return "-" if value is None else "%.*f" % (digits, value * scale)


def _cell(text, number=None):
    """A table cell; `number` (when given) is what sorting it compares."""
    if number is None:
        return "<td>%s</td>" % text
    return '<td class="num" data-v="%r">%s</td>' % (float(number), text)


def human_rate(x, unit="ops/s"):
    for scale, prefix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(x) >= scale:
            return "%.3g %s%s" % (x / scale, prefix, unit)
    return "%.3g %s" % (x, unit)


def human_seconds(x, signed=False):
    sign = ("+" if x > 0 else "\u2212" if x < 0 else "\u00b1") if signed else ("-" if x < 0 else "")
    x = abs(x)
    if x >= 1 or x == 0:
        return "%s%.3g s" % (sign, x)
    if x >= 1e-3:
        return "%s%.3g ms" % (sign, x * 1e3)
    return "%s%.3g us" % (sign, x * 1e6)


def _ratio(ratio):
    return "-" if ratio is None else "%.3f" % ratio


# ---- The answer -----------------------------------------------------------------------------------

def _answer_rows(group, rows, start):
    out = []
    for i, r in enumerate(rows, start):
        median = human_rate(r["median"]) if group["higher_is_better"] else human_seconds(r["median"])
        if i == 1:
            ratio, interval = "1 (best)", ""
        else:
            ratio = _ratio(r["ratio"])
            interval = ("%.3f \u2013 %.3f" % (r["ci_low"], r["ci_high"]) if r["ci_low"] is not None
                        else "1 run" if r["runs"] == 1 else "best: 1 run")
        out.append('<tr%s><td>%d</td><td>%s / %s</td><td class="num">%s</td><td class="num">%s</td><td>%s</td>'
                   '<td class="num">%d</td></tr>' % (' class="best"' if i == 1 else "", i, _esc(r["allocator"]),
                                                      _esc(r["collector"]), median, ratio, interval, r["runs"]))
    return "".join(out)


def _answer_table(group, rows, start):
    what = "throughput / best" if group["higher_is_better"] else "time / best"
    return ('<table class="answer"><colgroup><col class="c-rank"><col class="c-combo"><col class="c-med">'
            '<col class="c-ratio"><col class="c-ci"><col class="c-runs"></colgroup>'
            "<thead><tr><th>#</th><th>allocator / collector</th><th>median</th><th>%s</th><th>95 %% CI</th>"
            "<th>runs</th></tr></thead><tbody>%s</tbody></table>" % (what, _answer_rows(group, rows, start)))


def answer_section(doc, groups=None, shown=ANSWER_ROWS_SHOWN):
    """One card per workload: the best combination in words, then the ranking."""
    groups = rd.answer(doc) if groups is None else groups
    cards = []
    for g in groups:
        best = g["rows"][0]
        value = (human_rate(best["median"]) if g["higher_is_better"]
                 else human_seconds(best["median"]) + " run time")
        head = ('<h3>%s</h3><p class="verdict">Best: <b>%s / %s</b>, %s (median of %d run%s).'
                % (_esc(g["workload"]), _esc(best["allocator"]), _esc(best["collector"]), value, best["runs"],
                   "" if best["runs"] == 1 else "s"))
        if len(g["rows"]) > 1:
            second = g["rows"][1]
            gap = (1 - second["ratio"]) if g["higher_is_better"] else (second["ratio"] - 1)
            head += " Runner-up %s / %s: %.1f %% %s." % (_esc(second["allocator"]), _esc(second["collector"]),
                                                        100 * gap, "less throughput" if g["higher_is_better"]
                                                        else "longer")
        if not g["higher_is_better"]:
            head += " Ranked by run time: these runs record no throughput."
        body = _answer_table(g, g["rows"][:shown], 1)
        rest = g["rows"][shown:]
        if rest:
            body += "<details><summary>%d more combination%s</summary>%s</details>" % (
                len(rest), "" if len(rest) == 1 else "s", _answer_table(g, rest, shown + 1))
        cards.append('<div class="card">%s</p>%s</div>' % (head, body))
    return '<div class="cards">%s</div>' % "".join(cards)


# ---- Agreement with the real interpreter ------------------------------------------------------------

def _command(real):
    text = real["script"].rsplit("/", 1)[-1] if real.get("script") else "-m %s" % real.get("module")
    return _esc(text + (" " + real["args"] if real.get("args") else ""))


def _seconds(x, signed=False):
    return "-" if x is None else human_seconds(x, signed)


def agreement_tables(programs):
    """Per program its rows, fastest real program first."""
    cards = []
    for p in programs:
        ref = _esc(p["reference"])
        rows = sorted(p["rows"], key=lambda r: (r["real_rank"], r["allocator"]))
        tau = "undefined" if p["kendall_tau"] is None else "<b>%.2f</b>" % p["kendall_tau"]
        head = ("<h3>%s</h3><p>Real: %s (collector gen, %d runs); replay: %s (collector %s, %d runs). "
                "Kendall's &tau;<sub>b</sub> of the two rankings by time: %s over %d allocators.%s</p>"
                % (_esc(p["program"]), _command(p["real"]), sum(r["real_reps"] for r in rows),
                   _esc(p["replay"]["file"].rsplit("/", 1)[-1]), _esc(p["replay"]["collector"]),
                   sum(r["replay_reps"] for r in rows), tau, len(rows),
                   " <b>Note:</b> %s." % _esc(p["note"]) if p.get("note") else ""))
        cells = []
        for r in rows:
            cells.append("<tr><td>%s</td>%s</tr>" % (_esc(r["allocator"]), "".join(
                '<td class="num">%s</td>' % x for x in (
                    _seconds(r["real_wall_s"]), _seconds(r["replay_wall_s"]),
                    _ratio(r["real_time_ratio"]), _ratio(r["replay_time_ratio"]),
                    _seconds(r["real_delta_s"], signed=True), _seconds(r["replay_delta_s"], signed=True),
                    _ratio(r["real_rss_ratio"]), _ratio(r["replay_rss_ratio"]),
                    r["real_rank"], r["replay_rank"]))))
        table = ('<table class="agreement"><thead><tr><th rowspan="2">allocator</th><th colspan="2">time (median)</th>'
                 '<th colspan="2">time / %s</th><th colspan="2">time &minus; %s</th><th colspan="2">peak RSS / %s</th>'
                 '<th colspan="2">rank by time</th></tr><tr>%s</tr></thead><tbody>%s</tbody></table>'
                 % (ref, ref, ref, "<th>real</th><th>replay</th>" * 5, "".join(cells)))
        cards.append('<div class="card">%s%s</div>' % (head, table))
    return '<div class="cards wide">%s</div>' % "".join(cards)


# ---- Every combination, pauses, metadata ------------------------------------------------------------

def _median(metrics, name):
    m = metrics.get(name)
    return m.get("median") if isinstance(m, dict) and isinstance(m.get("median"), (int, float)) else None


SUMMARY_COLUMNS = [  # (header, metric, scale, digits)
    ("throughput (ops/s)", "ops_per_s", 1.0, 0), ("run time (s)", "wall_s", 1.0, 3),
    ("p99 latency (us)", "latency_p99_ns", 1e-3, 1), ("GC pause total (ms)", "gc_pause_total_ns", 1e-6, 2),
    ("MMU 10 ms", "mmu_10ms", 1.0, 3), ("peak RSS (MiB)", "peak_rss_bytes", 1 / (1 << 20), 1),
    ("RSS / live", "memory_overhead", 1.0, 2), ("peak trash (MiB)", "trash_peak_bytes", 1 / (1 << 20), 2)]


def summary_table(doc):
    head = "".join("<th>%s</th>" % h for h in ["allocator", "collector", "workload", "runs"]
                   + [c[0] for c in SUMMARY_COLUMNS[:1]] + ["CV"] + [c[0] for c in SUMMARY_COLUMNS[1:]])
    rows = []
    for s in doc.get("summaries", []):
        m = s.get("metrics", {})
        ops = m.get("ops_per_s")
        cv = ops["cv"] if isinstance(ops, dict) and ops.get("n", 0) > 1 else None

        def col(name, scale, digits):
            v = _median(m, name)
            return _cell(_fmt(v, scale, digits), None if v is None else v * scale)
        cells = [_cell(_esc(s["allocator"])), _cell(_esc(s["collector"])), _cell(_esc(rd.workload_label(doc, s))),
                 _cell("%d%s" % (s["runs"], " (%d failed)" % s["failed"] if s["failed"] else ""), s["runs"])]
        cells.append(col(*SUMMARY_COLUMNS[0][1:]))
        cells.append(_cell(_fmt(cv, 100) + ("" if cv is None else " %"), None if cv is None else 100 * cv))
        cells += [col(*c[1:]) for c in SUMMARY_COLUMNS[1:]]
        rows.append("<tr>%s</tr>" % "".join(cells))
    return '<table class="sortable"><thead><tr>%s</tr></thead><tbody>%s</tbody></table>' % (head, "".join(rows))


def pause_table(doc):
    """The table of `pymembench report pauses`: per workload, each collector's pauses beside
    their MMU, throughput, peak RSS and trash, for one allocator (medians over repetitions); combinations
    whose runs record no GC pauses (real Python programs) are left out. Empty when none has any."""
    allocator = figures.pause_allocator(doc)
    head = ("<tr><th>workload</th><th>collector</th><th>p50 pause (ms)</th><th>p99 pause (ms)</th>"
            "<th>max pause (ms)</th><th>total pause (ms)</th><th>MMU 10 ms</th><th>throughput (ops/s)</th>"
            "<th>peak RSS (MiB)</th><th>peak trash (MiB)</th><th>mean trash (MiB)</th></tr>")
    rows = []
    for s in doc.get("summaries", []):
        m = s.get("metrics", {})
        if s["allocator"] != allocator or _median(m, "gc_pause_total_ns") is None:
            continue
        rows.append("<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td>"
                    "<td>%s</td><td>%s</td><td>%s</td></tr>" % (
                        _esc(rd.workload_label(doc, s)), _esc(s["collector"]),
                        _fmt(_median(m, "gc_pause_p50_ns"), 1e-6, 3), _fmt(_median(m, "gc_pause_p99_ns"), 1e-6, 3),
                        _fmt(_median(m, "gc_pause_max_ns"), 1e-6, 3), _fmt(_median(m, "gc_pause_total_ns"), 1e-6, 1),
                        _fmt(_median(m, "mmu_10ms"), digits=3), _fmt(_median(m, "ops_per_s"), digits=0),
                        _fmt(_median(m, "peak_rss_bytes"), 1 / (1 << 20)),
                        _fmt(_median(m, "trash_peak_bytes"), 1 / (1 << 20), 2),
                        _fmt(_median(m, "trash_mean_bytes"), 1 / (1 << 20), 2)))
    if not rows:
        return ""
    return "<p>Allocator %s.</p><table>%s%s</table>" % (_esc(allocator), head, "".join(rows))


def metadata_table(doc):
    meta = doc.get("meta", {})
    host, build, git = meta.get("host", {}), meta.get("build", {}), meta.get("git", {})
    items = [("started", meta.get("start_time")), ("ended", meta.get("end_time")),
             ("complete", meta.get("complete")), ("CPU", host.get("cpu_model")), ("cores", host.get("cores")),
             ("governor", host.get("frequency_governor")), ("clock source", host.get("clocksource")),
             ("kernel", host.get("kernel")), ("load at start", host.get("load_average_at_start")),
             ("compiler", build.get("compiler")), ("flags", build.get("flags")),
             ("build type", build.get("build_type")),
             ("git", "%s%s" % (git.get("commit"), " (dirty)" if git.get("dirty") else "") if git else None),
             ("libraries", ", ".join("%s %s" % kv for kv in meta.get("libraries", {}).items()) or None),
             ("allocators", ", ".join("%s: %s" % kv for kv in meta.get("allocator_versions", {}).items()) or None),
             ("command", " ".join(meta.get("command_line", []))), ("seed", meta.get("seed"))]
    return "<table>%s</table>" % "".join("<tr><th>%s</th><td>%s</td></tr>" % (_esc(k), _esc(v))
                                         for k, v in items if v is not None)
