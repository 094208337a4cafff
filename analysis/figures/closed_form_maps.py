"""Heat maps over batch exponent x depth exponent beside the paper's closed forms (MODEL.md
section 10): per facet a row of three panels, the simulated threshold with contours of the closed
form, the closed form per cell, and simulated - closed form in decades."""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass
from typing import NamedTuple, Optional

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle

from .. import closedforms
from ..scenarios import Scenario, title_of
from . import style
from .facets import facet_label
from .heatmaps import METRIC_LABELS, Grid, HeatmapGrids, heatmap_grids

CLOSED_FORM_PAIR = {"batch_exponent", "depth_exponent"}
MAX_CLOSED_FORM_FACETS = 4
CONTOUR_SAMPLES = 121


class ClosedFormInputs(NamedTuple):
    node: closedforms.Node
    months: float
    b0: float                 # tokens at T0
    l0: float                 # layers at T0


def closed_form_inputs(s: Scenario) -> Optional[ClosedFormInputs]:
    """The closed forms' inputs for a scenario, or None where they do not apply (not dense, not a
    power-law batch, no numeric depth exponent, no readable profile)."""
    if s.params.get("experts") != "dense" or s.params.get("batch") != "power":
        return None
    if not isinstance(s.params.get("depth_exponent"), (int, float)) or \
            not isinstance(s.params.get("batch_exponent"), (int, float)):
        return None
    text = s.file.profile_text(s.params.get("hardware", ""))
    if not text:
        return None
    try:
        node = closedforms.node_from_profile(text)
    except ValueError:
        return None
    months = s.params.get("run_months") or 3.0
    b0 = closedforms.B0_TOKENS * (s.params.get("batch_multiplier") or 1.0)
    l0 = closedforms.L0_LAYERS * (s.params.get("depth_multiplier") or 1.0)
    return ClosedFormInputs(node, float(months), b0, l0)


def closed_form_applies(scenarios: list[Scenario], a: str, b: str) -> bool:
    """The pair is (batch exponent, depth exponent) and every scenario has closed-form inputs."""
    return {a, b} == CLOSED_FORM_PAIR and bool(scenarios) and all(closed_form_inputs(s) for s in scenarios)


def closed_form_value(inputs: ClosedFormInputs, g: float, e: float, metric: str) -> float:
    return closedforms.for_metric(metric, closedforms.alpha_of(g, e), inputs.node, inputs.months, b0=inputs.b0,
                                  l0=inputs.l0)


def compute_grid_step(rf) -> float | None:
    """Decades between the compute targets of a sweep whose widths are compute targets ('C=1e+24'
    labels of /axes/width), or None."""
    values = []
    for lab in rf.axis_labels.get("width", []):
        if not lab.startswith("C="):
            return None
        try:
            values.append(float(lab[2:]))
        except ValueError:
            return None
    if len(values) < 2:
        return None
    return float(np.median(np.diff(np.log10(sorted(values)))))


@dataclass
class ClosedFormGrid:
    grid: Grid
    inputs: ClosedFormInputs
    closed: np.ndarray        # log10 of the closed form per cell (NaN: infinite)
    alpha: np.ndarray

    @property
    def difference(self) -> np.ndarray:
        return self.grid.z - self.closed


def exponents(a: str, x, y):
    """(batch exponent g, depth exponent e) of a cell whose a-value is x and b-value is y."""
    return (x, y) if a == "batch_exponent" else (y, x)


def closed_form_grids(hg: HeatmapGrids, a: str, metric: str) -> list[ClosedFormGrid]:
    out = []
    for grid in hg.grids:
        inputs = closed_form_inputs(grid.example)
        closed = np.full(grid.z.shape, np.nan)
        alpha = np.full(grid.z.shape, np.nan)
        for (yi, xi), _ in np.ndenumerate(grid.z):
            g, e = exponents(a, hg.xs[xi], hg.ys[yi])
            alpha[yi, xi] = closedforms.alpha_of(g, e)
            v = closed_form_value(inputs, g, e, metric)
            closed[yi, xi] = math.log10(v) if np.isfinite(v) and v > 0 else np.nan
        out.append(ClosedFormGrid(grid, inputs, closed, alpha))
    return out


def closed_form_cells(scenarios: list[Scenario], varied: list[str], a: str, b: str, metric: str):
    """Per drawn cell: (log10 simulated, log10 closed form, lower bound?) as three flat arrays."""
    hg = heatmap_grids(scenarios, varied, a, b, metric, max_panels=MAX_CLOSED_FORM_FACETS)
    grids = closed_form_grids(hg, a, metric)
    if not grids:
        return np.array([], dtype=float), np.array([], dtype=float), np.array([], dtype=bool)
    return (np.concatenate([c.grid.z.ravel() for c in grids]), np.concatenate([c.closed.ravel() for c in grids]),
            np.concatenate([c.grid.bound.ravel() for c in grids]))


class ColourRanges(NamedTuple):
    extend: str               # of the threshold colour bar: closed forms beyond the simulated range
    dlim: float               # the difference map spans -dlim..dlim decades


def colour_ranges(grids: list[ClosedFormGrid], vmin: float, vmax: float) -> ColourRanges:
    closed = np.concatenate([c.closed[np.isfinite(c.closed)] for c in grids])
    low, high = (closed.min() < vmin, closed.max() > vmax) if closed.size else (False, False)
    extend = "both" if low and high else "min" if low else "max" if high else "neither"
    # Cells with a real threshold only: a lower bound is not compared.
    diffs = np.concatenate([c.difference[np.isfinite(c.difference) & ~c.grid.bound] for c in grids])
    dlim = max(1.0, math.ceil(float(np.abs(diffs).max()) * 2) / 2) if diffs.size else 1.0
    return ColourRanges(extend, min(dlim, 4.0))


@dataclass
class ClosedFormGeometry:
    """Inches: three panels per row (simulated, closed form + colour bar, difference + colour bar)."""
    panel_w: float
    panel_h: float
    row_h: float
    head: float
    fig_w: float
    fig_h: float
    title_lines: list[str]
    x_sim: float
    x_closed: float
    x_bar: float
    x_diff: float
    x_diff_bar: float
    bar_w: float = 0.16

    def box(self, x0: float, row: int) -> list[float]:
        y0 = self.fig_h - self.head - row * self.row_h - self.panel_h
        return [x0 / self.fig_w, y0 / self.fig_h, self.panel_w / self.fig_w, self.panel_h / self.fig_h]

    def bar_box(self, x0: float, rows: int) -> list[float]:
        y0 = (self.fig_h - self.head - rows * self.row_h + (self.row_h - self.panel_h)) / self.fig_h
        height = (rows * self.row_h - (self.row_h - self.panel_h)) / self.fig_h
        return [x0 / self.fig_w, y0, self.bar_w / self.fig_w, height]


def closed_form_geometry(nx: int, ny: int, rows: int, title: str) -> ClosedFormGeometry:
    panel_w, panel_h = max(2.4, 0.68 * nx), max(2.0, 0.55 * ny)
    margin_l, gap, bar_gap, bar_w, bar_label = 1.0, 0.75, 0.12, 0.16, 1.45
    x_closed = margin_l + panel_w + gap
    x_bar = x_closed + panel_w + bar_gap
    x_diff = x_bar + bar_w + bar_label
    x_diff_bar = x_diff + panel_w + bar_gap
    fig_w = x_diff_bar + bar_w + 0.75
    title_lines = textwrap.wrap(title, width=int(fig_w * 10))
    head = 0.75 + 0.2 * len(title_lines)
    row_h = panel_h + 0.95
    fig_h = head + row_h * rows + 0.6
    return ClosedFormGeometry(panel_w, panel_h, row_h, head, fig_w, fig_h, title_lines, margin_l, x_closed, x_bar,
                              x_diff, x_diff_bar, bar_w)


def heatmap_closed_form_figure(scenarios: list[Scenario], varied: list[str], a: str, b: str, metric: str,
                               title: str):
    hg = heatmap_grids(scenarios, varied, a, b, metric, max_panels=MAX_CLOSED_FORM_FACETS)
    grids = closed_form_grids(hg, a, metric)
    ranges = colour_ranges(grids, hg.vmin, hg.vmax)
    geo = closed_form_geometry(len(hg.xs), len(hg.ys), len(grids), title)
    fig = plt.figure(figsize=(geo.fig_w, geo.fig_h))
    for r, cg in enumerate(grids):
        axes = _row_axes(fig, geo, r, hg, a, b, _headings(cg, hg, metric))
        image, dimage = _draw_row(axes, cg, hg, ranges.dlim)
        _contours(axes[0], cg.inputs, hg, a, metric)
        if r == 0:
            _colour_bars(fig, geo, len(grids), (image, dimage), metric, ranges.extend)
    fig.suptitle("\n".join(geo.title_lines), fontsize=10.5, y=1 - 0.12 / geo.fig_h, va="top")
    fig.text(0.01, 0.08 / geo.fig_h, "\n".join(footnotes(grids[0], metric)), fontsize=7.5, color="0.2",
             va="bottom")
    if hg.omitted:
        fig.text(0.99, 0.1 / geo.fig_h, f"{hg.omitted} more panels not shown", fontsize=7, ha="right", va="bottom")
    return fig


def _headings(cg: ClosedFormGrid, hg: HeatmapGrids, metric: str) -> list[str]:
    facet = facet_label(cg.grid.example, hg.facet_keys)
    return [f"simulated ({facet})\nlines: closed form, log10 FLOP",
            f"closed form: {closedforms.METRIC_FORMS[metric]}\n(MODEL.md §10; small: α per cell)",
            "simulated − closed form (decades); blue: simulated lower, red: higher"
            + ("\nhatched ≥: the wall lies beyond the sweep" if cg.grid.bound.any() else "")]


def _row_axes(fig, geo: ClosedFormGeometry, r: int, hg: HeatmapGrids, a: str, b: str, headings: list[str]):
    axes = []
    for x0, heading in zip((geo.x_sim, geo.x_closed, geo.x_diff), headings):
        ax = fig.add_axes(geo.box(x0, r))
        style.cell_ticks(ax, hg.xs, hg.ys)
        ax.set_xlabel(title_of(a))
        if x0 == geo.x_sim:
            ax.set_ylabel(title_of(b))
        ax.set_title(heading, fontsize=8)
        axes.append(ax)
    return axes


def _draw_row(axes, cg: ClosedFormGrid, hg: HeatmapGrids, dlim: float):
    ax_sim, ax_closed, ax_diff = axes
    z, bound = cg.grid.z, cg.grid.bound
    cmap = style.threshold_cmap()
    image = ax_sim.imshow(z, origin="lower", cmap=cmap, vmin=hg.vmin, vmax=hg.vmax, aspect="auto")
    ax_closed.imshow(cg.closed, origin="lower", cmap=cmap, vmin=hg.vmin, vmax=hg.vmax, aspect="auto")
    d = cg.difference
    dimage = ax_diff.imshow(np.where(bound, np.nan, d), origin="lower", cmap=style.difference_cmap(), vmin=-dlim,
                            vmax=dlim, aspect="auto")
    for yi, xi in zip(*np.nonzero(bound)):
        ax_diff.add_patch(Rectangle((xi - 0.5, yi - 0.5), 1, 1, fill=False, hatch="///", edgecolor="0.6",
                                    linewidth=0))
    style.write_cells(ax_sim, style.threshold_texts(z, bound), style.contrast_colors(z, hg.mid))
    closed_colors = style.contrast_colors(cg.closed, hg.mid)
    closed_texts = np.vectorize(lambda c: f"{c:.1f}" if np.isfinite(c) else "∞", otypes=[object])(cg.closed)
    style.write_cells(ax_closed, closed_texts, closed_colors, dy=0.1)
    alpha_texts = np.vectorize(lambda x: f"α={x:+.2f}", otypes=[object])(cg.alpha)
    style.write_cells(ax_closed, alpha_texts, closed_colors, dy=-0.26, fontsize=5.5)
    _difference_cells(ax_diff, d, bound, dlim)
    return image, dimage


def _difference_cells(ax, d: np.ndarray, bound: np.ndarray, dlim: float) -> None:
    """'+0.3' per cell ('≥' and a grey box where the wall is only a lower bound); white text on the
    strongest colours."""
    texts = np.empty(d.shape, dtype=object)
    colors = np.empty(d.shape, dtype=object)
    boxes = np.empty(d.shape, dtype=object)
    for at, v in np.ndenumerate(d):
        text = ("≥" if bound[at] else "") + f"{v:+.1f}" if np.isfinite(v) else "–"
        texts[at] = text.replace("-", "−")
        colors[at] = "white" if np.isfinite(v) and not bound[at] and abs(v) > 0.6 * dlim else "black"
        boxes[at] = dict(boxstyle="round,pad=0.12", facecolor=style.MISSING_COLOR, linewidth=0) if bound[at] else None
    style.write_cells(ax, texts, colors, boxes=boxes)


def _contours(ax, inputs: ClosedFormInputs, hg: HeatmapGrids, a: str, metric: str) -> None:
    """Whole decades of the closed form, dashed over the simulated map (in cell coordinates)."""
    nx, ny = len(hg.xs), len(hg.ys)
    fine_x = np.linspace(0, nx - 1, CONTOUR_SAMPLES)
    fine_y = np.linspace(0, ny - 1, CONTOUR_SAMPLES)
    gx, gy = np.meshgrid(np.interp(fine_x, range(nx), hg.xs), np.interp(fine_y, range(ny), hg.ys))
    g, e = exponents(a, gx, gy)
    vals = np.vectorize(lambda gg, ee: closed_form_value(inputs, gg, ee, metric))(g, e)
    with np.errstate(divide="ignore", invalid="ignore"):
        lv = np.where(np.isfinite(vals) & (vals > 0), np.log10(vals), np.nan)
    levels = np.arange(math.ceil(hg.vmin), math.floor(hg.vmax) + 1)
    if np.isfinite(lv).any():
        levels = levels[(levels > np.nanmin(lv)) & (levels < np.nanmax(lv))]
    else:
        levels = levels[:0]
    if not levels.size:
        return
    cs = ax.contour(fine_x, fine_y, lv, levels=levels, colors="white", linewidths=1.1, linestyles="--")
    for coll in getattr(cs, "collections", [cs]):
        coll.set_path_effects(style.outlined())
    for label in ax.clabel(cs, fmt=lambda v: f"{v:.0f}", fontsize=6.5, inline=True, inline_spacing=2):
        label.set_path_effects(style.outlined())
        label.set_color("white")


def _colour_bars(fig, geo: ClosedFormGeometry, rows: int, images, metric: str, extend: str) -> None:
    image, dimage = images
    cax = fig.add_axes(geo.bar_box(geo.x_bar, rows))
    cax.grid(False)
    fig.colorbar(image, cax=cax, label=METRIC_LABELS[metric], extend=extend)
    dax = fig.add_axes(geo.bar_box(geo.x_diff_bar, rows))
    dax.grid(False)
    fig.colorbar(dimage, cax=dax, label="decades (simulated − closed form)", extend="both")


def footnotes(first: ClosedFormGrid, metric: str) -> list[str]:
    """The formula with the first facet's numbers, the exponents, and how far the sweep's compute
    grid lets the simulated threshold read off."""
    node, months, b0, l0 = first.inputs
    if metric == "largest_feasible_flop":
        formula = "latency limit (MAC) = [(3/320)·((b0/L0)·T0^−α·t/τ)²]^(1/(1−2α)), τ = 9 µs"
    else:
        formula = ("critical compute (MAC) = [(1/960)·((b0/L0)·T0^−α·Rn·t/(a²·n))²]^(1/(1−2α)); "
                   f"{node.name}: Rn = {node.rn:.3g} MAC/s per 8-GPU node, n = {node.nanobatch:.0f}, "
                   f"a = {node.shard:.0f} (one-way = half the HBM and the bidirectional scale-out figures)")
    lines = [formula,
             f"α = batch exponent g − e/(2(1+e)) for depth exponent e (L ∝ (d·f)^e, C ∝ (d·f·L)²); "
             f"b0 = {b0:.3g} tokens, L0 = {l0:g} layers at T0 = 3e23 FLOP (1.5e23 MAC), t = {months:g} months; "
             "FLOP = 2 MAC."]
    step = compute_grid_step(first.grid.example.file)
    if step and metric == "largest_feasible_flop":
        lines.append(f"Simulated: the largest feasible swept compute target; targets are {step:.2g} decades "
                     f"apart, so the simulated wall reads up to {step:.2g} decades low.")
    elif step:
        lines.append(f"Simulated: the first swept compute target with utilization ≤ 0.8 × cap; targets are "
                     f"{step:.2g} decades apart, so it reads up to {step:.2g} decades high.")
    return lines
