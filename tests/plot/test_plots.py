"""The report's figures built from a committed small results file (2 workloads x 2 allocators x
2 collectors x 2 repetitions): each figure has the series it should, the files written are valid
PNG and SVG images, and bad input gets one line and exit code 2."""
import json
import os
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
import results_data as rd  # noqa: E402
import style  # noqa: E402

FIXTURE = os.path.join(HERE, "fixture_results.json")
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


class Report(unittest.TestCase):
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
            page = open(os.path.join(out, "report.html")).read()
            self.assertEqual(page.count("data:image/png;base64,"), 9)
            self.assertIn("GC pauses by collector", page)
            self.assertNotIn('src="http', page)
            self.assertIn("pool/gen/trees", page)
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
