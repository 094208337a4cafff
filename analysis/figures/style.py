"""The report's look, shared by every figure family: matplotlib settings (Agg backend), markers,
colours, and the small drawing helpers (threshold markers, heat-map cells, colour maps)."""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib import patheffects  # noqa: E402

from ..scenarios import fmt_number  # noqa: E402

plt.rcParams.update({
    "font.size": 9,
    "axes.titlesize": 9,
    "axes.labelsize": 9,
    "legend.fontsize": 8,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "grid.linewidth": 0.5,
    "svg.fonttype": "none",
})

LINESTYLES = ["-", "--", ":", "-."]
REPEAT_DASHES = (0, (3, 3))            # a frontier drawn over an identical one
CAP_LINE = dict(color="0.55", linewidth=0.8, linestyle=(0, (1, 2)))
MISSING_COLOR = "0.88"                 # heat-map cells without a value

# Threshold markers on a frontier line.
LINEAR_MARKER = dict(marker="o", markersize=7, markerfacecolor="white", markeredgewidth=1.6, linestyle="none",
                     zorder=4)
WALL_MARKER = dict(marker="X", markersize=8, markeredgecolor="black", markeredgewidth=0.6, linestyle="none",
                   zorder=5)
END_MARKER = dict(marker=">", markersize=7, markerfacecolor="white", markeredgewidth=1.4, linestyle="none",
                  zorder=4)

# The two thresholds, where a figure gives each its own colour (sensitivity bars).
WALL_COLOR = "#c44e52"
LINEAR_COLOR = "#4c72b0"


def palette(n: int) -> list:
    """n distinct colours for categories."""
    if n <= 10:
        return [plt.get_cmap("tab10")(i) for i in range(n)]
    if n <= 20:
        return [plt.get_cmap("tab20")(i) for i in range(n)]
    cmap = plt.get_cmap("turbo")
    return [cmap(0.05 + 0.9 * i / (n - 1)) for i in range(n)]


def ordered_colors(n: int) -> list:
    """n colours for ordered numbers (n >= 2), dark to light."""
    cmap = plt.get_cmap("plasma")
    return [cmap(0.05 + 0.8 * i / (n - 1)) for i in range(n)]


def threshold_cmap():
    """Heat maps of log10 thresholds; cells without a value in light grey."""
    return _with_missing("viridis")


def difference_cmap():
    """Heat maps of signed differences (blue below, red above)."""
    return _with_missing("RdBu_r")


def _with_missing(name: str):
    cmap = plt.get_cmap(name).copy()
    cmap.set_bad(MISSING_COLOR)
    return cmap


def log_limits(values) -> tuple[float, float]:
    """Whole-decade axis limits around the positive finite values (1e23..1e33 when none)."""
    v = np.asarray([x for x in values if x is not None and np.isfinite(x) and x > 0], dtype=float)
    if v.size == 0:
        return 1e23, 1e33
    lo, hi = math.floor(math.log10(v.min()) - 0.15), math.ceil(math.log10(v.max()) + 0.15)
    return 10.0 ** lo, 10.0 ** hi


def legend_axes(fig, gs_cell):
    ax = fig.add_subplot(gs_cell)
    ax.axis("off")
    return ax


def outlined(color: str = "white") -> list:
    """A contrasting outline that keeps text or lines readable over any colour."""
    return [patheffects.withStroke(linewidth=2.2, foreground="black" if color == "white" else "white")]


def cell_ticks(ax, xs: list, ys: list) -> None:
    """Tick labels of a heat map: one per cell, slanted when the row is long."""
    ax.grid(False)
    ax.set_xticks(range(len(xs)), [fmt_number(v) for v in xs], rotation=45 if len(xs) > 6 else 0)
    ax.set_yticks(range(len(ys)), [fmt_number(v) for v in ys])


def threshold_texts(z: np.ndarray, bound: np.ndarray) -> np.ndarray:
    """Cell texts of log10 thresholds: '31.4', '≥36.0' for a lower bound, '–' for none."""
    out = np.empty(z.shape, dtype=object)
    for at, v in np.ndenumerate(z):
        out[at] = ("≥" if bound[at] else "") + f"{v:.1f}" if np.isfinite(v) else "–"
    return out


def contrast_colors(z: np.ndarray, mid: float) -> np.ndarray:
    """White text on the dark half of the colour scale, black elsewhere and on missing cells."""
    out = np.empty(z.shape, dtype=object)
    for at, v in np.ndenumerate(z):
        out[at] = "white" if np.isfinite(v) and v < mid else "black"
    return out


def write_cells(ax, texts: np.ndarray, colors: np.ndarray, dy: float = 0.0, fontsize: float = 7,
                boxes: np.ndarray | None = None) -> None:
    """One text per heat-map cell, centred (dy: offset in cells, upwards)."""
    for (yi, xi), text in np.ndenumerate(texts):
        ax.text(xi, yi + dy, text, ha="center", va="center", fontsize=fontsize, color=colors[yi, xi],
                bbox=boxes[yi, xi] if boxes is not None else None)


def save(fig, path: str, dpi: int = 110) -> None:
    fig.savefig(path, dpi=dpi)
    plt.close(fig)
