"""One look for every figure: a fixed colour per allocator (the same in every plot of every
report), a line style per collector, and the Agg backend (no display needed)."""
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend)

# Known backends first, in a stable order; others (preload:..., slow:...) get the next free colour.
_PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
            "#bcbd22", "#17becf"]
_KNOWN = ["system", "pool", "cpython", "mimalloc", "jemalloc", "tcmalloc"]
_COLLECTOR_STYLES = {"rc": "-", "gen": "--", "incremental": "-.", "marksweep": ":", "freethreaded": (0, (5, 1, 1, 1)),
                     "gen:version=3.13": (0, (8, 2)), "gen:version=3.12": (0, (4, 2, 1, 2, 1, 2))}
_COLLECTOR_HATCHES = {"rc": "", "gen": "//", "incremental": "..", "marksweep": "xx", "freethreaded": "++",
                      "gen:version=3.13": "\\\\"}
_COLLECTOR_MARKERS = {"rc": "o", "gen": "s", "incremental": "^", "marksweep": "D", "freethreaded": "P",
                      "gen:version=3.13": "v", "gen:version=3.12": "<"}

WARNING = "#d62728"
GOOD = "#2ca02c"
NEUTRAL = "#7f7f7f"


def allocator_colour(name, others=[]):
    base = name.split(":")[0]
    if base in _KNOWN:
        return _PALETTE[_KNOWN.index(base)]
    if name not in others:
        others.append(name)
    return _PALETTE[(len(_KNOWN) + others.index(name)) % len(_PALETTE)]


def _by_collector(table, name, fallback):
    """A collector spec's entry: its own (a preset such as gen:version=3.13), else its base name's."""
    return table.get(name, table.get(name.split(":")[0], fallback))


def collector_linestyle(name):
    return _by_collector(_COLLECTOR_STYLES, name, "-")


def collector_hatch(name):
    return _by_collector(_COLLECTOR_HATCHES, name, "")


def collector_marker(name):
    return _by_collector(_COLLECTOR_MARKERS, name, "o")


def new_figure(panels, width_per_panel=4.2, height=3.4, columns=4):
    """A figure with `panels` axes in a grid of at most `columns` columns; extra axes hidden."""
    cols = max(1, min(columns, panels))
    rows = (panels + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(width_per_panel * cols, height * rows), squeeze=False)
    flat = [ax for row in axes for ax in row]
    for ax in flat[panels:]:
        ax.set_visible(False)
    return fig, flat[:panels]


def mib(x):
    return x / (1 << 20)


def legend_outside(fig, ax, title=None):
    """One legend for the whole figure, right of the panels (many combinations would cover a
    panel's lines), from `ax`'s labelled artists; then the layout, leaving it room."""
    handles, labels = ax.get_legend_handles_labels()
    columns = 1 if len(labels) <= 24 else 2
    if handles:
        fig.legend(handles, labels, loc="center right", fontsize=6, ncol=columns, title=title)
    top = 1 - 0.45 / fig.get_figheight() if fig._suptitle is not None else 1  # room for the title
    fig.tight_layout(rect=(0, 0, 1 - 0.09 * columns if handles else 1, top))
