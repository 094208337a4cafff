"""Heat maps of a threshold over two varied inputs, one panel per combination of the others."""

from __future__ import annotations

import itertools
import math
import textwrap
from dataclasses import dataclass
from typing import NamedTuple

import matplotlib.pyplot as plt
import numpy as np

from ..scenarios import Scenario, fmt_number, title_of
from . import style
from .facets import distinct, facet_label, values_of

MAX_HEATMAP_PANELS = 16
MAX_HEATMAP_PAIRS = 3
MAX_COLUMNS = 4
CELL_IN = 0.55

METRIC_LABELS = {"largest_feasible_flop": "log10 largest feasible compute (FLOP)",
                 "linear_scaling_ends_flop": "log10 compute, linear scaling ends (FLOP)"}


def heatmap_pairs(varied: list[str]) -> list[tuple[str, str]]:
    """Pairs of varied inputs besides hardware, experts and the file (which facet the maps)."""
    candidates = [k for k in varied if k not in ("hardware", "experts", "file")]
    return list(itertools.combinations(candidates, 2))[:MAX_HEATMAP_PAIRS]


class Grid(NamedTuple):
    facet: tuple              # values of the facet keys
    example: Scenario         # one scenario of the facet (for its names and profile)
    z: np.ndarray             # log10 of the metric, [b value, a value]; NaN: none
    bound: np.ndarray         # the wall lies beyond the swept widths: z is a lower bound


@dataclass
class HeatmapGrids:
    facet_keys: list[str]
    omitted: int              # facets not drawn (beyond max_panels)
    xs: list                  # values of a (across)
    ys: list                  # values of b (up)
    grids: list[Grid]
    vmin: float
    vmax: float

    @property
    def mid(self) -> float:
        return (self.vmin + self.vmax) / 2


def facet_keys_of(varied: list[str], a: str, b: str) -> list[str]:
    keys = [k for k in varied if k not in (a, b)]
    if "hardware" in keys:
        keys.remove("hardware")
        keys.insert(0, "hardware")
    return keys


def heatmap_grids(scenarios: list[Scenario], varied: list[str], a: str, b: str, metric: str,
                  max_panels: int = MAX_HEATMAP_PANELS) -> HeatmapGrids:
    """log10 of `metric` per (a, b) cell, one grid per combination of the other varied inputs."""
    facet_keys = facet_keys_of(varied, a, b)
    facets = distinct(scenarios, facet_keys) if facet_keys else [()]
    xs = [t[0] for t in distinct(scenarios, [a])]
    ys = [t[0] for t in distinct(scenarios, [b])]
    by_facet: dict[tuple, list[Scenario]] = {}
    for s in scenarios:
        by_facet.setdefault(values_of(s, facet_keys), []).append(s)
    grids = [_grid(t, by_facet[t], a, b, xs, ys, metric) for t in facets[:max_panels]]
    finite = np.concatenate([g.z[np.isfinite(g.z)] for g in grids]) if grids else np.array([])
    vmin, vmax = (finite.min(), finite.max()) if finite.size else (24.0, 32.0)
    if vmax - vmin < 0.5:
        vmin, vmax = vmin - 0.25, vmax + 0.25
    return HeatmapGrids(facet_keys, max(0, len(facets) - max_panels), xs, ys, grids, float(vmin), float(vmax))


def _grid(facet: tuple, members: list[Scenario], a: str, b: str, xs: list, ys: list, metric: str) -> Grid:
    z = np.full((len(ys), len(xs)), np.nan)
    bound = np.zeros((len(ys), len(xs)), dtype=bool)
    for s in members:
        v = getattr(s, metric)
        at = ys.index(s.params.get(b)), xs.index(s.params.get(a))
        z[at] = math.log10(v) if v else np.nan
        bound[at] = metric == "largest_feasible_flop" and v is not None and not s.hit_wall
    return Grid(facet, members[-1], z, bound)


@dataclass
class HeatmapGeometry:
    nrows: int
    ncols: int
    axes_w: float
    gap: float                # room left of each panel for its y tick labels and y label
    side: float               # margin that centres a narrow grid
    fig_w: float
    fig_h: float
    head: float
    title_lines: list[str]


def heatmap_geometry(hg: HeatmapGrids, title: str) -> HeatmapGeometry:
    ncols = min(len(hg.grids), MAX_COLUMNS)
    nrows = math.ceil(len(hg.grids) / ncols)
    gap = 0.065 * max([len(fmt_number(v)) for v in hg.ys] + [4]) + 0.55
    axes_w = max(1.4, CELL_IN * len(hg.xs))
    panel_h = max(2.2, CELL_IN * len(hg.ys) + 1.1)
    fig_w = max(7.5, gap * ncols + axes_w * ncols + 1.6)
    title_lines = textwrap.wrap(title, width=int(fig_w * 11))
    head = 0.35 + 0.2 * (len(title_lines) + 1)
    fig_h = panel_h * nrows + head + 0.75
    side = (fig_w - (gap + axes_w) * ncols - 1.6) / 2
    return HeatmapGeometry(nrows, ncols, axes_w, gap, side, fig_w, fig_h, head, title_lines)


def heatmap_figure(scenarios: list[Scenario], varied: list[str], a: str, b: str, metric: str, title: str):
    hg = heatmap_grids(scenarios, varied, a, b, metric)
    g = heatmap_geometry(hg, title)
    fig, axs = plt.subplots(g.nrows, g.ncols, figsize=(g.fig_w, g.fig_h), squeeze=False)
    fig.subplots_adjust(left=(g.gap + g.side) / g.fig_w, right=1 - (1.6 + g.side) / g.fig_w,
                        bottom=0.75 / g.fig_h, top=1 - g.head / g.fig_h, wspace=g.gap / g.axes_w, hspace=0.55)
    cmap = style.threshold_cmap()
    image = None
    for idx, ax in enumerate(axs.flat):
        if idx >= len(hg.grids):
            ax.axis("off")
            continue
        grid = hg.grids[idx]
        image = ax.imshow(grid.z, origin="lower", cmap=cmap, vmin=hg.vmin, vmax=hg.vmax, aspect="auto")
        style.cell_ticks(ax, hg.xs, hg.ys)
        ax.set_xlabel(title_of(a))
        ax.set_ylabel(title_of(b))
        ax.set_title(facet_label(grid.example, hg.facet_keys), fontsize=8)
        style.write_cells(ax, style.threshold_texts(grid.z, grid.bound), style.contrast_colors(grid.z, hg.mid))
    if image is not None:
        cax = fig.add_axes([1 - (1.35 + g.side) / g.fig_w, 0.75 / g.fig_h, 0.16 / g.fig_w,
                            1 - (g.head + 0.75) / g.fig_h])
        cax.grid(False)
        fig.colorbar(image, cax=cax, label=METRIC_LABELS[metric])
    fig.suptitle("\n".join(g.title_lines + [heatmap_note(hg, metric)]), fontsize=10, y=1 - 0.12 / g.fig_h, va="top")
    return fig


def heatmap_note(hg: HeatmapGrids, metric: str) -> str:
    if metric == "linear_scaling_ends_flop":
        note = "grey '–': not reached within the swept widths"
    else:
        note = "grey '–': no feasible run"
        if any(g.bound.any() for g in hg.grids):
            note += "; '≥': the widest swept model is still feasible (the wall lies beyond)"
    if hg.omitted:
        note += f"; {hg.omitted} more panels not shown"
    return note
