"""Best achievable utilization against training compute: one line per scenario.

plan_utilization decides everything (panels, colours, line styles, which lines repeat another,
0.8 x cap lines, legend entries) without drawing; utilization_figure draws that plan.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass, field
from typing import NamedTuple, Optional

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.lines import Line2D

from ..scenarios import LINEAR_SCALING_FRACTION, Scenario, title_of
from . import style
from .facets import distinct, first_with, is_numeric, values_label, values_of

MAX_LINES = 200
MAX_LINES_PER_PANEL = 10
MAX_UTILIZATION_PANELS = 12
MAX_COLOR_LEGEND = 24
MAX_PANELS_PER_ROW = 4     # a single row of more panels wraps
PANEL_W, PANEL_H = 4.0, 3.0


@dataclass
class UtilizationLayout:
    col_keys: list[str]    # panels across
    row_keys: list[str]    # panels down
    color_keys: list[str]  # line colour
    style_keys: list[str]  # line style


class PanelGrid(NamedTuple):
    cols: list[tuple]      # values of col_keys, one per panel column
    rows: list[tuple]      # values of row_keys, one per panel row
    place: dict            # (row value index, column value index) -> (grid row, grid column)
    nrows: int
    ncols: int


class Line(NamedTuple):
    scenario: Scenario
    panel: tuple[int, int]          # (row value index, column value index)
    color: tuple
    linestyle: object
    repeats: Optional[Scenario]     # an identical frontier drawn before it in its panel (this one dashed)


class LegendEntry(NamedTuple):
    label: str
    handle: dict                    # Line2D keyword arguments


@dataclass
class UtilizationPlan:
    title: str
    layout: UtilizationLayout
    grid: PanelGrid
    headings: dict                  # panel -> title ('' for none)
    lines: list[Line]
    cap_lines: dict                 # panel -> 0.8 x its lines' one utilization cap
    identical: dict                 # panel -> number of lines, where they all coincide
    legend: list[LegendEntry]
    legend_width: float
    legend_title: Optional[str]
    xlim: tuple[float, float]
    ymax: float
    scenarios: list[Scenario] = field(default_factory=list)


def utilization_layout(scenarios: list[Scenario], varied: list[str]) -> UtilizationLayout:
    """Batch law across, experts down, hardware by colour; any other varied input by line
    style, and hardware moves into the panels when a panel would hold too many lines."""
    col_keys = ["batch"] if "batch" in varied else []
    row_keys = ["experts"] if "experts" in varied else []
    line_keys = [k for k in varied if k not in col_keys + row_keys]
    if "hardware" in line_keys:
        line_keys.remove("hardware")
        line_keys.insert(0, "hardware")
    while len(line_keys) >= 2 and len(distinct(scenarios, line_keys)) > MAX_LINES_PER_PANEL:
        k = line_keys[0]
        target = col_keys if not col_keys or (row_keys and len(col_keys) <= len(row_keys)) else row_keys
        panels = len(distinct(scenarios, col_keys + [k] if target is col_keys else col_keys)) * \
            len(distinct(scenarios, row_keys + [k] if target is row_keys else row_keys))
        if panels > MAX_UTILIZATION_PANELS:
            break
        target.append(line_keys.pop(0))
    color_keys = line_keys[:1]
    style_keys = line_keys[1:]
    if style_keys and len(distinct(scenarios, style_keys)) > len(style.LINESTYLES):
        color_keys, style_keys = line_keys, []
    return UtilizationLayout(col_keys, row_keys, color_keys, style_keys)


def panel_grid(cols: list[tuple], rows: list[tuple]) -> PanelGrid:
    """Panels rows x cols; a single row of more than MAX_PANELS_PER_ROW panels wraps onto several."""
    if len(rows) == 1 and len(cols) > MAX_PANELS_PER_ROW:
        ncols = math.ceil(len(cols) / math.ceil(len(cols) / MAX_PANELS_PER_ROW))
        nrows = math.ceil(len(cols) / ncols)
        place = {(0, j): divmod(j, ncols) for j in range(len(cols))}
    else:
        ncols, nrows = len(cols), len(rows)
        place = {(i, j): (i, j) for i in range(nrows) for j in range(ncols)}
    return PanelGrid(cols, rows, place, nrows, ncols)


def panel_of(s: Scenario, lay: UtilizationLayout, grid: PanelGrid) -> tuple[int, int]:
    return grid.rows.index(values_of(s, lay.row_keys)), grid.cols.index(values_of(s, lay.col_keys))


def line_looks(scenarios: list[Scenario], lay: UtilizationLayout) -> tuple[dict, dict]:
    """Colour per value of the colour keys (a scale for one numeric key), style per value of the
    style keys."""
    colors_of = distinct(scenarios, lay.color_keys)
    if is_numeric(colors_of) and len(colors_of) > 1:
        colors = style.ordered_colors(len(colors_of))
    else:
        colors = style.palette(len(colors_of))
    styles_of = distinct(scenarios, lay.style_keys)
    return (dict(zip(colors_of, colors)),
            {t: style.LINESTYLES[i % len(style.LINESTYLES)] for i, t in enumerate(styles_of)})


def plan_lines(scenarios, lay, grid, color, linestyle) -> tuple[list[Line], dict]:
    """One line per scenario with a frontier. A frontier identical to one already drawn in its panel
    (H200 SXM gives H100 SXM's, row for row) repeats it, where line styles mean nothing else.
    Also: panel -> line count, for panels whose lines all coincide."""
    lines, first_of, counts = [], {}, {}
    for s in scenarios:
        if s.frontier.empty:
            continue
        at = panel_of(s, lay, grid)
        f = s.frontier
        signature = f["compute_flop"].to_numpy(float).tobytes() + f["utilization"].to_numpy(float).tobytes()
        drawn = first_of.setdefault(at, {})
        counts[at] = counts.get(at, 0) + 1
        repeats = drawn.get(signature) if not lay.style_keys else None
        if repeats is None:
            drawn.setdefault(signature, s)
        lines.append(Line(s, at, color[values_of(s, lay.color_keys)], linestyle[values_of(s, lay.style_keys)],
                          repeats))
    identical = {at: n for at, n in counts.items() if n >= 2 and len(first_of[at]) == 1}
    return lines, identical


def cap_lines(scenarios, lay, grid) -> dict:
    """0.8 x the utilization cap, in each panel whose lines share one cap (when some line ends
    linear scaling at all)."""
    caps: dict[tuple, set] = {}
    for s in scenarios:
        caps.setdefault(panel_of(s, lay, grid), set()).add(s.cap)
    if not any(s.linear_scaling_ends_flop is not None for s in scenarios):
        return {}
    return {at: LINEAR_SCALING_FRACTION * next(iter(cs)) for at, cs in caps.items() if len(cs) == 1}


def panel_heading(scenarios, lay, rv: tuple, cv: tuple) -> str:
    keyed = ((lay.col_keys, cv), (lay.row_keys, rv))
    heading = [values_label(keys, t, first_with(scenarios, keys, t)) for keys, t in keyed if keys]
    if not heading:  # one panel: name what every line shares
        context = [k for k in ("hardware", "experts", "batch") if k not in lay.color_keys + lay.style_keys]
        heading = [scenarios[0].label(context)] if context else []
    return ", ".join(heading)


def line_legend(scenarios, lay, color, linestyle, lines) -> tuple[list[LegendEntry], float]:
    """Colour and line-style entries, and the legend's width (from these labels alone). A colour
    whose every line repeats another colour's says so."""
    entries = []
    colors_of = list(color)
    if len(colors_of) > MAX_COLOR_LEGEND:
        entries.append(LegendEntry(f"{len(colors_of)} colours: one per\n" +
                                   textwrap.fill(", ".join(title_of(k) for k in lay.color_keys), 34),
                                   dict(color="0.5", linewidth=1)))
    elif lay.color_keys:
        for t in colors_of:
            entries.append(LegendEntry(values_label(lay.color_keys, t, first_with(scenarios, lay.color_keys, t)),
                                       dict(color=color[t], linewidth=2)))
    for t in linestyle if lay.style_keys else []:
        entries.append(LegendEntry(values_label(lay.style_keys, t), dict(color="0.3", linestyle=linestyle[t],
                                                                         linewidth=1.4)))
    width = min(5.5, max(2.6, 0.062 * max([len(e.label) for e in entries] + [28]) + 0.9))
    if lay.color_keys and len(colors_of) <= MAX_COLOR_LEGEND:
        for i, t in enumerate(colors_of):
            repeated = {values_of(ln.repeats, lay.color_keys) if ln.repeats is not None else None
                        for ln in lines if values_of(ln.scenario, lay.color_keys) == t}
            if len(repeated) == 1 and None not in repeated:
                other = next(iter(repeated))
                label = values_label(lay.color_keys, other, first_with(scenarios, lay.color_keys, other))
                entries[i] = entries[i]._replace(label=entries[i].label + f"\n(= {label} throughout: dashed)")
    return entries, width


def marker_legend(scenarios, lines, caps: dict) -> list[LegendEntry]:
    """Entries for what some line shows: repeats, 0.8 x cap, and the threshold markers."""
    entries = []
    if any(ln.repeats is not None for ln in lines):
        entries.append(LegendEntry("dashed: the same frontier as\na line drawn under it",
                                   dict(color="0.3", linestyle=style.REPEAT_DASHES, linewidth=1.4)))
    values = set(caps.values())
    if values:
        level = f" ({next(iter(values)):.2f})" if len(values) == 1 else ""
        entries.append(LegendEntry("0.8 × utilization cap" + level, dict(style.CAP_LINE)))
    if any(s.linear_scaling_ends_flop is not None for s in scenarios):
        entries.append(LegendEntry("linear scaling ends\n(utilization ≤ 0.8 × cap)",
                                   dict(markeredgecolor="0.2", **style.LINEAR_MARKER)))
    if any(s.hit_wall for s in scenarios):
        entries.append(LegendEntry("largest feasible run\n(the latency wall)", dict(color="0.5", **style.WALL_MARKER)))
    if any(s.largest_feasible_flop is not None and not s.hit_wall for s in scenarios):
        entries.append(LegendEntry("largest swept width, still\nfeasible (wall not reached)",
                                   dict(markeredgecolor="0.2", **style.END_MARKER)))
    return entries


def plan_utilization(scenarios: list[Scenario], varied: list[str], title: str) -> UtilizationPlan:
    if len(scenarios) > MAX_LINES:
        title += f" (first {MAX_LINES} of {len(scenarios)} scenarios)"
        scenarios = scenarios[:MAX_LINES]
    lay = utilization_layout(scenarios, varied)
    grid = panel_grid(distinct(scenarios, lay.col_keys), distinct(scenarios, lay.row_keys))
    color, linestyle = line_looks(scenarios, lay)
    lines, identical = plan_lines(scenarios, lay, grid, color, linestyle)
    caps = cap_lines(scenarios, lay, grid)
    legend, width = line_legend(scenarios, lay, color, linestyle, lines)
    legend += marker_legend(scenarios, lines, caps)
    headings = {(i, j): panel_heading(scenarios, lay, rv, cv)
                for i, rv in enumerate(grid.rows) for j, cv in enumerate(grid.cols)}
    return UtilizationPlan(
        title=title, layout=lay, grid=grid, headings=headings, lines=lines, cap_lines=caps, identical=identical,
        legend=legend, legend_width=width, legend_title="hardware" if lay.color_keys == ["hardware"] else None,
        xlim=style.log_limits([c for s in scenarios for c in s.frontier["compute_flop"]]),
        ymax=min(1.0, max(s.cap for s in scenarios) + 0.08), scenarios=scenarios)


def utilization_figure(scenarios: list[Scenario], varied: list[str], title: str):
    plan = plan_utilization(scenarios, varied, title)
    fig, axes, gs = _panels(plan)
    for at, level in plan.cap_lines.items():
        axes[at].axhline(level, zorder=1, **style.CAP_LINE)
    for line in plan.lines:
        _draw_line(axes[line.panel], line)
    for at, n in plan.identical.items():
        axes[at].text(0.03, 0.04, f"all {n} frontiers here are identical", transform=axes[at].transAxes,
                      fontsize=8, color="0.25", ha="left", va="bottom")
    lax = style.legend_axes(fig, gs[:, plan.grid.ncols])
    lax.legend([Line2D([], [], **e.handle) for e in plan.legend], [e.label for e in plan.legend], loc="upper left",
               frameon=False, title=plan.legend_title, title_fontsize=8, borderaxespad=0.0, handlelength=2.6)
    fig.suptitle(plan.title, fontsize=11)
    return fig


def _panels(plan: UtilizationPlan):
    grid = plan.grid
    occupied = set(grid.place.values())
    fig_w = PANEL_W * grid.ncols + plan.legend_width + 0.8
    fig_h = PANEL_H * grid.nrows + 1.2
    fig = plt.figure(figsize=(fig_w, fig_h))
    gs = fig.add_gridspec(grid.nrows, grid.ncols + 1, width_ratios=[PANEL_W] * grid.ncols + [plan.legend_width],
                          left=0.7 / fig_w, right=1 - 0.1 / fig_w, bottom=0.55 / fig_h, top=1 - 0.65 / fig_h,
                          wspace=0.08, hspace=0.3)
    axes = {}
    for at, heading in plan.headings.items():
        gi, gj = grid.place[at]
        share = axes.get((0, 0))
        ax = fig.add_subplot(gs[gi, gj], sharex=share, sharey=share)
        axes[at] = ax
        ax.set_xscale("log")
        ax.set_xlim(*plan.xlim)
        ax.set_ylim(0, plan.ymax)
        if heading:
            ax.set_title(heading)
        if (gi + 1, gj) not in occupied:
            ax.set_xlabel("training compute (FLOP)")
            ax.tick_params(labelbottom=True)
        else:
            ax.tick_params(labelbottom=False)
        if gj == 0:
            ax.set_ylabel("best achievable utilization")
        else:
            ax.tick_params(labelleft=False)
    return fig, axes, gs


def _draw_line(ax, line: Line) -> None:
    s, c = line.scenario, line.color
    x = s.frontier["compute_flop"].to_numpy(float)
    y = s.frontier["utilization"].to_numpy(float)
    if line.repeats is not None:
        ax.plot(x, y, color=c, linestyle=style.REPEAT_DASHES, linewidth=1.4, zorder=3.5)
    else:
        ax.plot(x, y, color=c, linestyle=line.linestyle, linewidth=1.4, zorder=3)
    if s.linear_scaling_ends_flop is not None:
        k = int(np.argmax(x == s.linear_scaling_ends_flop))
        ax.plot([x[k]], [y[k]], markeredgecolor=c, **style.LINEAR_MARKER)
    if s.largest_feasible_flop is not None:
        k = int(np.argmax(x == s.largest_feasible_flop))
        if s.hit_wall:
            ax.plot([x[k]], [y[k]], color=c, **style.WALL_MARKER)
        else:
            ax.plot([x[k]], [y[k]], markeredgecolor=c, **style.END_MARKER)
