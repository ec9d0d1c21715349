"""The report's figures, one function each, every one returning a matplotlib Figure built from a
results document (or a comparison) and nothing else: the caller saves it. Figures draw only
successful runs; every axis names its unit.

  throughput       per workload: median throughput per allocator x collector, min-max whiskers
  latency          per workload: per-op latency percentile curves (x: 1/(1-p), log scale)
  gc_pauses        per workload: total pause time per combination, and pause-duration CDFs
  memory_timeline  for one workload: RSS, live bytes and trash (garbage awaiting collection) over
                   time, one line per combination in each
  trash_tradeoff   per workload: each collector's max GC pause (x) against its peak trash (y), the
                   trade-off that pause length alone hides
  pareto           per workload: peak RSS against throughput, the Pareto front marked
  heatmap          per workload: allocator x collector throughput relative to the best
  comparison       a `compare --json` output: ratio per figure with its confidence interval
  pause_table      per workload: each collector's p50, p99 and max pause for one allocator (the
                   figure of `pymembench report pauses`)
  agreement        per real program: each allocator's time relative to cpython's in the real
                   interpreter (x) against the same in the trace's replay (y)

A figure draws only what the runs record: a workload none of whose runs has the figure's numbers
(a real Python program has no throughput, latency, live bytes or GC pauses of ours) gets no panel,
and a function with nothing at all to draw returns None.
"""
import math

import results_data as rd
import style


def _label(allocator, collector):
    return "%s/%s" % (allocator, collector)


def _ops_per_s(r):
    return r["ops_per_s"]


def _pause_max(r):
    return r["gc"]["pause_ns"]["max"]


def _pause_total(r):
    return r["gc"]["pause_ns"]["total"]


def _latency_curve_runs(runs):
    return [r for r in runs if r.get("latency_recorded", True) and r.get("latency_histogram_ns")]


def throughput(doc):
    wls = rd.workloads_with(doc, _ops_per_s)
    if not wls:
        return None
    fig, axes = style.new_figure(len(wls))
    for ax, w in zip(axes, wls):
        combos = [(a, c) for a, c in rd.combinations(doc, w) if rd.values(rd.runs_of(doc, w, a, c), _ops_per_s)]
        for i, (a, c) in enumerate(combos):
            xs = rd.values(rd.runs_of(doc, w, a, c), _ops_per_s)
            med, lo, hi = rd.median_min_max(xs)
            ax.bar(i, med / 1e3, color=style.allocator_colour(a), hatch=style.collector_hatch(c),
                   edgecolor="black", linewidth=0.5, yerr=[[(med - lo) / 1e3], [(hi - med) / 1e3]], capsize=3,
                   label=_label(a, c))
        ax.set_xticks(range(len(combos)))
        ax.set_xticklabels([_label(a, c) for a, c in combos], rotation=60, ha="right", fontsize=7)
        ax.set_title(w)
        ax.set_ylabel("throughput (thousand ops/s)")
    fig.suptitle("Throughput: median of repetitions, whiskers min to max")
    fig.tight_layout()
    return fig


def _percentile_curve(run):
    """(x = 1/(1-p), latency in us) points from a run's latency histogram."""
    rows = run.get("latency_histogram_ns") or []
    total = sum(r[2] for r in rows)
    xs, ys, seen = [], [], 0
    for low, high, count in rows:
        seen += count
        p = seen / total
        if p >= 1:
            p = 1 - 1 / (2 * total)  # the maximum: plotted just beyond the last finite point
        xs.append(1 / (1 - p))
        ys.append((low + high) / 2 / 1e3)
    return xs, ys


def latency(doc):
    wls = [w for w in rd.workloads(doc) if _latency_curve_runs(rd.runs_of(doc, w))]
    if not wls:
        return None
    fig, axes = style.new_figure(len(wls))
    for ax, w in zip(axes, wls):
        for a, c in rd.combinations(doc, w):
            runs = _latency_curve_runs(rd.runs_of(doc, w, a, c))
            if not runs:
                continue
            xs, ys = _percentile_curve(rd.representative_run(runs))
            ax.plot(xs, ys, color=style.allocator_colour(a), linestyle=style.collector_linestyle(c),
                    label=_label(a, c))
        ax.set_xscale("log")
        ax.set_yscale("log")
        ticks = [1, 2, 10, 100, 1000, 10000, 100000]
        ax.set_xticks(ticks)
        ax.set_xticklabels(["0", "50", "90", "99", "99.9", "99.99", "99.999"], fontsize=7)
        ax.set_xlabel("percentile (%)")
        ax.set_ylabel("op latency (us)")
        ax.set_title(w)
    fig.suptitle("Per-op latency by percentile (the run with median throughput)")
    style.legend_outside(fig, axes[0])
    return fig


def gc_pauses(doc):
    # A workload none of whose runs ever paused (a trace replay makes no objects) has no panel.
    wls = [w for w in rd.workloads_with(doc, _pause_total) if any(rd.values(rd.runs_of(doc, w), _pause_total))]
    if not wls:
        return None
    fig, axes = style.new_figure(2 * len(wls), columns=4)
    for i, w in enumerate(wls):
        total_ax, cdf_ax = axes[2 * i], axes[2 * i + 1]
        combos = [(a, c) for a, c in rd.combinations(doc, w) if rd.values(rd.runs_of(doc, w, a, c), _pause_total)]
        for j, (a, c) in enumerate(combos):
            runs = [r for r in rd.runs_of(doc, w, a, c) if rd.has(r, _pause_total)]
            med, lo, hi = rd.median_min_max(rd.values(runs, _pause_total))
            total_ax.bar(j, med / 1e6, color=style.allocator_colour(a), hatch=style.collector_hatch(c),
                         edgecolor="black", linewidth=0.5, yerr=[[(med - lo) / 1e6], [(hi - med) / 1e6]], capsize=3)
            rows = (rd.representative_run(runs).get("gc") or {}).get("pause_histogram_ns") or []
            if rows:
                n = sum(r[2] for r in rows)
                xs, ys, seen = [], [], 0
                for low, high, count in rows:
                    seen += count
                    xs.append((low + high) / 2 / 1e6)
                    ys.append(100 * seen / n)
                cdf_ax.step(xs, ys, where="post", color=style.allocator_colour(a),
                            linestyle=style.collector_linestyle(c), label=_label(a, c))
        total_ax.set_xticks(range(len(combos)))
        total_ax.set_xticklabels([_label(a, c) for a, c in combos], rotation=60, ha="right", fontsize=7)
        total_ax.set_ylabel("total GC pause (ms)")
        total_ax.set_title("%s: total pause" % w)
        cdf_ax.set_xscale("log")
        cdf_ax.set_xlabel("pause (ms)")
        cdf_ax.set_ylabel("pauses at most this long (%)")
        cdf_ax.set_title("%s: pause durations" % w)
    fig.suptitle("GC pauses: total per run (median, min-max) and the distribution of single pauses")
    style.legend_outside(fig, max(axes[1::2], key=lambda ax: len(ax.get_lines())))
    return fig


def _series(timeline, key):
    """(ms, MiB) of one of a memory timeline's series, the samples that hold a number."""
    ys = timeline.get(key)
    if not isinstance(ys, list):
        return [], []
    points = [(t / 1e6, style.mib(y)) for t, y in zip(timeline.get("t_ns") or [], ys) if isinstance(y, (int, float))]
    return [p[0] for p in points], [p[1] for p in points]


def _trash_series(run):
    """(ms, MiB) of a run's trash censuses; empty when it counted none (rc, --no-trash)."""
    trash = run.get("trash")
    if not isinstance(trash, dict):
        return [], []
    points = [(t / 1e6, style.mib(b)) for t, b in zip(trash.get("t_ns") or [], trash.get("bytes") or [])]
    return [p[0] for p in points], [p[1] for p in points]


def memory_timeline(doc, workload):
    """RSS, live bytes and trash over time; a run that samples only RSS (a real Python program)
    gets no live-bytes line, one that counted no trash (rc) no trash line, and a workload none of
    whose runs has a timeline returns None."""
    combos = rd.combinations(doc, workload)
    runs = [(a, c, rd.representative_run(rd.runs_of(doc, workload, a, c))) for a, c in combos]
    runs = [(a, c, r) for a, c, r in runs
            if isinstance(r.get("memory_timeline"), dict) and r["memory_timeline"].get("t_ns")]
    if not runs:
        return None
    fig, axes = style.new_figure(3, width_per_panel=6.5, height=4, columns=3)
    rss_ax, live_ax, trash_ax = axes
    for a, c, r in runs:
        kwargs = dict(color=style.allocator_colour(a), linestyle=style.collector_linestyle(c), label=_label(a, c))
        for ax, key in ((rss_ax, "rss_bytes"), (live_ax, "live_bytes")):
            xs, ys = _series(r["memory_timeline"], key)
            if xs:
                ax.plot(xs, ys, **kwargs)
        xs, ys = _trash_series(r)
        if xs:
            trash_ax.plot(xs, ys, marker=".", markersize=3, **kwargs)
    for ax, what in ((rss_ax, "resident set (MiB)"), (live_ax, "live bytes (MiB)"),
                     (trash_ax, "trash: unreachable, not yet freed (MiB)")):
        ax.set_xlabel("time since the start of setup (ms)")
        ax.set_ylabel(what)
        if not ax.get_lines():  # e.g. live bytes of a real Python program, which samples RSS only
            ax.text(0.5, 0.5, "no run of %s records this" % workload, transform=ax.transAxes, ha="center",
                    va="center", color=style.NEUTRAL)
            ax.set_xticks([])
            ax.set_yticks([])
    rss_ax.set_title("%s: RSS over time" % workload)
    live_ax.set_title("%s: live bytes over time" % workload)
    trash_ax.set_title("%s: garbage awaiting collection" % workload)
    style.legend_outside(fig, rss_ax)
    return fig


def _trash_peak(r):
    return r["trash"]["peak_bytes"]


def trash_tradeoff(doc, allocator=None):
    """Per workload, one point per collector (one allocator, medians over repetitions): its max GC
    pause (x) against the peak of the garbage it left waiting (y). Short pauses bought with garbage
    piling up sit top left; a collector that counted no trash (rc) has no point. None when no run
    counted trash."""
    allocator = allocator or pause_allocator(doc)
    wls = [w for w in rd.workloads(doc) if rd.values(rd.runs_of(doc, w, allocator), _trash_peak)]
    if not wls:
        return None
    fig, axes = style.new_figure(len(wls))
    for ax, w in zip(axes, wls):
        for c in rd.collectors(doc):
            runs = [r for r in rd.runs_of(doc, w, allocator, c) if rd.has(r, _trash_peak) and rd.has(r, _pause_max)]
            if not runs:
                continue
            x = rd.median_min_max(rd.values(runs, _pause_max))[0] / 1e6
            y = style.mib(rd.median_min_max(rd.values(runs, _trash_peak))[0])
            ax.scatter([max(x, 1e-4)], [max(y, 1e-4)], color=style.allocator_colour(allocator),
                       marker=style.collector_marker(c), edgecolor="black", linewidth=0.5, s=40, label=c)
            ax.annotate(c, (max(x, 1e-4), max(y, 1e-4)), fontsize=6, xytext=(3, 3), textcoords="offset points")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("max GC pause (ms)")
        ax.set_ylabel("peak trash (MiB)")
        ax.set_title(w)
    fig.suptitle("Pause against garbage left waiting (allocator %s; medians over repetitions; a zero is drawn "
                 "at 1e-4, the axes' floor)" % allocator)
    fig.tight_layout()
    return fig


def pareto_front(points):
    """The points no other point beats on both axes (lower x = RSS, higher y = throughput),
    sorted by x."""
    front = []
    for x, y in sorted(points, key=lambda p: (p[0], -p[1])):
        if not front or y > front[-1][1]:
            front.append((x, y))
    return front


def pareto(doc):
    wls = rd.workloads_with(doc, _ops_per_s)
    if not wls:
        return None
    fig, axes = style.new_figure(len(wls))
    for ax, w in zip(axes, wls):
        points = []
        for a, c in rd.combinations(doc, w):
            runs = [r for r in rd.runs_of(doc, w, a, c)
                    if rd.has(r, _ops_per_s) and rd.has(r, lambda r: r["peak_rss_bytes"])]
            if not runs:
                continue
            x = rd.median_min_max(rd.values(runs, lambda r: r["peak_rss_bytes"]))[0]
            y = rd.median_min_max(rd.values(runs, _ops_per_s))[0]
            points.append((style.mib(x), y / 1e3))
            ax.scatter([points[-1][0]], [points[-1][1]], color=style.allocator_colour(a),
                       marker="o" if c.startswith("rc") else "s", label=_label(a, c), zorder=3)
        front = pareto_front(points)
        ax.plot([p[0] for p in front], [p[1] for p in front], color="black", linewidth=1, zorder=2,
                label="Pareto front")
        ax.set_xlabel("peak RSS (MiB)")
        ax.set_ylabel("throughput (thousand ops/s)")
        ax.set_title(w)
    fig.suptitle("Memory against speed: medians; the line joins the combinations nothing beats on both")
    style.legend_outside(fig, axes[0])
    return fig


def heatmap(doc):
    wls = rd.workloads_with(doc, _ops_per_s)
    if not wls:
        return None
    fig, axes = style.new_figure(len(wls), width_per_panel=3.6, height=3.6)
    for ax, w in zip(axes, wls):
        # Only the collectors and allocators that ran this workload (a trace replay runs under one).
        colls = [c for c in rd.collectors(doc) if rd.values(rd.runs_of(doc, w, collector=c), _ops_per_s)]
        allocs = [a for a in rd.allocators(doc) if rd.values(rd.runs_of(doc, w, allocator=a), _ops_per_s)]
        grid = []
        for a in allocs:
            row = []
            for c in colls:
                xs = rd.values(rd.runs_of(doc, w, a, c), _ops_per_s)
                row.append(rd.median_min_max(xs)[0] if xs else math.nan)
            grid.append(row)
        best = max(v for row in grid for v in row if not math.isnan(v))
        rel = [[v / best for v in row] for row in grid]
        image = ax.imshow(rel, cmap="viridis", vmin=min(min(v for v in row if not math.isnan(v)) for row in rel if
                                                        any(not math.isnan(v) for v in row)), vmax=1.0, aspect="auto")
        for i, row in enumerate(rel):
            for j, v in enumerate(row):
                if not math.isnan(v):
                    ax.text(j, i, "%.2f" % v, ha="center", va="center", fontsize=7,
                            color="white" if v < 0.8 else "black")
        ax.set_xticks(range(len(colls)))
        ax.set_xticklabels(colls, rotation=30, ha="right", fontsize=7)
        ax.set_yticks(range(len(allocs)))
        ax.set_yticklabels(allocs)
        ax.set_title(w)
        fig.colorbar(image, ax=ax, label="throughput / best (ratio)")
    fig.suptitle("Throughput relative to the best combination of each workload")
    fig.tight_layout()
    return fig


def comparison(comp, most=60):
    """Every compared figure's change, or the `most` largest ones (regressions and improvements
    always among them) when there are more."""
    all_rows = [r for r in comp["rows"] if isinstance(r.get("ratio"), (int, float))]
    rows = sorted(all_rows, key=lambda r: (r["verdict"] not in ("regression", "improvement"), -abs(r["ratio"] - 1)))
    rows = rows[:most]
    fig, axes = style.new_figure(1, width_per_panel=9, height=max(3.0, 0.22 * len(rows) + 1.2), columns=1)
    ax = axes[0]
    for i, r in enumerate(rows):
        colour = {"regression": style.WARNING, "improvement": style.GOOD}.get(r["verdict"], style.NEUTRAL)
        low = r["ci_low"] if isinstance(r.get("ci_low"), (int, float)) else r["ratio"]
        high = r["ci_high"] if isinstance(r.get("ci_high"), (int, float)) else r["ratio"]
        ax.errorbar([100 * (r["ratio"] - 1)], [i],
                    xerr=[[100 * max(0.0, r["ratio"] - low)], [100 * max(0.0, high - r["ratio"])]],
                    fmt="o", color=colour, capsize=2, markersize=3)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels(["%s/%s/%s %s" % (r["allocator"], r["collector"], r["workload"], r["metric"]) for r in rows],
                       fontsize=6)
    ax.invert_yaxis()
    ax.set_xlabel("change, candidate against base (%): median ratio with its 95 % confidence interval")
    shown = "" if len(rows) == len(all_rows) else "; the %d largest changes of %d" % (len(rows), len(all_rows))
    ax.set_title("compare: %d regressions (red), %d improvements (green)%s"
                 % (comp["regressions"], comp["improvements"], shown))
    fig.tight_layout()
    return fig


def pause_allocator(doc):
    """The allocator whose runs the pause table shows: pool when it ran, else the first (among
    runs that record GC pauses, when some do)."""
    allocs = [a for a in rd.allocators(doc) if any(rd.has(r, _pause_total) for r in rd.ok_runs(doc)
                                                   if r["allocator"] == a)] or rd.allocators(doc)
    return "pool" if "pool" in allocs else allocs[0]


def pause_table(doc, allocator=None):
    """Per workload, grouped bars of the p50, p99 and max GC pause (median over repetitions) of
    each collector, for one allocator; collectors that never paused (rc) show no bars, and those
    whose runs record no pauses at all (real Python programs) are left out."""
    allocator = allocator or pause_allocator(doc)
    wls = [w for w in rd.workloads(doc) if rd.values(rd.runs_of(doc, w, allocator), _pause_total)]
    if not wls:
        return None
    fig, axes = style.new_figure(len(wls))
    stats = [("p50", "p50", 0.35), ("p99", "p99", 0.65), ("max", "max", 1.0)]
    for ax, w in zip(axes, wls):
        colls = [c for c in rd.collectors(doc) if rd.values(rd.runs_of(doc, w, allocator, c), _pause_total)]
        width = 0.8 / len(stats)
        for k, (key, label, alpha) in enumerate(stats):
            heights = []
            for c in colls:
                xs = rd.values(rd.runs_of(doc, w, allocator, c), lambda r, key=key: r["gc"]["pause_ns"][key])
                heights.append(rd.median_min_max(xs)[0] / 1e6 if xs else 0.0)
            ax.bar([i + (k - 1) * width for i in range(len(colls))], heights, width,
                   color=style.allocator_colour(allocator), alpha=alpha, edgecolor="black", linewidth=0.5,
                   label="%s pause" % label)
        ax.set_xticks(range(len(colls)))
        ax.set_xticklabels(colls, fontsize=7)
        if any(b.get_height() > 0 for b in ax.patches):
            ax.set_yscale("log")
        ax.set_ylabel("GC pause (ms)")
        ax.set_title(w)
    axes[0].legend(fontsize=6)
    fig.suptitle("GC pauses by collector (allocator %s): p50, p99 and max, medians over repetitions" % allocator)
    fig.tight_layout()
    return fig


def agreement(doc, programs=None):
    """Per real program (results_data.agreement), one point per allocator: its time relative to
    cpython's in the real interpreter (x) and in the replay of the program's trace (y). On the
    diagonal the replay predicts the real ratio; in the lower-left and upper-right quadrants (of
    the 1.0 lines) it at least gets the direction right. Kendall's tau-b of the two rankings is in
    each title."""
    programs = rd.agreement(doc) if programs is None else programs
    if not programs:
        return None
    fig, axes = style.new_figure(len(programs), width_per_panel=4.4, height=4.2, columns=3)
    for ax, p in zip(axes, programs):
        rows = [r for r in p["rows"] if r["real_time_ratio"] is not None and r["replay_time_ratio"] is not None]
        xs = [r["real_time_ratio"] for r in rows]
        ys = [r["replay_time_ratio"] for r in rows]
        for r in rows:
            ax.scatter([r["real_time_ratio"]], [r["replay_time_ratio"]], color=style.allocator_colour(r["allocator"]),
                       edgecolor="black", linewidth=0.5, s=40, label=r["allocator"], zorder=3)
            ax.annotate(r["allocator"], (r["real_time_ratio"], r["replay_time_ratio"]), xytext=(4, 4),
                        textcoords="offset points", fontsize=7)
        if not rows:
            ax.text(0.5, 0.5, p.get("note", "nothing to compare"), transform=ax.transAxes, ha="center",
                    va="center", wrap=True, fontsize=8, color=style.NEUTRAL)
        low, high = min(xs + ys + [1.0]), max(xs + ys + [1.0])
        pad = 0.08 * (high - low or 1.0)
        low, high = low - pad, high + pad
        ax.plot([low, high], [low, high], color=style.NEUTRAL, linewidth=0.8, label="y = x", zorder=1)
        ax.axhline(1.0, color=style.NEUTRAL, linestyle=":", linewidth=0.8, zorder=1)
        ax.axvline(1.0, color=style.NEUTRAL, linestyle=":", linewidth=0.8, zorder=1)
        ax.set_xlim(low, high)
        ax.set_ylim(low, high)
        ax.set_aspect("equal", adjustable="box")
        tau = "n/a" if p["kendall_tau"] is None else "%.2f" % p["kendall_tau"]
        ax.set_title("%s: Kendall tau-b %s" % (p["program"], tau), fontsize=10)
        ax.set_xlabel("real program: time / %s's (ratio)" % p["reference"])
        ax.set_ylabel("replay: time / %s's (ratio)" % p["reference"])
    # Each point is labelled with its allocator: a legend beside equal-aspect panels would float.
    fig.suptitle("Does the replay rank allocators as the real interpreter does? Medians over repetitions;"
                 " grey: y = x", fontsize=10)
    fig.tight_layout()
    return fig
