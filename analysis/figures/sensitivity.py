"""What moves the wall: per sensitivity file, horizontal bars of both thresholds' elasticity to
each hardware number, in the file's rank order (top = rank 1), with the thresholds at ÷ and ×
the factor beside the bars."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Patch

from ..results import SensitivityFile
from ..sensitivity import (first_width_note, flop_text, fmt_factor, fmt_value, linear_at_first_width, number_title,
                           scenario_phrase, wall_not_moved)
from .style import LINEAR_COLOR, WALL_COLOR

FIG_W = 11.0
BAR_H = 0.36


def elasticity_text(e: float) -> str:
    if e is None or not np.isfinite(e):
        return "n/a"
    if e == 0:
        return "0"
    if abs(e) < 0.005:
        return "≈0"
    return f"{e:+.2f}".replace("-", "−")


def sensitivity_figure(sf: SensitivityFile):
    t = sf.table
    fig_h = 2.1 + 0.62 * max(1, len(t))
    fig = plt.figure(figsize=(FIG_W, fig_h))
    left, right = 2.15 / FIG_W, 1 - 3.65 / FIG_W
    top, bottom = 1 - 1.25 / fig_h, 0.85 / fig_h
    ax = fig.add_axes([left, bottom, right - left, top - bottom])
    _bars(ax, sf)
    _thresholds_beside(fig, ax, sf, right + 0.15 / FIG_W, top + 0.12 / fig_h)
    title = (f"What moves the wall: elasticity d ln(threshold) / d ln(number), each number ×/÷ "
             f"{fmt_factor(sf.factor)}\n{scenario_phrase(sf)}; baseline: linear scaling ends "
             f"{flop_text(sf.real('baseline_linear_scaling_ends_flop'))} FLOP, "
             f"latency wall {flop_text(sf.real('baseline_largest_feasible_flop'))} FLOP")
    fig.suptitle(title, fontsize=10.5, y=1 - 0.12 / fig_h, va="top")
    fig.text(0.01, 0.1 / fig_h, sensitivity_note(sf), fontsize=7.5, color="0.3", va="bottom")
    return fig


def _bars(ax, sf: SensitivityFile) -> None:
    t = sf.table
    ax.grid(True, axis="x")
    ax.grid(False, axis="y")
    y = np.arange(len(t))
    wall = t["wall_elasticity"].to_numpy(float)
    lin = t["linear_scaling_elasticity"].to_numpy(float)
    ax.barh(y - BAR_H / 2, np.nan_to_num(wall), height=BAR_H, color=WALL_COLOR, zorder=3)
    ax.barh(y + BAR_H / 2, np.nan_to_num(lin), height=BAR_H, color=LINEAR_COLOR, zorder=3)
    finite = np.concatenate([wall[np.isfinite(wall)], lin[np.isfinite(lin)], [0.0, 1.0]])
    lo, hi = min(finite.min(), -1.0), max(finite.max(), 1.0)
    span = hi - lo
    ax.set_xlim(lo - 0.16 * span, hi + 0.16 * span)
    ax.axvline(0, color="0.2", linewidth=0.8, zorder=4)
    for yi, e in [*zip(y - BAR_H / 2, wall), *zip(y + BAR_H / 2, lin)]:
        _annotate(ax, yi, e, span)
    labels = [f"{i + 1}. {number_title(r.number)}\n{fmt_value(r.baseline_value, r.units)}"
              for i, r in enumerate(t.itertuples())]
    ax.set_yticks(y, labels, fontsize=8.5)
    ax.set_ylim(max(len(t), 1) - 0.5, -0.5)
    if t.empty:
        ax.text(0.5, 0.5, "no hardware numbers in this file", transform=ax.transAxes, ha="center", va="center")
    ax.set_xlabel("elasticity  d ln(threshold) / d ln(number)   "
                  "(−1: halving the number doubles the threshold)")
    ax.legend(handles=[Patch(color=WALL_COLOR), Patch(color=LINEAR_COLOR)],
              labels=["latency wall (largest feasible compute)", "end of linear scaling"],
              loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=2, fontsize=8.5, frameon=False,
              borderaxespad=0.2)


def _annotate(ax, y: float, e: float, span: float) -> None:
    text = elasticity_text(e)
    if not np.isfinite(e):
        ax.text(0.01 * span, y, text, va="center", ha="left", fontsize=7.5, color="0.35")
        return
    pad = 0.012 * span
    ax.text(e + (pad if e >= 0 else -pad), y, text, va="center", ha="left" if e >= 0 else "right", fontsize=7.5)


def _thresholds_beside(fig, ax, sf: SensitivityFile, x: float, head_y: float) -> None:
    """Each bar's thresholds at ÷ and × the factor, level with the bar, right of the axes."""
    f = fmt_factor(sf.factor)
    fig.text(x, head_y, f"thresholds (FLOP) at ÷{f}  →  ×{f}", fontsize=8.5, weight="bold", va="bottom")
    for yi, r in enumerate(sf.table.itertuples()):
        for dy, what, down, up, color in ((-BAR_H / 2, "wall", r.wall_down_flop, r.wall_up_flop, WALL_COLOR),
                                          (BAR_H / 2, "linear end", r.linear_scaling_down_flop,
                                           r.linear_scaling_up_flop, LINEAR_COLOR)):
            yy = ax.transData.transform((0, yi + dy))[1]
            _, yf = fig.transFigure.inverted().transform((0, yy))
            fig.text(x, yf, f"{what}: {flop_text(down)}  →  {flop_text(up)}", fontsize=8, va="center", color=color,
                     family="DejaVu Sans Mono")


def sensitivity_note(sf: SensitivityFile) -> str:
    note = "Ranked by |wall elasticity| (ties by the end of linear scaling). n/a: not reached within the widths."
    if wall_not_moved(sf):
        note = ("No number moves the wall: it lies at or beyond the widest width walked, so its elasticities are 0 "
                "by construction. ") + note
    if linear_at_first_width(sf):
        note = first_width_note(sf) + "\n" + note
    return note
