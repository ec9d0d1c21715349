"""Reading pymembench results files for plotting: validation with one-line errors, the views the
figures need (successful runs, combinations, medians), and the two answers the report opens with:
which combination is fastest per workload and how far behind the others are (answer), and whether
trace replays rank the allocators as the real interpreter does (agreement).

A results file is what `pymembench run` writes (schema pymembench-results/1); a comparison is what
`pymembench compare --json` prints. Both are validated before anything is drawn: a missing,
malformed or empty file raises ResultsError with one line naming what is wrong.

Not every run records every figure: a real Python program's run (workload `python`) has its wall
time and peak RSS but no throughput, latency, live bytes or GC pauses of ours. The views below
return what is there; absent is never zero.
"""
import json
import os
import statistics

import numpy as np

SCHEMA = "pymembench-results/1"


class ResultsError(Exception):
    """A results or comparison file that cannot be plotted; str() is one line."""


def _load_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except FileNotFoundError:
        raise ResultsError("cannot read '%s': no such file" % path)
    except OSError as e:
        raise ResultsError("cannot read '%s': %s" % (path, e.strerror))
    except json.JSONDecodeError as e:
        raise ResultsError("'%s' is not valid JSON (line %d, column %d)" % (path, e.lineno, e.colno))


def load_results(path):
    doc = _load_json(path)
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA:
        raise ResultsError("'%s' is not a pymembench results file (schema %r, accepted: %s)"
                           % (path, doc.get("schema") if isinstance(doc, dict) else None, SCHEMA))
    runs = doc.get("runs")
    if not isinstance(runs, list):
        raise ResultsError("'%s' has no \"runs\" array" % path)
    if not ok_runs(doc):
        raise ResultsError("'%s' holds no successful run: nothing to plot" % path)
    for i, run in enumerate(ok_runs(doc)):
        for key in ("allocator", "collector", "workload", "peak_rss_bytes"):
            if key not in run:
                raise ResultsError("'%s': run %d lacks \"%s\"" % (path, i, key))
        if not any(isinstance(run.get(key), (int, float)) for key in ("ops_per_s", "wall_s")):
            raise ResultsError("'%s': run %d has neither \"ops_per_s\" nor \"wall_s\"" % (path, i))
    return doc


def load_comparison(path):
    doc = _load_json(path)
    if not isinstance(doc, dict) or not isinstance(doc.get("rows"), list) or "alpha" not in doc:
        raise ResultsError("'%s' is not the output of `pymembench compare --json`" % path)
    if not doc["rows"]:
        raise ResultsError("'%s' compares nothing: no rows" % path)
    return doc


def ok_runs(doc):
    return [r for r in doc.get("runs", []) if isinstance(r, dict) and r.get("status") == "ok"]


def _params_label(params):
    """"k=v k2=v2", a path by its file name; what names a program (a script's or trace's file name,
    `-m module`, its args) comes first and without its key, so a panel's title stays short."""
    params = dict(params or {})
    lead = []
    for key, form in (("script", "%s"), ("module", "-m %s"), ("file", "%s"), ("args", "%s")):
        if key in params:
            lead.append(form % str(params.pop(key)).rsplit("/", 1)[-1] if key != "args" else str(params.pop(key)))
    rest = ["%s=%s" % (k, str(v).rsplit("/", 1)[-1]) for k, v in sorted(params.items())]
    return " ".join(x for x in lead + rest if x)


def workload_label(doc, run):
    """The run's workload, with its parameters when the file holds that workload with several
    settings (a swept parameter): the unit every figure has a panel for."""
    variants = doc.setdefault("_workload_variants", {})
    if not variants:
        for r in ok_runs(doc):
            variants.setdefault(r["workload"], set()).add(json.dumps(r.get("params") or {}, sort_keys=True))
    if len(variants.get(run["workload"], ())) <= 1:
        return run["workload"]
    return "%s %s" % (run["workload"], _params_label(run.get("params")))


def workloads(doc):
    """Workloads (labels, see workload_label) in order of first appearance."""
    seen = []
    for r in ok_runs(doc):
        label = workload_label(doc, r)
        if label not in seen:
            seen.append(label)
    return seen


def allocators(doc):
    seen = []
    for r in ok_runs(doc):
        if r["allocator"] not in seen:
            seen.append(r["allocator"])
    return seen


def collectors(doc):
    seen = []
    for r in ok_runs(doc):
        if r["collector"] not in seen:
            seen.append(r["collector"])
    return seen


def runs_of(doc, workload, allocator=None, collector=None):
    return [r for r in ok_runs(doc) if workload_label(doc, r) == workload
            and (allocator is None or r["allocator"] == allocator)
            and (collector is None or r["collector"] == collector)]


def combinations(doc, workload):
    """(allocator, collector) pairs that ran `workload`, in order of first appearance."""
    seen = []
    for r in runs_of(doc, workload):
        key = (r["allocator"], r["collector"])
        if key not in seen:
            seen.append(key)
    return seen


def values(runs, getter):
    out = []
    for r in runs:
        try:
            v = getter(r)
        except (KeyError, TypeError):
            continue
        if isinstance(v, (int, float)):
            out.append(float(v))
    return out


def median_min_max(xs):
    return statistics.median(xs), min(xs), max(xs)


def has(run, getter):
    """Whether `run` records the number `getter` reads (a run without it lacks the figure)."""
    return bool(values([run], getter))


def workloads_with(doc, getter):
    """The workloads (labels) with at least one run recording `getter`'s number."""
    return [w for w in workloads(doc) if any(has(r, getter) for r in runs_of(doc, w))]


def representative_run(runs):
    """The repetition whose throughput is the median one (the lower middle for even counts); by
    wall time for runs that record no throughput (real Python programs)."""
    if all(has(r, lambda r: r["ops_per_s"]) for r in runs):
        ordered = sorted(runs, key=lambda r: r["ops_per_s"])
    else:
        ordered = sorted(runs, key=lambda r: r.get("wall_s") or 0.0)
    return ordered[(len(ordered) - 1) // 2]


# ---- The answer: the fastest combination per workload, and the others' distance from it ----------

BOOTSTRAP_RESAMPLES = 2000
BOOTSTRAP_SEED = 0


def bootstrap_ratio(numerator, denominator, resamples=BOOTSTRAP_RESAMPLES, seed=BOOTSTRAP_SEED, level=0.95):
    """(median(numerator) / median(denominator), low, high): the ratio of medians and the
    percentile bootstrap interval of it, each side resampled with replacement on its own. With a
    single value on either side there is nothing to resample: low and high are None. The seed is
    fixed per call, so a ratio's interval does not depend on what else the report computed."""
    a, b = np.asarray(numerator, dtype=float), np.asarray(denominator, dtype=float)
    ratio = float(np.median(a) / np.median(b))
    if len(a) < 2 or len(b) < 2:
        return ratio, None, None
    rng = np.random.default_rng(seed)
    ratios = (np.median(a[rng.integers(0, len(a), size=(resamples, len(a)))], axis=1)
              / np.median(b[rng.integers(0, len(b), size=(resamples, len(b)))], axis=1))
    tail = 100 * (1 - level) / 2
    low, high = np.percentile(ratios, [tail, 100 - tail])
    return ratio, float(low), float(high)


def answer(doc):
    """Per workload (label), its combinations ranked best first: [{"workload", "metric", "unit",
    "higher_is_better", "rows": [{"allocator", "collector", "runs", "median", "ratio", "ci_low",
    "ci_high"}]}]. The metric is throughput (ops_per_s) when every combination records it, else
    wall time (a real program's run); `ratio` is the combination's median over the best one's
    (at most 1 for throughput, at least 1 for time), with a 95 % bootstrap interval (None for the
    best itself and with one run on either side)."""
    out = []
    for w in workloads(doc):
        groups = [(a, c, runs_of(doc, w, a, c)) for a, c in combinations(doc, w)]
        metric, higher = "ops_per_s", True
        if not all(values(runs, lambda r: r["ops_per_s"]) for _, _, runs in groups):
            metric, higher = "wall_s", False
        samples = [(a, c, values(runs, lambda r: r[metric])) for a, c, runs in groups]
        samples = [(a, c, xs) for a, c, xs in samples if xs]
        if not samples:
            continue
        samples.sort(key=lambda s: -statistics.median(s[2]) if higher else statistics.median(s[2]))
        best = samples[0][2]
        rows = []
        for i, (a, c, xs) in enumerate(samples):
            ratio, low, high = bootstrap_ratio(xs, best) if i else (1.0, None, None)
            rows.append({"allocator": a, "collector": c, "runs": len(xs), "median": statistics.median(xs),
                         "ratio": ratio, "ci_low": low, "ci_high": high})
        out.append({"workload": w, "metric": metric, "unit": "ops/s" if higher else "s",
                    "higher_is_better": higher, "rows": rows})
    return out


# ---- Agreement: do replays of a recorded program rank the allocators as the real program does? --

REFERENCE_ALLOCATOR = "cpython"
SIGN_NOISE = 0.03  # a real time within 3 % of the reference's has no meaningful sign


def program_name(run):
    """The program a real run or a replay is of: its script's or trace's file name without the
    extension, or the module's name."""
    params = run.get("params") or {}
    if run["workload"] == "trace":
        source, ext = params.get("file"), ".trace"
    else:
        source, ext = params.get("script") or params.get("module"), ".py"
    if not source:
        return None
    stem = os.path.basename(str(source))
    return stem[:-len(ext)] if len(stem) > len(ext) and stem.endswith(ext) else stem


def kendall_tau_b(x, y):
    """Kendall's tau-b of two equally long sequences, by comparing every pair: (concordant -
    discordant) / sqrt(pairs untied in x * pairs untied in y), as scipy.stats.kendalltau; None when
    either side is constant or n < 2."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    upper = np.triu_indices(len(x), k=1)
    sx = np.sign(x[:, None] - x[None, :])[upper]
    sy = np.sign(y[:, None] - y[None, :])[upper]
    denominator = np.sqrt(float(np.sum(sx != 0)) * float(np.sum(sy != 0)))
    if denominator == 0:
        return None
    return float(np.clip(np.sum(sx * sy) / denominator, -1.0, 1.0))


def _median_or_none(xs):
    return statistics.median(xs) if xs else None


class _Side:
    """One side (real or replay) of one program: where its runs came from, and each allocator's
    ok wall times and peak RSS, allocators in order of first appearance."""

    def __init__(self, program, args, source):
        self.program, self.args, self.source, self.paired = program, args, source, False
        self.samples = {}

    def add(self, run):
        wall, rss = self.samples.setdefault(run["allocator"], ([], []))
        wall.append(float(run["wall_s"]))
        if isinstance(run.get("peak_rss_bytes"), (int, float)):
            rss.append(float(run["peak_rss_bytes"]))


def _side_for(sides, program, args, source):
    for side in sides:
        if side.program == program and side.args == args:
            return side
    sides.append(_Side(program, args, source))
    return sides[-1]


def _agreement_entry(real, replay, reference):
    rows = []
    for a, (real_wall, real_rss) in real.samples.items():
        if a not in replay.samples:
            continue
        replay_wall, replay_rss = replay.samples[a]
        rows.append({"allocator": a, "real_reps": len(real_wall), "replay_reps": len(replay_wall),
                     "real_wall_s": statistics.median(real_wall), "replay_wall_s": statistics.median(replay_wall),
                     "real_rss_bytes": _median_or_none(real_rss), "replay_rss_bytes": _median_or_none(replay_rss)})
    ref = next((dict(r) for r in rows if r["allocator"] == reference), None)

    def against_ref(row, key, as_ratio):
        if ref is None or row[key] is None or ref[key] is None:
            return None
        if not as_ratio:
            return row[key] - ref[key]
        return row[key] / ref[key] if ref[key] > 0 else None
    real_times = [r["real_wall_s"] for r in rows]
    replay_times = [r["replay_wall_s"] for r in rows]
    for row in rows:
        for side in ("real", "replay"):
            row[side + "_time_ratio"] = against_ref(row, side + "_wall_s", True)
            row[side + "_rss_ratio"] = against_ref(row, side + "_rss_bytes", True)
            row[side + "_delta_s"] = against_ref(row, side + "_wall_s", False)
        real_delta, replay_delta = row["real_delta_s"] or 0.0, row["replay_delta_s"] or 0.0
        row["delta_ratio"] = replay_delta / real_delta if real_delta != 0 else None
        beyond_noise = row["real_time_ratio"] is not None and abs(row["real_time_ratio"] - 1) > SIGN_NOISE
        row["sign_agrees"] = (np.sign(real_delta) == np.sign(replay_delta)).item() if beyond_noise else None
        row["real_rank"] = 1 + sum(t < row["real_wall_s"] for t in real_times)
        row["replay_rank"] = 1 + sum(t < row["replay_wall_s"] for t in replay_times)
    entry = {"program": real.program, "real": real.source, "replay": replay.source, "reference": reference,
             "allocators": len(rows), "kendall_tau": kendall_tau_b(real_times, replay_times), "rows": rows}
    if not rows:
        entry["note"] = "no allocator has an ok run on both sides"
    elif ref is None:
        in_real, in_replay = reference in real.samples, reference in replay.samples
        entry["note"] = "no ok run of %s %s: ratios and deltas skipped" % (
            reference, "on either side" if not in_real and not in_replay
            else "among the real runs" if not in_real else "among the replays")
    return entry


def agreement(doc, reference=REFERENCE_ALLOCATOR):
    """Per real program recorded and replayed, whether the replay ranks the allocators as the
    real program does: [{"program", "real": {"script"|"module", "args"}, "replay": {"file",
    "collector"}, "reference", "allocators", "kendall_tau", "note"?, "rows": [{"allocator",
    "real_reps", "replay_reps", "real_wall_s", "replay_wall_s", "real_rss_bytes",
    "replay_rss_bytes", "real_time_ratio", "replay_time_ratio", "real_rss_ratio",
    "replay_rss_ratio", "real_delta_s", "replay_delta_s", "delta_ratio", "sign_agrees",
    "real_rank", "replay_rank"}]}]: the programs of `pymembench report agreement --json`
    (results/agreement_table.h has the same rules), [] when no program has both sides.

    A real side is the ok runs (with a wall time) of workload `python` under collector `gen` (the
    interpreter's own; rc's are another question) of one program with one `args`; its replay
    side the ok runs of workload `trace` whose file is of that program, under gen when replays ran
    under several collectors. Rows are the allocators with runs on both sides, in order of first
    appearance; medians over repetitions; X_time_ratio = X_wall_s / the reference's, X_delta_s =
    X_wall_s - the reference's (None without a reference run on both sides, and then a `note`);
    sign_agrees: both sides slower, or both faster, than the reference (None within SIGN_NOISE of
    it); rank 1 + the allocators strictly faster on that side; kendall_tau is tau-b of the two
    sides' times."""
    ok = [r for r in ok_runs(doc) if has(r, lambda r: r["wall_s"]) and program_name(r)]
    replay_collector = {}
    for r in ok:
        if r["workload"] == "trace":
            program = program_name(r)
            if program not in replay_collector or r["collector"] == "gen":
                replay_collector[program] = r["collector"]
    reals, replays = [], []
    for r in ok:
        params = r.get("params") or {}
        if r["workload"] == "python" and r["collector"] == "gen":
            args = str(params.get("args") or "")
            source = {"script": params["script"]} if params.get("script") else {"module": params["module"]}
            source["args"] = args
            _side_for(reals, program_name(r), args, source).add(r)
        elif r["workload"] == "trace" and r["collector"] == replay_collector[program_name(r)]:
            _side_for(replays, program_name(r), "", {"file": params["file"], "collector": r["collector"]}).add(r)
    out = []
    for real in reals:
        for replay in replays:
            if replay.program == real.program:
                out.append(_agreement_entry(real, replay, reference))
    return out
