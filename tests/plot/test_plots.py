"""The report's figures built from two committed small results files: fixture_results.json (2
workloads x 2 allocators x 2 collectors x 2 repetitions, written by `pymembench run`) and
fixture_real_programs.json (real Python programs and their trace replays with wall times chosen
by hand, written by make_real_fixture.py). Each figure has the series it should, runs that record
no throughput, latency, live bytes or pauses get no series of them, the answer and the agreement
have the numbers worked out in make_real_fixture.py, the page has its sections in order, the files
written are valid PNG and SVG images, and bad input gets one line and exit code 2."""
import copy
import html
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ElementTree

HERE = os.path.dirname(os.path.abspath(__file__))
PLOT = os.path.join(HERE, "..", "..", "plot")
sys.path.insert(0, PLOT)

import figures  # noqa: E402
import report  # noqa: E402
import report_sections  # noqa: E402
import results_data as rd  # noqa: E402
import style  # noqa: E402

FIXTURE = os.path.join(HERE, "fixture_results.json")
REAL_FIXTURE = os.path.join(HERE, "fixture_real_programs.json")
COMBINATIONS = 4  # per workload: system, pool x rc, gen


def synthetic_comparison():
    rows = []
    for i, verdict in enumerate(["regression", "improvement", "no change", "not significant", "no change"]):
        rows.append({"allocator": "pool", "collector": "gen", "workload": "w%d" % i, "params": {},
                     "metric": "ops_per_s", "ratio": [0.8, 1.2, 1.0, 0.93, 1.01][i],
                     "ci_low": [0.8, 1.2, 1.0, 0.93, 1.01][i] - 0.05, "ci_high": [0.8, 1.2, 1.0, 0.93, 1.01][i] + 0.04,
                     "p_value": 0.01, "p_adjusted": 0.02, "verdict": verdict})
    return {"alpha": 0.05, "regressions": 1, "improvements": 1, "rows": rows}


class Figures(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.doc = rd.load_results(FIXTURE)

    def tearDown(self):
        style.plt.close("all")

    def test_throughput_has_a_bar_with_whiskers_per_combination(self):
        fig = figures.throughput(self.doc)
        axes = [ax for ax in fig.axes if ax.get_visible()]
        self.assertEqual(len(axes), 2)
        for ax in axes:
            bars = [c for c in ax.containers if c.__class__.__name__ == "BarContainer"]
            self.assertEqual(len(bars), COMBINATIONS)
            self.assertEqual(len([c for c in ax.containers if c.__class__.__name__ == "ErrorbarContainer"]),
                             COMBINATIONS)
            self.assertIn("ops/s", ax.get_ylabel())
        # The same allocator has the same colour in every panel.
        colours = {}
        for ax in axes:
            for bar, label in zip([c for c in ax.containers if c.__class__.__name__ == "BarContainer"],
                                  [t.get_text() for t in ax.get_xticklabels()]):
                colours.setdefault(label.split("/")[0], set()).add(bar.patches[0].get_facecolor())
        self.assertTrue(all(len(c) == 1 for c in colours.values()), colours)
        self.assertNotEqual(colours["system"], colours["pool"])

    def test_latency_curves_one_per_combination_and_monotonic(self):
        fig = figures.latency(self.doc)
        for ax in [ax for ax in fig.axes if ax.get_visible()]:
            lines = ax.get_lines()
            self.assertEqual(len(lines), COMBINATIONS)
            for line in lines:
                xs, ys = line.get_xdata(), line.get_ydata()
                self.assertTrue(all(a < b for a, b in zip(xs, xs[1:])))
                self.assertTrue(all(a <= b for a, b in zip(ys, ys[1:])))
            self.assertEqual(ax.get_xscale(), "log")
            self.assertIn("us", ax.get_ylabel())

    def test_gc_pauses_totals_for_all_and_distributions_for_gen_only(self):
        fig = figures.gc_pauses(self.doc)
        axes = [ax for ax in fig.axes if ax.get_visible()]
        self.assertEqual(len(axes), 4)
        totals, cdfs = axes[0::2], axes[1::2]
        for ax in totals:
            self.assertEqual(len([c for c in ax.containers if c.__class__.__name__ == "BarContainer"]),
                             COMBINATIONS)
        for ax in cdfs:
            self.assertEqual(len(ax.get_lines()), 2)  # gen under system and pool; rc never pauses

    def test_memory_timeline_rss_and_live_per_combination(self):
        fig = figures.memory_timeline(self.doc, "trees")
        rss_ax, live_ax = fig.axes[:2]
        self.assertEqual(len(rss_ax.get_lines()), COMBINATIONS)
        self.assertEqual(len(live_ax.get_lines()), COMBINATIONS)
        self.assertIn("MiB", rss_ax.get_ylabel())
        self.assertIn("ms", rss_ax.get_xlabel())

    def test_trash_is_drawn_over_time_and_against_the_max_pause(self):
        doc = copy.deepcopy(self.doc)  # a copy, with trash censuses added to gen's runs
        for r in doc["runs"]:
            if r.get("collector") == "gen":
                r["trash"] = {"peak_bytes": 3 << 20, "mean_bytes": 1 << 20, "t_ns": [0, 1e6, 2e6],
                              "bytes": [0, 3 << 20, 1 << 20]}
        fig = figures.memory_timeline(doc, "trees")
        trash_ax = fig.axes[2]
        self.assertEqual(len(trash_ax.get_lines()), 2)  # gen under both allocators; rc counted none
        self.assertEqual(max(trash_ax.get_lines()[0].get_ydata()), 3.0)
        self.assertIn("MiB", trash_ax.get_ylabel())
        style.plt.close("all")
        fig = figures.trash_tradeoff(doc)
        for ax in [ax for ax in fig.axes if ax.get_visible()]:
            self.assertEqual(len(ax.collections), 1)  # gen only
            self.assertAlmostEqual(ax.collections[0].get_offsets()[0][1], 3.0)
            self.assertIn("pause", ax.get_xlabel())
        self.assertIsNone(figures.trash_tradeoff(self.doc))  # no run counted trash

    def test_pareto_marks_the_front(self):
        self.assertEqual(figures.pareto_front([(1, 1), (2, 3), (3, 2), (0.5, 0.5), (2, 1)]),
                         [(0.5, 0.5), (1, 1), (2, 3)])
        fig = figures.pareto(self.doc)
        for ax in [ax for ax in fig.axes if ax.get_visible()]:
            self.assertEqual(len(ax.collections), COMBINATIONS)
            front = [l for l in ax.get_lines() if l.get_label() == "Pareto front"]
            self.assertEqual(len(front), 1)
            self.assertGreaterEqual(len(front[0].get_xdata()), 1)

    def test_heatmap_is_relative_to_the_best(self):
        fig = figures.heatmap(self.doc)
        panels = [ax for ax in fig.axes if ax.get_visible() and ax.images]
        self.assertEqual(len(panels), 2)
        for ax in panels:
            values = ax.images[0].get_array()
            self.assertEqual(values.shape, (2, 2))
            self.assertAlmostEqual(float(values.max()), 1.0)

    def test_pause_table_has_p50_p99_and_max_per_collector(self):
        fig = figures.pause_table(self.doc)
        self.assertIn("allocator pool", fig._suptitle.get_text())
        for ax in [ax for ax in fig.axes if ax.get_visible()]:
            bars = [c for c in ax.containers if c.__class__.__name__ == "BarContainer"]
            self.assertEqual([b.get_label() for b in bars], ["p50 pause", "p99 pause", "max pause"])
            self.assertEqual([t.get_text() for t in ax.get_xticklabels()], ["rc", "gen"])
            for b in bars:
                rc, gen = [p.get_height() for p in b.patches]
                self.assertEqual(rc, 0.0)  # rc never pauses
                self.assertGreater(gen, 0.0)
            p50, p99, top = ([p.get_height() for p in b.patches][1] for b in bars)
            self.assertLessEqual(p50, p99)
            self.assertLessEqual(p99, top)
            self.assertIn("ms", ax.get_ylabel())

    def test_comparison_colours_regressions(self):
        fig = figures.comparison(synthetic_comparison())
        ax = fig.axes[0]
        self.assertEqual(len(ax.containers), 5)
        colours = [c.lines[0].get_color() for c in ax.containers]
        self.assertEqual(colours[0], style.WARNING)
        self.assertEqual(colours[1], style.GOOD)
        self.assertEqual(colours.count(style.NEUTRAL), 3)
        # Many figures: the largest changes, with the regressions among them.
        style.plt.close(fig)
        many = synthetic_comparison()
        many["rows"] = many["rows"] * 30
        fig = figures.comparison(many, most=60)
        self.assertEqual(len(fig.axes[0].containers), 60)
        self.assertIn(style.WARNING, [c.lines[0].get_color() for c in fig.axes[0].containers])


def bar_containers(ax):
    return [c for c in ax.containers if c.__class__.__name__ == "BarContainer"]


def visible_axes(fig):
    return [ax for ax in fig.axes if ax.get_visible()]


# What make_real_fixture.py's docstring works out by hand, per program: tau-b, and per allocator (in
# order of first appearance) real and replay median wall time (s), peak RSS (MiB), rank by time
# (real, replay), delta_ratio and sign_agrees.
EXPECTED = {
    "json_roundtrip": (1 / 3, [("cpython", 1.0, 0.5, 40, 32, 2, 3, None, None),
                               ("pool", 1.25, 0.4375, 60, 24, 3, 2, -0.25, False),
                               ("jemalloc", 0.75, 0.375, 50, 40, 1, 1, 0.5, True)]),
    "text_processing": (-1.0, [("cpython", 2.0, 0.5, 64, 16, 2, 2, None, None),
                               ("pool", 1.75, 0.625, 48, 20, 1, 3, -0.5, False),
                               ("jemalloc", 2.5, 0.25, 80, 24, 3, 1, -0.5, False)]),
}
ROW_KEYS = {"allocator", "real_reps", "replay_reps", "real_wall_s", "replay_wall_s", "real_rss_bytes",
            "replay_rss_bytes", "real_time_ratio", "replay_time_ratio", "real_rss_ratio", "replay_rss_ratio",
            "real_delta_s", "replay_delta_s", "delta_ratio", "sign_agrees", "real_rank", "replay_rank"}


class Agreement(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.doc = rd.load_results(REAL_FIXTURE)
        cls.programs = rd.agreement(cls.doc)

    def tearDown(self):
        style.plt.close("all")

    def test_the_committed_fixture_is_what_its_generator_writes(self):
        import make_real_fixture
        with open(REAL_FIXTURE) as f:
            self.assertEqual(json.load(f), json.loads(json.dumps(make_real_fixture.build())))

    def test_kendall_tau_b_by_hand(self):
        self.assertEqual(rd.kendall_tau_b([1, 2, 3], [10, 20, 30]), 1.0)
        self.assertEqual(rd.kendall_tau_b([1, 2, 3], [30, 20, 10]), -1.0)
        self.assertAlmostEqual(rd.kendall_tau_b([1, 2, 3], [1, 3, 2]), 1 / 3, places=15)
        # Ties: pairs (2,3) tied in x, (3,4) tied in y; 4 concordant, 0 discordant: 4 / sqrt(5 * 5).
        self.assertAlmostEqual(rd.kendall_tau_b([1, 2, 2, 3], [1, 2, 3, 3]), 0.8, places=15)
        self.assertIsNone(rd.kendall_tau_b([1, 1, 1], [1, 2, 3]))  # a constant ranking
        self.assertIsNone(rd.kendall_tau_b([1], [1]))

    def test_pairs_each_real_program_with_its_replay(self):
        # class_simulation has no replay; rc runs and the crashed run are not counted.
        self.assertEqual([p["program"] for p in self.programs], ["json_roundtrip", "text_processing"])
        self.assertEqual([p["real"] for p in self.programs],
                         [{"script": "workloads/python/real/json_roundtrip.py", "args": ""},
                          {"script": "workloads/python/real/text_processing.py", "args": "--scale 1"}])
        self.assertEqual([p["replay"] for p in self.programs],
                         [{"file": "results/traces/json_roundtrip.trace", "collector": "gen"},
                          {"file": "results/traces/text_processing.trace", "collector": "gen"}])
        for p in self.programs:
            self.assertEqual(p["reference"], "cpython")
            self.assertEqual(p["allocators"], 3)
            self.assertNotIn("note", p)
            self.assertEqual([(r["real_reps"], r["replay_reps"]) for r in p["rows"]], [(3, 3)] * 3)

    def test_ratios_deltas_ranks_and_tau_are_the_hand_computed_ones(self):
        mib = 1 << 20
        for p in self.programs:
            tau, expected = EXPECTED[p["program"]]
            self.assertAlmostEqual(p["kendall_tau"], tau, places=15)
            # system was only replayed: it is in no row.
            self.assertEqual([r["allocator"] for r in p["rows"]], [e[0] for e in expected])
            ref = expected[0]
            for row, (a, real, replay, real_rss, replay_rss, real_rank, replay_rank, delta_ratio, agrees) \
                    in zip(p["rows"], expected):
                self.assertEqual(set(row), ROW_KEYS)
                # Exact: every figure of the fixture is a binary fraction.
                self.assertEqual((row["real_wall_s"], row["replay_wall_s"]), (real, replay), a)
                self.assertEqual((row["real_rss_bytes"], row["replay_rss_bytes"]), (real_rss * mib, replay_rss * mib))
                self.assertEqual(row["real_time_ratio"], real / ref[1], a)
                self.assertEqual(row["replay_time_ratio"], replay / ref[2], a)
                self.assertEqual(row["real_rss_ratio"], real_rss / ref[3], a)
                self.assertEqual(row["replay_rss_ratio"], replay_rss / ref[4], a)
                self.assertEqual(row["real_delta_s"], real - ref[1], a)
                self.assertEqual(row["replay_delta_s"], replay - ref[2], a)
                self.assertEqual((row["real_rank"], row["replay_rank"]), (real_rank, replay_rank), a)
                self.assertEqual((row["delta_ratio"], row["sign_agrees"]), (delta_ratio, agrees), a)
        pool = self.programs[0]["rows"][1]
        self.assertEqual((pool["real_time_ratio"], pool["replay_time_ratio"]), (1.25, 0.875))
        self.assertEqual((pool["real_delta_s"], pool["replay_delta_s"]), (0.25, -0.0625))

    def test_tied_times_share_the_better_rank(self):
        doc = rd.load_results(REAL_FIXTURE)  # a fresh copy to change
        for r in doc["runs"]:  # jemalloc's real json_roundtrip runs take cpython's times
            if r["workload"] == "python" and r["allocator"] == "jemalloc" and "wall_s" in r \
                    and "json_roundtrip" in r["params"].get("script", ""):
                r["wall_s"] += 0.25
        rows = {r["allocator"]: r for r in rd.agreement(doc)[0]["rows"]}
        self.assertEqual((rows["cpython"]["real_rank"], rows["jemalloc"]["real_rank"], rows["pool"]["real_rank"]),
                         (1, 1, 3))
        self.assertIsNone(rows["jemalloc"]["sign_agrees"])  # no faster than cpython: no sign

    def test_replays_under_gen_when_they_ran_under_several_collectors(self):
        doc = rd.load_results(REAL_FIXTURE)
        for r in [r for r in doc["runs"] if r["workload"] == "trace"]:
            doc["runs"].append(dict(r, collector="rc", wall_s=100.0))
        self.assertEqual(rd.agreement(doc), self.programs)

    def test_no_real_runs_no_agreement_and_no_reference_no_ratios(self):
        self.assertEqual(rd.agreement(rd.load_results(FIXTURE)), [])
        self.assertIsNone(figures.agreement(rd.load_results(FIXTURE)))
        for p in rd.agreement(self.doc, reference="tcmalloc"):
            self.assertEqual(p["note"], "no ok run of tcmalloc on either side: ratios and deltas skipped")
            self.assertEqual([(r["real_rank"], r["replay_rank"]) for r in p["rows"]],
                             [e[5:7] for e in EXPECTED[p["program"]][1]])
            for key in ("real_time_ratio", "replay_time_ratio", "real_rss_ratio", "replay_rss_ratio", "real_delta_s",
                        "replay_delta_s", "delta_ratio", "sign_agrees"):
                self.assertEqual([r[key] for r in p["rows"]], [None] * 3, key)
        fig = figures.agreement(self.doc, rd.agreement(self.doc, reference="tcmalloc"))
        self.assertTrue(all(not ax.collections for ax in visible_axes(fig)))

    def test_figure_has_a_point_per_allocator_the_diagonal_and_tau(self):
        fig = figures.agreement(self.doc)
        axes = visible_axes(fig)
        self.assertEqual(len(axes), 2)
        for ax, p in zip(axes, self.programs):
            points = {c.get_label(): c for c in ax.collections}
            self.assertEqual(set(points), {r["allocator"] for r in p["rows"]})
            for r in p["rows"]:
                self.assertEqual([tuple(xy) for xy in points[r["allocator"]].get_offsets()],
                                 [(r["real_time_ratio"], r["replay_time_ratio"])])
                self.assertEqual(tuple(points[r["allocator"]].get_facecolor()[0][:3]),
                                 tuple(int(style.allocator_colour(r["allocator"])[i:i + 2], 16) / 255
                                       for i in (1, 3, 5)))
            diagonal = [l for l in ax.get_lines() if l.get_label() == "y = x"]
            self.assertEqual(len(diagonal), 1)
            self.assertEqual(list(diagonal[0].get_xdata()), list(diagonal[0].get_ydata()))
            ones = [l for l in ax.get_lines() if l.get_label() != "y = x"]
            self.assertEqual(sorted((list(l.get_xdata()), list(l.get_ydata())) != ([1.0, 1.0], [0, 1]) for l in ones),
                             [False, True])  # axvline at x = 1 and axhline at y = 1
            self.assertTrue(any(list(l.get_ydata()) == [1.0, 1.0] for l in ones))
            self.assertIn("ratio", ax.get_xlabel())
        self.assertIn("0.33", axes[0].get_title())
        self.assertIn("-1.00", axes[1].get_title())


class RealProgramRuns(unittest.TestCase):
    """Python runs record wall time and RSS only: every figure copes, and draws nothing absent."""

    @classmethod
    def setUpClass(cls):
        cls.doc = rd.load_results(REAL_FIXTURE)
        cls.traces = ["trace json_roundtrip.trace", "trace text_processing.trace"]

    def tearDown(self):
        style.plt.close("all")

    def test_figures_without_the_real_programs_numbers_have_panels_for_the_replays_only(self):
        for build in (figures.throughput, figures.latency, figures.pareto, figures.heatmap):
            fig = build(self.doc)
            self.assertEqual([ax.get_title() for ax in visible_axes(fig) if ax.get_title()], self.traces,
                             build.__name__)
        # Replays never pause and the fixture's real runs carry no pauses: no pause panel at all.
        self.assertIsNone(figures.gc_pauses(self.doc))
        fig = figures.pause_table(self.doc)
        self.assertEqual([ax.get_title() for ax in visible_axes(fig)], self.traces)
        # The replay of json_roundtrip: a bar per allocator that ran it, system included.
        self.assertEqual(len(bar_containers(visible_axes(figures.throughput(self.doc))[0])), 4)

    def test_memory_timeline_of_a_real_program_has_rss_but_no_live_bytes(self):
        fig = figures.memory_timeline(self.doc, "python json_roundtrip.py")
        rss_ax, live_ax = fig.axes[:2]
        self.assertEqual(len(rss_ax.get_lines()), 4)  # cpython, pool, jemalloc under gen; cpython under rc
        self.assertEqual(len(live_ax.get_lines()), 0)
        fig = figures.memory_timeline(self.doc, self.traces[0])
        self.assertEqual([len(ax.get_lines()) for ax in fig.axes[:2]], [4, 4])

    def test_nothing_to_draw_is_none(self):
        doc = rd.load_results(REAL_FIXTURE)  # a fresh copy to change
        doc["runs"] = [r for r in doc["runs"] if r["workload"] == "python"]
        for build in (figures.throughput, figures.latency, figures.pareto, figures.heatmap, figures.gc_pauses,
                      figures.pause_table, figures.agreement):
            self.assertIsNone(build(doc), build.__name__)

    def test_real_runs_with_throughput_and_pauses_are_drawn_like_any_other(self):
        # The interpreter worker also writes ops_per_s (the program's declared ops, else 1, per
        # second) and the interpreter's own GC pauses.
        doc = rd.load_results(REAL_FIXTURE)
        for r in doc["runs"]:
            if r["workload"] == "python" and r["status"] == "ok":
                r["ops_per_s"] = 1 / r["wall_s"]
                r["gc"] = {"pause_ns": {"total": 1e6, "p50": 1e5, "p99": 5e5, "max": 6e5},
                           "pause_histogram_ns": [[1e5, 2e5, 3], [5e5, 6e5, 1]]}
        self.assertEqual(rd.agreement(doc), rd.agreement(self.doc))
        g = {g["workload"]: g for g in rd.answer(doc)}["python json_roundtrip.py"]
        self.assertEqual((g["metric"], g["rows"][0]["allocator"]), ("ops_per_s", "jemalloc"))
        self.assertAlmostEqual(g["rows"][1]["ratio"], 0.75, places=12)  # cpython's 1 s against jemalloc's 0.75 s
        self.assertEqual(len(visible_axes(figures.throughput(doc))), 5)
        fig = figures.gc_pauses(doc)  # the programs' panels; the replays, which never pause, have none
        self.assertEqual([ax.get_title() for ax in visible_axes(fig)][0::2],
                         ["python json_roundtrip.py: total pause", "python text_processing.py --scale 1: total pause",
                          "python -m class_simulation: total pause"])
        self.assertTrue(all(not t.startswith("trace") for t in [ax.get_title() for ax in visible_axes(fig)]))

    def test_the_pause_table_shows_an_allocator_with_pauses(self):
        doc = rd.load_results(REAL_FIXTURE)
        self.assertEqual(figures.pause_allocator(doc), "pool")
        doc["runs"] = [r for r in doc["runs"] if not (r["workload"] == "trace" and r["allocator"] == "pool")]
        self.assertEqual(figures.pause_allocator(doc), "cpython")  # pool's runs (real programs) have no GC figures


class Answer(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.doc = rd.load_results(REAL_FIXTURE)
        cls.answer = {g["workload"]: g for g in rd.answer(cls.doc)}

    def test_bootstrap_interval_of_a_ratio_of_medians(self):
        a, b = [10.0, 11.0, 12.0, 13.0], [20.0, 22.0, 21.0]
        ratio, low, high = rd.bootstrap_ratio(a, b)
        self.assertEqual(ratio, 11.5 / 21.0)
        self.assertLessEqual(10 / 22, low)
        self.assertLess(low, ratio)
        self.assertLess(ratio, high)
        self.assertLessEqual(high, 13 / 20)
        self.assertEqual(rd.bootstrap_ratio(a, b), (ratio, low, high))  # a fixed seed
        self.assertEqual(rd.bootstrap_ratio([3.0, 3.0], [2.0, 2.0, 2.0]), (1.5, 1.5, 1.5))
        self.assertEqual(rd.bootstrap_ratio([3.0], [2.0, 4.0]), (1.0, None, None))  # one run: no interval

    def test_best_first_with_the_others_ratios(self):
        g = self.answer["trace text_processing.trace"]
        self.assertEqual((g["metric"], g["higher_is_better"]), ("ops_per_s", True))
        self.assertEqual([r["allocator"] for r in g["rows"]], ["jemalloc", "cpython", "pool"])
        self.assertEqual([r["ratio"] for r in g["rows"]][:2], [1.0, 0.5])  # 0.25 s against 0.5 s
        self.assertAlmostEqual(g["rows"][2]["ratio"], 0.25 / 0.625, places=12)
        self.assertEqual((g["rows"][0]["ci_low"], g["rows"][0]["ci_high"]), (None, None))
        for r in g["rows"][1:]:
            self.assertLess(r["ci_low"], r["ratio"])
            self.assertLess(r["ratio"], r["ci_high"])
        # The real program records no throughput: ranked by wall time, the fastest first; rc counts too.
        g = self.answer["python json_roundtrip.py"]
        self.assertEqual((g["metric"], g["higher_is_better"]), ("wall_s", False))
        self.assertEqual([(r["allocator"], r["collector"]) for r in g["rows"]],
                         [("jemalloc", "gen"), ("cpython", "gen"), ("pool", "gen"), ("cpython", "rc")])
        self.assertEqual([r["ratio"] for r in g["rows"]], [1.0, 1.0 / 0.75, 1.25 / 0.75, 10.0 / 0.75])
        self.assertEqual(g["rows"][2]["runs"], 3)  # the crashed run is not one
        # system replayed json_roundtrip once and was the fastest: no interval for anyone.
        g = self.answer["trace json_roundtrip.trace"]
        self.assertEqual(g["rows"][0]["allocator"], "system")
        self.assertTrue(all(r["ci_low"] is None for r in g["rows"]))


class Report(unittest.TestCase):
    pages = {}

    @classmethod
    def page_of(cls, results):
        """report.html and the names of the files written, for a results file (once per file)."""
        if results not in cls.pages:
            with tempfile.TemporaryDirectory() as out:
                with open(os.devnull, "w") as quiet:
                    stderr, sys.stderr = sys.stderr, quiet
                    try:
                        code = report.main([results, "--out", out])
                    finally:
                        sys.stderr = stderr
                assert code == 0, code
                with open(os.path.join(out, "report.html")) as f:
                    cls.pages[results] = f.read(), sorted(os.listdir(out))
        return cls.pages[results]

    def test_the_page_leads_with_the_answer_and_ends_with_every_combination(self):
        page, names = self.page_of(REAL_FIXTURE)
        order = [page.index('<h2 id="%s">' % s)
                 for s in ("answer", "agreement", "figures", "summary", "pauses", "meta")]
        self.assertEqual(order, sorted(order))
        # The agreement figure is in its own section, not among the other figures.
        self.assertTrue(order[1] < page.index('alt="agreement"') < order[2])
        self.assertIn("agreement.png", names)
        # The full table is folded (closed) and sortable, with its script inline.
        self.assertTrue(page[order[3]:].split("</h2>", 1)[1].lstrip().startswith("<details><summary>"))
        self.assertNotIn("<details open", page)
        self.assertIn('<table class="sortable">', page)
        self.assertIn('querySelectorAll("table.sortable th")', page)
        self.assertNotIn('src="http', page)
        self.assertNotIn('href="http', page)

    def test_the_answer_lists_the_best_combination_first_with_the_ratios(self):
        page, _ = self.page_of(REAL_FIXTURE)
        answer = page[page.index('<h2 id="answer">'):page.index('<h2 id="agreement">')]
        card = answer[answer.index("<h3>python json_roundtrip.py</h3>"):]
        card = card[:card.index('<div class="card">')]
        self.assertIn("Best: <b>jemalloc / gen</b>, 750 ms run time (median of 3 runs)", card)
        rows = card.split("<tr")[2:]  # after the header row
        self.assertEqual([r.split("<td>")[2].split("</td>")[0] for r in rows],
                         ["jemalloc / gen", "cpython / gen", "pool / gen", "cpython / rc"])
        self.assertIn("1 (best)", rows[0])
        self.assertIn(">1.333<", rows[1])
        self.assertIn(">13.333<", rows[3])
        card = answer[answer.index("<h3>trace json_roundtrip.trace</h3>"):]
        # system, the best, replayed it once: no interval for any ratio to it.
        self.assertIn("Best: <b>system / gen</b>, 13.1 kops/s (median of 1 run)", card)
        self.assertEqual(card[:card.index("</table>")].count("<td>best: 1 run</td>"), 3)

    def test_the_agreement_tables_have_every_allocators_ratios_and_tau(self):
        page, _ = self.page_of(REAL_FIXTURE)
        section = page[page.index('<h2 id="agreement">'):page.index('<h2 id="figures">')]
        self.assertIn("<b>0.33</b> over 3 allocators", section)
        self.assertIn("<b>-1.00</b> over 3 allocators", section)
        json_table = section[section.index("<h3>json_roundtrip</h3>"):section.index("<h3>text_processing</h3>")]
        pool = json_table[json_table.index("<tr><td>pool</td>"):].split("</tr>")[0]
        cells = [c.split("</td>")[0] for c in pool.split('<td class="num">')[1:]]
        self.assertEqual(cells, ["1.25 s", "438 ms", "1.250", "0.875", "+250 ms", "\u221262.5 ms", "1.500", "0.750",
                                 "3", "2"])

    def test_absent_figures_print_as_a_dash_not_zero(self):
        page, _ = self.page_of(REAL_FIXTURE)
        summary = page[page.index('<table class="sortable">'):]
        row = summary[summary.index("<tr><td>cpython</td><td>gen</td><td>python json_roundtrip.py</td>"):]
        row = row[:row.index("</tr>")]
        self.assertEqual(row.count("<td>-</td>"), 7)  # throughput, CV, p99 latency, GC pause, MMU, RSS / live, trash
        self.assertIn('data-v="1.0">1.000</td>', row)  # its run time

    def test_an_answer_shows_the_first_few_and_folds_the_rest(self):
        html_ = report_sections.answer_section(rd.load_results(FIXTURE), shown=2)
        card = html_[html_.index("<h3>trees</h3>"):html_.index("<h3>lru</h3>")]
        shown, folded = card.split("<details><summary>2 more combinations</summary>")
        self.assertEqual([r.split("</td>")[0] for r in shown.split("<tr")[2:]], [' class="best"><td>1', "><td>2"])
        self.assertEqual([r.split("</td>")[0] for r in folded.split("<tr")[2:]], ["><td>3", "><td>4"])
        self.assertNotIn("<details>", report_sections.answer_section(rd.load_results(FIXTURE)))  # 4 fit in 5

    @unittest.skipUnless(shutil.which("chromium"), "needs chromium to run the page's script")
    def test_clicking_a_header_sorts_the_summary_table(self):
        page, _ = self.page_of(REAL_FIXTURE)
        click = """<script>var th = Array.from(document.querySelectorAll("table.sortable th"))
            .filter(function (t) { return t.textContent.indexOf("run time") === 0; })[0];
            th.click(); var once = rows(); th.click(); document.title = JSON.stringify([once, rows()]);
            function rows() { return Array.from(document.querySelector("table.sortable").tBodies[0].rows)
                .map(function (r) { return r.cells[6].textContent; }); }</script></body>"""
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "page.html")
            with open(path, "w") as f:
                f.write(page.replace("</body>", click))
            dom = subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom",
                                  "file://" + path], capture_output=True, text=True, timeout=120).stdout
        ascending, descending = json.loads(html.unescape(dom.split("<title>")[1].split("</title>")[0]))
        times = sorted(float(t) for t in ascending)
        self.assertEqual([float(t) for t in ascending], times)
        self.assertEqual([float(t) for t in descending], times[::-1])
        self.assertEqual(len(times), len(rd.load_results(REAL_FIXTURE)["summaries"]))

    def test_results_without_real_programs_have_no_agreement_section(self):
        page, names = self.page_of(FIXTURE)
        self.assertNotIn('id="agreement"', page)
        self.assertNotIn("agreement.png", names)
        order = [page.index('<h2 id="%s">' % s) for s in ("answer", "figures", "summary", "pauses", "meta")]
        self.assertEqual(order, sorted(order))
        self.assertIn("<h3>trees</h3>", page)
        self.assertIn("<h3>lru</h3>", page)
        self.assertNotIn("ranked by run time", page)

    def test_writes_valid_images_and_a_self_contained_page(self):
        with tempfile.TemporaryDirectory() as out:
            comparison = os.path.join(out, "comparison.json")
            json.dump(synthetic_comparison(), open(comparison, "w"))
            self.assertEqual(report.main([FIXTURE, "--out", out, "--compare", comparison]), 0)
            names = set(os.listdir(out))
            for stem in ["throughput", "heatmap", "pareto", "latency", "gc_pauses", "pause_table", "memory_trees",
                         "memory_lru", "comparison"]:
                with open(os.path.join(out, stem + ".png"), "rb") as f:
                    self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n", stem)
                root = ElementTree.parse(os.path.join(out, stem + ".svg")).getroot()
                self.assertTrue(root.tag.endswith("svg"), stem)
            with open(os.path.join(out, "report.html")) as f:
                page = f.read()
            self.assertEqual(page.count("data:image/png;base64,"), 9)
            self.assertIn("GC pauses by collector", page)
            self.assertNotIn('src="http', page)
            self.assertIn("<td>pool</td><td>gen</td><td>trees</td>", page)
            self.assertIn("AMD" if "AMD" in json.load(open(FIXTURE))["meta"]["host"]["cpu_model"] else "CPU", page)
            self.assertIn("report.html", names)


class BadInput(unittest.TestCase):
    def run_report(self, *args):
        return subprocess.run([sys.executable, os.path.join(PLOT, "report.py"), *args], capture_output=True,
                              text=True)

    def test_one_line_and_exit_code_2(self):
        with tempfile.TemporaryDirectory() as d:
            empty = os.path.join(d, "empty.json")
            open(empty, "w").close()
            no_runs = os.path.join(d, "no_runs.json")
            json.dump({"schema": "pymembench-results/1", "meta": {}, "runs": []}, open(no_runs, "w"))
            failed = os.path.join(d, "failed.json")
            json.dump({"schema": "pymembench-results/1", "meta": {},
                       "runs": [{"status": "crashed", "allocator": "pool"}]}, open(failed, "w"))
            foreign = os.path.join(d, "foreign.json")
            json.dump({"hello": 1}, open(foreign, "w"))
            for path, words in [(empty, "not valid JSON"), (no_runs, "no successful run"),
                                (failed, "no successful run"), (foreign, "not a pymembench results file"),
                                (os.path.join(d, "missing.json"), "no such file")]:
                p = self.run_report(path, "--out", os.path.join(d, "out"))
                self.assertEqual(p.returncode, 2, path)
                self.assertIn(words, p.stderr)
                self.assertEqual(p.stderr.count("\n"), 1, p.stderr)
            p = self.run_report(FIXTURE, "--out", "/proc/version/x")
            self.assertEqual(p.returncode, 2)
            self.assertIn("cannot write", p.stderr)


if __name__ == "__main__":
    unittest.main()


@unittest.skipUnless(os.environ.get("PMB_BINARY"), "needs the pymembench binary (PMB_BINARY), as CTest gives it")
class AgreementMatchesTheCommandLine(unittest.TestCase):
    """The report's agreement (Python) and `pymembench report agreement --json` (C++) implement one
    set of rules twice: on the same file they must give the same numbers."""

    def test_same_programs_rows_and_tau(self):
        path = os.path.join(HERE, "fixture_real_programs.json")
        out = subprocess.run([os.environ["PMB_BINARY"], "report", "agreement", path, "--json"], check=True,
                             capture_output=True, text=True).stdout
        cli = {p["program"]: p for p in json.loads(out)["programs"]}
        mine = {p["program"]: p for p in rd.agreement(rd.load_results(path))}
        self.assertEqual(sorted(cli), sorted(mine))
        for name, entry in mine.items():
            if entry["kendall_tau"] is None:
                self.assertIsNone(cli[name]["kendall_tau"])
            else:
                self.assertAlmostEqual(entry["kendall_tau"], cli[name]["kendall_tau"], places=12)
            rows = {r["allocator"]: r for r in cli[name]["rows"]}
            self.assertEqual(sorted(rows), sorted(r["allocator"] for r in entry["rows"]))
            for row in entry["rows"]:
                for key, value in row.items():
                    other = rows[row["allocator"]][key]
                    if isinstance(value, float) and other is not None:
                        self.assertAlmostEqual(value, other, places=9, msg="%s %s %s" % (name, row["allocator"], key))
                    else:
                        self.assertEqual(value, other, msg="%s %s %s" % (name, row["allocator"], key))
