"""Small multiples: one panel per scenario against training compute, with bands stacked to 1
(the parallelism and run-time breakdown figures)."""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass
from typing import Callable, NamedTuple

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Patch

from ..scenarios import Scenario
from . import style

MAX_PANELS = 60


class Band(NamedTuple):
    key: str
    label: str
    color: str


def panel_grid(scenarios: list[Scenario], varied: list[str]) -> tuple[int, int]:
    """(rows, columns): a column per scenario of one hardware when each hardware has the same
    handful (2 to 8), else up to 6 per row."""
    n = len(scenarios)
    per_hw: dict[tuple, list] = {}
    for s in scenarios:
        per_hw.setdefault((s.file_index, s.params.get("hardware")), []).append(s)
    sizes = {len(v) for v in per_hw.values()}
    if len(sizes) == 1 and 2 <= next(iter(sizes)) <= 8 and len(per_hw) > 1:
        ncols = next(iter(sizes))
    else:
        ncols = min(6, n)
    return math.ceil(n / ncols), ncols


def panel_title(s: Scenario, varied: list[str], width: int = 200) -> str:
    """Hardware on the first line, the other varied inputs wrapped to `width` characters below."""
    rest = [k for k in varied if k != "hardware"]
    second = s.label(rest) if rest else ""
    lines = [s.hardware_name] + (textwrap.wrap(second, width=width, break_long_words=False) if second else [])
    return "\n".join(lines)


@dataclass
class PanelGeometry:
    """Sizes in inches: panels, the gap under each (its title), the head (title and legend)."""
    nrows: int
    ncols: int
    axes_h: float
    gap: float
    fig_w: float
    fig_h: float
    head: float
    legend_cols: int
    titles: list[str]


def panel_geometry(shown: list[Scenario], varied: list[str], legend_items: int) -> PanelGeometry:
    nrows, ncols = panel_grid(shown, varied)
    panel_w, panel_h = (2.7, 2.05) if ncols > 2 else (3.4, 2.5)
    titles = [panel_title(s, varied, width=int(panel_w * 18)) for s in shown]
    extra = max([t.count("\n") + 1 for t in titles] + [2]) - 2  # title lines beyond two
    axes_h = panel_h / 1.42
    gap = 0.42 * axes_h + 0.13 * extra
    fig_w = max(7.0, panel_w * ncols + 0.8)
    legend_cols = min(legend_items, max(1, int(fig_w / 2.3)))
    head = 0.75 + 0.22 * math.ceil(legend_items / legend_cols) + 0.13 * extra
    fig_h = (axes_h + gap) * nrows + head + 0.6
    return PanelGeometry(nrows, ncols, axes_h, gap, fig_w, fig_h, head, legend_cols, titles)


def stacked_panels(scenarios: list[Scenario], varied: list[str], title: str, bands: list[Band],
                   values: Callable, ylabel: str):
    """A panel per scenario (the first MAX_PANELS) of `values(frontier)` (band key -> array),
    stacked against compute."""
    shown = scenarios[:MAX_PANELS]
    g = panel_geometry(shown, varied, len(bands))
    fig, axs = plt.subplots(g.nrows, g.ncols, figsize=(g.fig_w, g.fig_h), sharex=True, sharey=True, squeeze=False)
    fig.subplots_adjust(left=0.6 / g.fig_w, right=1 - 0.15 / g.fig_w, bottom=0.55 / g.fig_h,
                        top=1 - (g.head + 0.15) / g.fig_h, wspace=0.08, hspace=g.gap / g.axes_h)
    xlim = style.log_limits([c for s in shown for c in s.frontier["compute_flop"]])
    for idx, ax in enumerate(axs.flat):
        if idx >= len(shown):
            ax.axis("off")
            continue
        _panel(ax, shown[idx], g.titles[idx], xlim, bands, values)
        r, c = divmod(idx, g.ncols)
        if c == 0:
            ax.set_ylabel(ylabel, fontsize=8)
        if r == g.nrows - 1 or idx + g.ncols >= len(shown):
            ax.set_xlabel("compute (FLOP)", fontsize=8)
            ax.tick_params(labelbottom=True)
    fig.legend([Patch(color=b.color) for b in bands], [b.label for b in bands], loc="upper center",
               ncol=g.legend_cols, bbox_to_anchor=(0.5, 1 - 0.42 / g.fig_h), frameon=False, fontsize=8)
    note = f" (first {MAX_PANELS} of {len(scenarios)} scenarios)" if len(scenarios) > MAX_PANELS else ""
    fig.suptitle(title + note, fontsize=11, y=1 - 0.12 / g.fig_h, va="top")
    return fig


def _panel(ax, s: Scenario, heading: str, xlim, bands: list[Band], values: Callable) -> None:
    ax.set_xscale("log")
    ax.set_xlim(*xlim)
    ax.set_ylim(0, 1)
    ax.set_title(heading, fontsize=7.5)
    ax.tick_params(labelsize=7)
    if s.frontier.empty:
        ax.text(0.5, 0.5, "no feasible rows", ha="center", va="center", transform=ax.transAxes, fontsize=8)
        return
    v = values(s.frontier)
    ax.stackplot(s.frontier["compute_flop"].to_numpy(float), *[np.nan_to_num(v[b.key]) for b in bands],
                 colors=[b.color for b in bands], linewidth=0)
