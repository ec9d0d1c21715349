"""Reading pymembench results files for plotting: validation with one-line errors, and the views
the figures need (successful runs, combinations, medians).

A results file is what `pymembench run` writes (schema pymembench-results/1); a comparison is what
`pymembench compare --json` prints. Both are validated before anything is drawn: a missing,
malformed or empty file raises ResultsError with one line naming what is wrong.
"""
import json
import statistics

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
        for key in ("allocator", "collector", "workload", "ops_per_s", "peak_rss_bytes"):
            if key not in run:
                raise ResultsError("'%s': run %d lacks \"%s\"" % (path, i, key))
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
    """"k=v k2=v2", a path by its file name (results/run_metrics.cpp's params_label)."""
    return " ".join("%s=%s" % (k, str(v).rsplit("/", 1)[-1]) for k, v in sorted((params or {}).items()))


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


def representative_run(runs):
    """The repetition whose throughput is the median one (the lower middle for even counts)."""
    ordered = sorted(runs, key=lambda r: r["ops_per_s"])
    return ordered[(len(ordered) - 1) // 2]
