"""The report's figures (matplotlib, Agg backend)."""

from __future__ import annotations

import itertools
import math
import textwrap
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib import patheffects  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch, Rectangle  # noqa: E402

from . import closedforms  # noqa: E402
from .scenarios import LINEAR_SCALING_FRACTION, Scenario, describe, fmt_number, sort_key, title_of  # noqa: E402

MAX_PANELS = 60
MAX_HEATMAP_PANELS = 16
MAX_HEATMAP_PAIRS = 3
LINESTYLES = ["-", "--", ":", "-."]

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

LINEAR_MARKER = dict(marker="o", markersize=7, markerfacecolor="white", markeredgewidth=1.6, linestyle="none",
                     zorder=4)
WALL_MARKER = dict(marker="X", markersize=8, markeredgecolor="black", markeredgewidth=0.6, linestyle="none",
                   zorder=5)

END_MARKER = dict(marker=">", markersize=7, markerfacecolor="white", markeredgewidth=1.4, linestyle="none",
                  zorder=4)


def hit_wall(s: Scenario) -> bool:
    """Whether the frontier ended at the latency wall rather than at the last swept width."""
    if s.first_infeasible_d_model is not None:
        return True
    return bool(len(s.frontier)) and float(s.frontier["utilization"].iat[-1]) < 0.001


def palette(n: int) -> list:
    if n <= 10:
        return [plt.get_cmap("tab10")(i) for i in range(n)]
    if n <= 20:
        return [plt.get_cmap("tab20")(i) for i in range(n)]
    cmap = plt.get_cmap("turbo")
    return [cmap(0.05 + 0.9 * i / (n - 1)) for i in range(n)]


def distinct(scenarios: list[Scenario], keys: list[str]) -> list[tuple]:
    """Distinct value tuples of `keys` over the scenarios: numbers ascending, words in sweep order."""
    seen = list(dict.fromkeys(tuple(s.params.get(k) for k in keys) for s in scenarios))
    numeric = all(v is None or isinstance(v, (int, float)) for t in seen for v in t)
    if keys and numeric:
        return sorted(seen, key=lambda t: tuple(sort_key(v) for v in t))
    return seen


def values_label(keys: list[str], values: tuple, scenario: Scenario | None = None) -> str:
    return describe(keys, values, scenario.hardware_name if scenario is not None else None)


def _log_limits(values) -> tuple[float, float]:
    v = np.asarray([x for x in values if x is not None and np.isfinite(x) and x > 0], dtype=float)
    if v.size == 0:
        return 1e23, 1e33
    lo, hi = math.floor(math.log10(v.min()) - 0.15), math.ceil(math.log10(v.max()) + 0.15)
    return 10.0 ** lo, 10.0 ** hi


def _legend_axes(fig, gs_cell):
    ax = fig.add_subplot(gs_cell)
    ax.axis("off")
    return ax


# ---- utilization against compute -------------------------------------------------------------
@dataclass
class UtilizationLayout:
    col_keys: list[str]    # panels across
    row_keys: list[str]    # panels down
    color_keys: list[str]  # line colour
    style_keys: list[str]  # line style


MAX_LINES_PER_PANEL = 10
MAX_UTILIZATION_PANELS = 12
MAX_COLOR_LEGEND = 24


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
    if style_keys and len(distinct(scenarios, style_keys)) > len(LINESTYLES):
        color_keys, style_keys = line_keys, []
    return UtilizationLayout(col_keys, row_keys, color_keys, style_keys)


def _is_numeric(values: list[tuple]) -> bool:
    return bool(values) and all(len(t) == 1 and isinstance(t[0], (int, float)) for t in values)


MAX_LINES = 200


def utilization_figure(scenarios: list[Scenario], varied: list[str], title: str):
    if len(scenarios) > MAX_LINES:
        title += f" (first {MAX_LINES} of {len(scenarios)} scenarios)"
        scenarios = scenarios[:MAX_LINES]
    lay = utilization_layout(scenarios, varied)
    cols = distinct(scenarios, lay.col_keys)
    rows = distinct(scenarios, lay.row_keys)
    colors_of = distinct(scenarios, lay.color_keys)
    if _is_numeric(colors_of) and len(colors_of) > 1:
        cmap = plt.get_cmap("plasma")
        colors = [cmap(0.05 + 0.8 * i / (len(colors_of) - 1)) for i in range(len(colors_of))]
    else:
        colors = palette(len(colors_of))
    color = dict(zip(colors_of, colors))
    styles_of = distinct(scenarios, lay.style_keys)
    style = {t: LINESTYLES[i % len(LINESTYLES)] for i, t in enumerate(styles_of)}

    def example(keys, t):
        return next(s for s in scenarios if tuple(s.params.get(k) for k in keys) == t)

    # The legend, first: its width depends on the labels.
    handles, labels = [], []
    if len(colors_of) > MAX_COLOR_LEGEND:
        handles.append(Line2D([], [], color="0.5", linewidth=1))
        labels.append(f"{len(colors_of)} colours: one per\n" +
                      textwrap.fill(", ".join(title_of(k) for k in lay.color_keys), 34))
    color_label_at = {}
    for t in colors_of if lay.color_keys and len(colors_of) <= MAX_COLOR_LEGEND else []:
        handles.append(Line2D([], [], color=color[t], linewidth=2))
        color_label_at[t] = len(labels)
        labels.append(values_label(lay.color_keys, t, example(lay.color_keys, t)))
    for t in styles_of if lay.style_keys else []:
        handles.append(Line2D([], [], color="0.3", linestyle=style[t], linewidth=1.4))
        labels.append(values_label(lay.style_keys, t))
    legend_w = min(5.5, max(2.6, 0.062 * max([len(x) for x in labels] + [28]) + 0.9))

    # Panels: rows x cols; a single row of more than 4 panels wraps onto several rows.
    if len(rows) == 1 and len(cols) > 4:
        ncols = math.ceil(len(cols) / math.ceil(len(cols) / 4))
        nrows = math.ceil(len(cols) / ncols)
        place = {(0, j): divmod(j, ncols) for j in range(len(cols))}
    else:
        ncols, nrows = len(cols), len(rows)
        place = {(i, j): (i, j) for i in range(nrows) for j in range(ncols)}
    occupied = set(place.values())
    panel_w, panel_h = 4.0, 3.0
    fig_w = panel_w * ncols + legend_w + 0.8
    fig_h = panel_h * nrows + 1.2
    fig = plt.figure(figsize=(fig_w, fig_h))
    gs = fig.add_gridspec(nrows, ncols + 1, width_ratios=[panel_w] * ncols + [legend_w],
                          left=0.7 / fig_w, right=1 - 0.1 / fig_w, bottom=0.55 / fig_h, top=1 - 0.65 / fig_h,
                          wspace=0.08, hspace=0.3)
    xlo, xhi = _log_limits([c for s in scenarios for c in s.frontier["compute_flop"]])
    ymax = min(1.0, max(s.cap for s in scenarios) + 0.08)
    axes = {}
    for i, rv in enumerate(rows):
        for j, cv in enumerate(cols):
            gi, gj = place[(i, j)]
            share = axes.get((0, 0))
            ax = fig.add_subplot(gs[gi, gj], sharex=share, sharey=share)
            axes[(i, j)] = ax
            ax.set_xscale("log")
            ax.set_xlim(xlo, xhi)
            ax.set_ylim(0, ymax)
            heading = [values_label(keys, t, example(keys, t))
                       for keys, t in ((lay.col_keys, cv), (lay.row_keys, rv)) if keys]
            if not heading:  # one panel: name what every line shares
                context = [k for k in ("hardware", "experts", "batch") if k not in lay.color_keys + lay.style_keys]
                heading = [scenarios[0].label(context)] if context else []
            if heading:
                ax.set_title(", ".join(heading))
            if (gi + 1, gj) not in occupied:
                ax.set_xlabel("training compute (FLOP)")
                ax.tick_params(labelbottom=True)
            else:
                ax.tick_params(labelbottom=False)
            if gj == 0:
                ax.set_ylabel("best achievable utilization")
            else:
                ax.tick_params(labelleft=False)
    any_open_end = False
    # A frontier identical to one already drawn in its panel (H200 SXM gives H100 SXM's, row for
    # row) is drawn dashed over it, so that both colours show; only where line styles mean nothing else.
    drawn: dict[tuple, dict[bytes, Scenario]] = {}
    copies: dict[tuple, list] = {}  # colour -> for each of its lines, the colour it repeats (or None)
    any_same = False
    # 0.8 x the utilization cap, in each panel whose lines share one cap.
    panel_caps: dict[tuple, set] = {}
    for s in scenarios:
        at = (rows.index(tuple(s.params.get(k) for k in lay.row_keys)),
              cols.index(tuple(s.params.get(k) for k in lay.col_keys)))
        panel_caps.setdefault(at, set()).add(s.cap)
    cap_lines = set()
    if any(s.linear_scaling_ends_flop is not None for s in scenarios):
        for at, cs in panel_caps.items():
            if len(cs) == 1:
                cap_lines.add(LINEAR_SCALING_FRACTION * next(iter(cs)))
                axes[at].axhline(LINEAR_SCALING_FRACTION * next(iter(cs)), color="0.55", linewidth=0.8,
                                 linestyle=(0, (1, 2)), zorder=1)
    lines_in: dict[tuple, int] = {}
    for s in scenarios:
        i = rows.index(tuple(s.params.get(k) for k in lay.row_keys))
        j = cols.index(tuple(s.params.get(k) for k in lay.col_keys))
        ax = axes[(i, j)]
        c = color[tuple(s.params.get(k) for k in lay.color_keys)]
        ls = style[tuple(s.params.get(k) for k in lay.style_keys)]
        f = s.frontier
        if f.empty:
            continue
        x = f["compute_flop"].to_numpy(float)
        y = f["utilization"].to_numpy(float)
        signature = x.tobytes() + y.tobytes()
        panel = drawn.setdefault((i, j), {})
        lines_in[(i, j)] = lines_in.get((i, j), 0) + 1
        same = panel.get(signature) if not lay.style_keys else None
        key = tuple(s.params.get(k) for k in lay.color_keys)
        copies.setdefault(key, []).append(
            tuple(same.params.get(k) for k in lay.color_keys) if same is not None else None)
        if same is not None:
            ax.plot(x, y, color=c, linestyle=(0, (3, 3)), linewidth=1.4, zorder=3.5)
            any_same = True
        else:
            panel.setdefault(signature, s)
            ax.plot(x, y, color=c, linestyle=ls, linewidth=1.4, zorder=3)
        if s.linear_scaling_ends_flop is not None:
            k = int(np.argmax(x == s.linear_scaling_ends_flop))
            ax.plot([x[k]], [y[k]], markeredgecolor=c, **LINEAR_MARKER)
        if s.largest_feasible_flop is not None:
            k = int(np.argmax(x == s.largest_feasible_flop))
            if hit_wall(s):
                ax.plot([x[k]], [y[k]], color=c, **WALL_MARKER)
            else:
                ax.plot([x[k]], [y[k]], markeredgecolor=c, **END_MARKER)
                any_open_end = True

    # One legend, beside the panels; markers only where some line has them.
    for t, of in copies.items():
        if t in color_label_at and len(set(of)) == 1 and of[0] is not None:
            other = values_label(lay.color_keys, of[0], example(lay.color_keys, of[0]))
            labels[color_label_at[t]] += f"\n(= {other} throughout: dashed)"
    if any_same:
        handles.append(Line2D([], [], color="0.3", linestyle=(0, (3, 3)), linewidth=1.4))
        labels.append("dashed: the same frontier as\na line drawn under it")
    if cap_lines:
        handles.append(Line2D([], [], color="0.55", linewidth=0.8, linestyle=(0, (1, 2))))
        labels.append("0.8 × utilization cap" + (f" ({next(iter(cap_lines)):.2f})" if len(cap_lines) == 1 else ""))
    # Panels whose lines all coincide say so: only the last one drawn shows.
    for at, n in lines_in.items():
        if n >= 2 and len(drawn[at]) == 1:
            axes[at].text(0.03, 0.04, f"all {n} frontiers here are identical", transform=axes[at].transAxes,
                          fontsize=8, color="0.25", ha="left", va="bottom")
    if any(s.linear_scaling_ends_flop is not None for s in scenarios):
        handles.append(Line2D([], [], markeredgecolor="0.2", **LINEAR_MARKER))
        labels.append("linear scaling ends\n(utilization ≤ 0.8 × cap)")
    if any(hit_wall(s) for s in scenarios):
        handles.append(Line2D([], [], color="0.5", **WALL_MARKER))
        labels.append("largest feasible run\n(the latency wall)")
    if any_open_end:
        handles.append(Line2D([], [], markeredgecolor="0.2", **END_MARKER))
        labels.append("largest swept width, still\nfeasible (wall not reached)")
    lax = _legend_axes(fig, gs[:, ncols])
    legend_title = "hardware" if lay.color_keys == ["hardware"] else None
    lax.legend(handles, labels, loc="upper left", frameon=False, title=legend_title or None,
               title_fontsize=8, borderaxespad=0.0, handlelength=2.6)
    fig.suptitle(title, fontsize=11)
    return fig


# ---- per-scenario panels ---------------------------------------------------------------------
def panel_grid(scenarios: list[Scenario], varied: list[str]):
    """Columns: the scenarios of one hardware (when a handful), else up to 6 per row."""
    n = len(scenarios)
    per_hw = {}
    for s in scenarios:
        per_hw.setdefault((s.file_index, s.params.get("hardware")), []).append(s)
    sizes = {len(v) for v in per_hw.values()}
    if len(sizes) == 1 and 2 <= next(iter(sizes)) <= 8 and len(per_hw) > 1:
        ncols = next(iter(sizes))
    else:
        ncols = min(6, n)
    nrows = math.ceil(n / ncols)
    return nrows, ncols


def panel_title(s: Scenario, varied: list[str], width: int = 200) -> str:
    """Hardware on the first line, the other varied inputs wrapped to `width` characters below."""
    first = s.hardware_name
    rest = [k for k in varied if k != "hardware"]
    second = s.label(rest) if rest else ""
    lines = [first] + (textwrap.wrap(second, width=width, break_long_words=False) if second else [])
    return "\n".join(lines)


def _panels(scenarios, varied, title, draw, legend_handles, ylabel):
    shown = scenarios[:MAX_PANELS]
    nrows, ncols = panel_grid(shown, varied)
    panel_w, panel_h = (2.7, 2.05) if ncols > 2 else (3.4, 2.5)
    titles = [panel_title(s, varied, width=int(panel_w * 18)) for s in shown]
    extra = max([t.count("\n") + 1 for t in titles] + [2]) - 2  # title lines beyond two
    axes_h = panel_h / 1.42
    gap = 0.42 * axes_h + 0.13 * extra
    panel_h = axes_h + gap
    fig_w = max(7.0, panel_w * ncols + 0.8)
    items = len(legend_handles[0])
    legend_cols = min(items, max(1, int(fig_w / 2.3)))
    legend_rows = math.ceil(items / legend_cols)
    head = 0.75 + 0.22 * legend_rows + 0.13 * extra  # title and legend, inches
    fig_h = panel_h * nrows + head + 0.6
    fig, axs = plt.subplots(nrows, ncols, figsize=(fig_w, fig_h), sharex=True, sharey=True, squeeze=False)
    fig.subplots_adjust(left=0.6 / fig_w, right=1 - 0.15 / fig_w, bottom=0.55 / fig_h,
                        top=1 - (head + 0.15) / fig_h, wspace=0.08, hspace=gap / axes_h)
    xlo, xhi = _log_limits([c for s in shown for c in s.frontier["compute_flop"]])
    for idx, ax in enumerate(axs.flat):
        if idx >= len(shown):
            ax.axis("off")
            continue
        s = shown[idx]
        ax.set_xscale("log")
        ax.set_xlim(xlo, xhi)
        ax.set_ylim(0, 1)
        ax.set_title(titles[idx], fontsize=7.5)
        ax.tick_params(labelsize=7)
        if s.frontier.empty:
            ax.text(0.5, 0.5, "no feasible rows", ha="center", va="center", transform=ax.transAxes, fontsize=8)
        else:
            draw(ax, s)
        r, c = divmod(idx, ncols)
        if c == 0:
            ax.set_ylabel(ylabel, fontsize=8)
        if r == nrows - 1 or idx + ncols >= len(shown):
            ax.set_xlabel("compute (FLOP)", fontsize=8)
            ax.tick_params(labelbottom=True)
    fig.legend(legend_handles[0], legend_handles[1], loc="upper center", ncol=legend_cols,
               bbox_to_anchor=(0.5, 1 - 0.42 / fig_h), frameon=False, fontsize=8)
    note = f" (first {MAX_PANELS} of {len(scenarios)} scenarios)" if len(scenarios) > MAX_PANELS else ""
    fig.suptitle(title + note, fontsize=11, y=1 - 0.12 / fig_h, va="top")
    return fig


PARALLELISM = [("dp", "data", "#4c72b0"), ("tp", "tensor (d_model × d_ff)", "#dd8452"),
               ("pp", "pipeline", "#55a868"), ("ep", "expert", "#c44e52")]


def parallelism_shares(f) -> dict[str, np.ndarray]:
    """log(degree) / log(cluster size) per kind; the cluster size is the product of the degrees
    (in floating point: the largest clusters overflow the gpus column's 64-bit integers)."""
    degrees = {
        "dp": f["dp"].to_numpy(float),
        "tp": f["tp_model"].to_numpy(float) * f["tp_ff"].to_numpy(float),
        "pp": f["pp"].to_numpy(float),
        "ep": f["ep"].to_numpy(float),
    }
    logs = {k: np.log(np.maximum(v, 1.0)) for k, v in degrees.items()}
    total = sum(logs.values())
    total = np.where(total > 0, total, np.nan)
    return {k: np.nan_to_num(v / total) for k, v in logs.items()}


def parallelism_figure(scenarios: list[Scenario], varied: list[str], title: str):
    def draw(ax, s):
        f = s.frontier
        shares = parallelism_shares(f)
        ax.stackplot(f["compute_flop"].to_numpy(float), *[shares[k] for k, _, _ in PARALLELISM],
                     colors=[c for _, _, c in PARALLELISM], linewidth=0)
    handles = [Patch(color=c) for _, _, c in PARALLELISM]
    labels = [name for _, name, _ in PARALLELISM]
    return _panels(scenarios, varied, title, draw, (handles, labels), "share: log(degree) / log(GPUs)")


BREAKDOWN = [("ideal", "ideal compute at peak (= utilization)", "#2a4d8f"),
             ("matmul", "matmul time below peak", "#6f95d0"),
             ("overlap", "overlapped comm beyond matmul", "#b5cbeb"),
             ("comm", "exposed comm", "#dd8452"),
             ("latency", "exposed latency", "#c44e52"),
             ("bubble", "pipeline bubble", "#8c8c8c")]


def breakdown_fractions(f) -> dict[str, np.ndarray]:
    """Fractions of run_s; busy + bubble + exposed comm + exposed latency = run_s, and busy
    = max(matmul, overlapped comm) splits into the ideal time at peak FLOP/s (utilization x
    run), the rest of the matmul time, and overlapped comm beyond the matmuls."""
    run = f["run_s"].to_numpy(float)
    matmul = f["matmul_s"].to_numpy(float)
    busy = f["busy_s"].to_numpy(float)
    ideal = np.minimum(f["utilization"].to_numpy(float), np.minimum(matmul, busy) / run)
    return {
        "ideal": ideal,
        "matmul": np.minimum(matmul, busy) / run - ideal,
        "overlap": np.maximum(busy - matmul, 0) / run,
        "comm": f["exposed_comm_s"].to_numpy(float) / run,
        "latency": f["exposed_latency_s"].to_numpy(float) / run,
        "bubble": f["bubble_s"].to_numpy(float) / run,
    }


def breakdown_figure(scenarios: list[Scenario], varied: list[str], title: str):
    def draw(ax, s):
        f = s.frontier
        fr = breakdown_fractions(f)
        ax.stackplot(f["compute_flop"].to_numpy(float), *[np.nan_to_num(fr[k]) for k, _, _ in BREAKDOWN],
                     colors=[c for _, _, c in BREAKDOWN], linewidth=0)
    handles = [Patch(color=c) for _, _, c in BREAKDOWN]
    labels = [name for _, name, _ in BREAKDOWN]
    return _panels(scenarios, varied, title, draw, (handles, labels), "fraction of run time")


# ---- heat maps -------------------------------------------------------------------------------
def heatmap_pairs(varied: list[str]) -> list[tuple[str, str]]:
    """Pairs of varied inputs besides hardware, experts and the file (which facet the maps)."""
    candidates = [k for k in varied if k not in ("hardware", "experts", "file")]
    return list(itertools.combinations(candidates, 2))[:MAX_HEATMAP_PAIRS]


@dataclass
class HeatmapGrids:
    facet_keys: list[str]
    omitted: int                       # facets not drawn (beyond MAX_HEATMAP_PANELS)
    xs: list[tuple]                    # values of a (across)
    ys: list[tuple]                    # values of b (up)
    grids: list[tuple]                 # (facet values, example scenario, log10 values, lower-bound mask)
    vmin: float
    vmax: float


def heatmap_grids(scenarios: list[Scenario], varied: list[str], a: str, b: str, metric: str,
                  max_panels: int = MAX_HEATMAP_PANELS) -> HeatmapGrids:
    """log10 of `metric` per (a, b) cell, one grid per combination of the other varied inputs."""
    facet_keys = [k for k in varied if k not in (a, b)]
    if "hardware" in facet_keys:
        facet_keys.remove("hardware")
        facet_keys.insert(0, "hardware")
    facets = distinct(scenarios, facet_keys) if facet_keys else [()]
    omitted = max(0, len(facets) - max_panels)
    facets = facets[:max_panels]
    xs = distinct(scenarios, [a])
    ys = distinct(scenarios, [b])
    by_facet: dict[tuple, list[Scenario]] = {}
    for s in scenarios:
        by_facet.setdefault(tuple(s.params.get(k) for k in facet_keys), []).append(s)
    grids = []
    for t in facets:
        z = np.full((len(ys), len(xs)), np.nan)
        bound = np.zeros((len(ys), len(xs)), dtype=bool)  # the wall lies beyond the swept widths
        example = None
        for s in by_facet[t]:
            example = s
            v = getattr(s, metric)
            at = ys.index((s.params.get(b),)), xs.index((s.params.get(a),))
            z[at] = math.log10(v) if v else np.nan
            bound[at] = metric == "largest_feasible_flop" and v is not None and not hit_wall(s)
        grids.append((t, example, z, bound))
    finite = np.concatenate([z[np.isfinite(z)] for _, _, z, _ in grids]) if grids else np.array([])
    vmin, vmax = (finite.min(), finite.max()) if finite.size else (24.0, 32.0)
    if vmax - vmin < 0.5:
        vmin, vmax = vmin - 0.25, vmax + 0.25
    return HeatmapGrids(facet_keys, omitted, xs, ys, grids, float(vmin), float(vmax))


METRIC_LABELS = {"largest_feasible_flop": "log10 largest feasible compute (FLOP)",
                 "linear_scaling_ends_flop": "log10 compute, linear scaling ends (FLOP)"}


def heatmap_figure(scenarios: list[Scenario], varied: list[str], a: str, b: str, metric: str, title: str):
    hg = heatmap_grids(scenarios, varied, a, b, metric)
    facet_keys, omitted, xs, ys, grids, vmin, vmax = (hg.facet_keys, hg.omitted, hg.xs, hg.ys, hg.grids, hg.vmin,
                                                      hg.vmax)
    ncols = min(len(grids), 4)
    nrows = math.ceil(len(grids) / ncols)
    cell = 0.55
    # Room left of each panel for its y tick labels (words like 'all-microbatches') and y label.
    gap = 0.065 * max([len(fmt_number(v[0])) for v in ys] + [4]) + 0.55
    axes_w = max(1.4, cell * len(xs))
    panel_h = max(2.2, cell * len(ys) + 1.1)
    fig_w = max(7.5, gap * ncols + axes_w * ncols + 1.6)
    title_lines = textwrap.wrap(title, width=int(fig_w * 11))
    head = 0.35 + 0.2 * (len(title_lines) + 1)
    fig_h = panel_h * nrows + head + 0.75
    fig, axs = plt.subplots(nrows, ncols, figsize=(fig_w, fig_h), squeeze=False)
    side = (fig_w - (gap + axes_w) * ncols - 1.6) / 2  # centres a narrow grid
    fig.subplots_adjust(left=(gap + side) / fig_w, right=1 - (1.6 + side) / fig_w, bottom=0.75 / fig_h,
                        top=1 - head / fig_h, wspace=gap / axes_w, hspace=0.55)
    cmap = plt.get_cmap("viridis").copy()
    cmap.set_bad("0.88")
    image = None
    for idx, ax in enumerate(axs.flat):
        if idx >= len(grids):
            ax.axis("off")
            continue
        t, example, z, bound = grids[idx]
        image = ax.imshow(z, origin="lower", cmap=cmap, vmin=vmin, vmax=vmax, aspect="auto")
        ax.grid(False)
        ax.set_xticks(range(len(xs)), [fmt_number(v[0]) for v in xs], rotation=45 if len(xs) > 6 else 0)
        ax.set_yticks(range(len(ys)), [fmt_number(v[0]) for v in ys])
        ax.set_xlabel(title_of(a))
        ax.set_ylabel(title_of(b))
        context = [k for k in ("hardware", "experts") if k not in facet_keys]
        keys = context + facet_keys
        ax.set_title(values_label(keys, tuple(example.params.get(k) for k in keys), example), fontsize=8)
        mid = (vmin + vmax) / 2
        for (yi, xi), v in np.ndenumerate(z):
            text = ("≥" if bound[yi, xi] else "") + f"{v:.1f}" if np.isfinite(v) else "–"
            ax.text(xi, yi, text, ha="center", va="center", fontsize=7,
                    color="white" if np.isfinite(v) and v < mid else "black")
    if image is not None:
        cax = fig.add_axes([1 - (1.35 + side) / fig_w, 0.75 / fig_h, 0.16 / fig_w, 1 - (head + 0.75) / fig_h])
        cax.grid(False)
        fig.colorbar(image, cax=cax, label=METRIC_LABELS[metric])
    if metric == "linear_scaling_ends_flop":
        note = "grey '–': not reached within the swept widths"
    else:
        note = "grey '–': no feasible run"
        if any(g[3].any() for g in grids):
            note += "; '≥': the widest swept model is still feasible (the wall lies beyond)"
    if omitted:
        note += f"; {omitted} more panels not shown"
    fig.suptitle("\n".join(title_lines + [note]), fontsize=10, y=1 - 0.12 / fig_h, va="top")
    return fig


# ---- heat maps with the paper's closed forms ------------------------------------------------
CLOSED_FORM_PAIR = {"batch_exponent", "depth_exponent"}
MAX_CLOSED_FORM_FACETS = 4


def _closed_form_inputs(s: Scenario):
    """(Node, run months, b0, L0) for the closed forms of a scenario, or None where they do not apply
    (not dense, not a power-law batch, no numeric depth exponent, no readable profile)."""
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
    return node, float(months), b0, l0


def closed_form_applies(scenarios: list[Scenario], a: str, b: str) -> bool:
    """The pair is (batch exponent, depth exponent) and every scenario has closed-form inputs."""
    return {a, b} == CLOSED_FORM_PAIR and bool(scenarios) and all(_closed_form_inputs(s) for s in scenarios)


def closed_form_value(s_or_inputs, g: float, e: float, metric: str) -> float:
    inputs = s_or_inputs if isinstance(s_or_inputs, tuple) else _closed_form_inputs(s_or_inputs)
    node, months, b0, l0 = inputs
    return closedforms.for_metric(metric, closedforms.alpha_of(g, e), node, months, b0=b0, l0=l0)


def compute_grid_step(rf) -> float | None:
    """Decades between the compute targets of a sweep whose widths are compute targets ('C=1e+24'
    labels of /axes/width), or None."""
    labels = rf.axis_labels.get("width", [])
    values = []
    for lab in labels:
        if not lab.startswith("C="):
            return None
        try:
            values.append(float(lab[2:]))
        except ValueError:
            return None
    if len(values) < 2:
        return None
    steps = np.diff(np.log10(sorted(values)))
    return float(np.median(steps))


def closed_form_cells(scenarios: list[Scenario], varied: list[str], a: str, b: str, metric: str):
    """Per drawn cell: (log10 simulated, log10 closed form, lower bound?) as three flat arrays."""
    hg = heatmap_grids(scenarios, varied, a, b, metric, max_panels=MAX_CLOSED_FORM_FACETS)
    sim, cf, bound = [], [], []
    for _, example, z, bnd in hg.grids:
        inputs = _closed_form_inputs(example)
        for (yi, xi), v in np.ndenumerate(z):
            x, y = hg.xs[xi][0], hg.ys[yi][0]
            g, e = (x, y) if a == "batch_exponent" else (y, x)
            c = closed_form_value(inputs, g, e, metric)
            sim.append(v)
            cf.append(math.log10(c) if np.isfinite(c) and c > 0 else np.nan)
            bound.append(bool(bnd[yi, xi]))
    return np.array(sim, dtype=float), np.array(cf, dtype=float), np.array(bound, dtype=bool)


def _outlined(color="white"):
    return [patheffects.withStroke(linewidth=2.2, foreground="black" if color == "white" else "white")]


def heatmap_closed_form_figure(scenarios: list[Scenario], varied: list[str], a: str, b: str, metric: str,
                               title: str):
    """Per facet (hardware, ...) one row of three panels: the simulated threshold with contour lines
    of the closed form over it, the closed form per cell on the same colour scale, and the
    difference simulated - closed form in decades."""
    hg = heatmap_grids(scenarios, varied, a, b, metric, max_panels=MAX_CLOSED_FORM_FACETS)
    xs, ys = [v[0] for v in hg.xs], [v[0] for v in hg.ys]
    nx, ny = len(xs), len(ys)
    gs_of = (lambda xi, yi: (xs[xi], ys[yi])) if a == "batch_exponent" else (lambda xi, yi: (ys[yi], xs[xi]))
    form = closedforms.METRIC_FORMS[metric]
    rows = []
    for t, example, z, bound in hg.grids:
        inputs = _closed_form_inputs(example)
        cf = np.full((ny, nx), np.nan)
        alpha = np.full((ny, nx), np.nan)
        for yi in range(ny):
            for xi in range(nx):
                g, e = gs_of(xi, yi)
                alpha[yi, xi] = closedforms.alpha_of(g, e)
                v = closed_form_value(inputs, g, e, metric)
                cf[yi, xi] = math.log10(v) if np.isfinite(v) and v > 0 else np.nan
        rows.append((t, example, z, bound, cf, alpha, inputs))
    vmin, vmax = hg.vmin, hg.vmax
    cf_all = np.concatenate([r[4][np.isfinite(r[4])] for r in rows])
    extend = ("both" if cf_all.min() < vmin and cf_all.max() > vmax else "min" if cf_all.min() < vmin
              else "max" if cf_all.max() > vmax else "neither") if cf_all.size else "neither"
    # The colour range of the differences: cells with a real threshold (a lower bound is not compared).
    diffs = np.concatenate([(r[2] - r[4])[np.isfinite(r[2] - r[4]) & ~r[3]] for r in rows])
    dlim = max(1.0, math.ceil(float(np.abs(diffs).max()) * 2) / 2) if diffs.size else 1.0
    dlim = min(dlim, 4.0)

    cell_w, cell_h = 0.68, 0.55
    panel_w, panel_h = max(2.4, cell_w * nx), max(2.0, cell_h * ny)
    margin_l, gap, cbar_gap, cbar_w, cbar_lab = 1.0, 0.75, 0.12, 0.16, 1.45
    fig_w = margin_l + panel_w + gap + panel_w + cbar_gap + cbar_w + cbar_lab + panel_w + cbar_gap + cbar_w + 0.75
    title_lines = textwrap.wrap(title, width=int(fig_w * 10))
    head = 0.75 + 0.2 * len(title_lines)
    row_h = panel_h + 0.95
    foot = 0.6
    fig_h = head + row_h * len(rows) + foot
    fig = plt.figure(figsize=(fig_w, fig_h))
    cmap = plt.get_cmap("viridis").copy()
    cmap.set_bad("0.88")
    dmap = plt.get_cmap("RdBu_r").copy()
    dmap.set_bad("0.88")

    def box(x0, w, r):
        y0 = fig_h - head - r * row_h - panel_h
        return [x0 / fig_w, y0 / fig_h, w / fig_w, panel_h / fig_h]

    x_sim = margin_l
    x_cf = x_sim + panel_w + gap
    x_cb1 = x_cf + panel_w + cbar_gap
    x_diff = x_cb1 + cbar_w + cbar_lab
    x_cb2 = x_diff + panel_w + cbar_gap
    fine_x = np.linspace(0, nx - 1, 121)
    fine_y = np.linspace(0, ny - 1, 121)
    mid = (vmin + vmax) / 2
    for r, (t, example, z, bound, cf, alpha, inputs) in enumerate(rows):
        keys = [k for k in ("hardware", "experts") if k not in hg.facet_keys] + hg.facet_keys
        facet = values_label(keys, tuple(example.params.get(k) for k in keys), example)
        axes = []
        for x0, heading in ((x_sim, f"simulated ({facet})\nlines: closed form, log10 FLOP"),
                            (x_cf, f"closed form: {form}\n(MODEL.md §10; small: α per cell)"),
                            (x_diff, "simulated − closed form (decades); blue: simulated lower, red: higher"
                             + ("\nhatched ≥: the wall lies beyond the sweep" if bound.any() else ""))):
            ax = fig.add_axes(box(x0, panel_w, r))
            ax.grid(False)
            ax.set_xticks(range(nx), [fmt_number(v) for v in xs], rotation=45 if nx > 6 else 0)
            ax.set_yticks(range(ny), [fmt_number(v) for v in ys])
            ax.set_xlabel(title_of(a))
            if x0 == x_sim:
                ax.set_ylabel(title_of(b))
            ax.set_title(heading, fontsize=8)
            axes.append(ax)
        ax_sim, ax_cf, ax_diff = axes
        image = ax_sim.imshow(z, origin="lower", cmap=cmap, vmin=vmin, vmax=vmax, aspect="auto")
        ax_cf.imshow(cf, origin="lower", cmap=cmap, vmin=vmin, vmax=vmax, aspect="auto")
        d = z - cf
        dimage = ax_diff.imshow(np.where(bound, np.nan, d), origin="lower", cmap=dmap, vmin=-dlim, vmax=dlim,
                                aspect="auto")
        for yi, xi in zip(*np.nonzero(bound)):
            ax_diff.add_patch(Rectangle((xi - 0.5, yi - 0.5), 1, 1, fill=False, hatch="///", edgecolor="0.6",
                                        linewidth=0))
        for (yi, xi), v in np.ndenumerate(z):
            text = ("≥" if bound[yi, xi] else "") + f"{v:.1f}" if np.isfinite(v) else "–"
            ax_sim.text(xi, yi, text, ha="center", va="center", fontsize=7,
                        color="white" if np.isfinite(v) and v < mid else "black")
            c = cf[yi, xi]
            ax_cf.text(xi, yi + 0.1, f"{c:.1f}" if np.isfinite(c) else "∞", ha="center", va="center", fontsize=7,
                       color="white" if np.isfinite(c) and c < mid else "black")
            ax_cf.text(xi, yi - 0.26, f"α={alpha[yi, xi]:+.2f}", ha="center", va="center", fontsize=5.5,
                       color="white" if np.isfinite(c) and c < mid else "black")
            dv = d[yi, xi]
            dtext = ("≥" if bound[yi, xi] else "") + f"{dv:+.1f}" if np.isfinite(dv) else "–"
            ax_diff.text(xi, yi, dtext.replace("-", "−"), ha="center", va="center", fontsize=7,
                         color="white" if np.isfinite(dv) and not bound[yi, xi] and abs(dv) > 0.6 * dlim
                         else "black", bbox=dict(boxstyle="round,pad=0.12", facecolor="0.88", linewidth=0)
                         if bound[yi, xi] else None)
        # Contours of the closed form over the simulated map, in cell coordinates.
        fx = np.interp(fine_x, range(nx), xs)
        fy = np.interp(fine_y, range(ny), ys)
        gx, gy = np.meshgrid(fx, fy)
        g, e = (gx, gy) if a == "batch_exponent" else (gy, gx)
        vals = np.vectorize(lambda gg, ee: closed_form_value(inputs, gg, ee, metric))(g, e)
        with np.errstate(divide="ignore", invalid="ignore"):
            lv = np.where(np.isfinite(vals) & (vals > 0), np.log10(vals), np.nan)
        levels = np.arange(math.ceil(vmin), math.floor(vmax) + 1)
        if np.isfinite(lv).any():
            levels = levels[(levels > np.nanmin(lv)) & (levels < np.nanmax(lv))]
        else:
            levels = levels[:0]
        if levels.size:
            cs = ax_sim.contour(fine_x, fine_y, lv, levels=levels, colors="white", linewidths=1.1,
                                linestyles="--")
            for coll in getattr(cs, "collections", [cs]):
                coll.set_path_effects(_outlined())
            labels = ax_sim.clabel(cs, fmt=lambda v: f"{v:.0f}", fontsize=6.5, inline=True, inline_spacing=2)
            for lab in labels:
                lab.set_path_effects(_outlined())
                lab.set_color("white")
        if r == 0:
            y0 = (fig_h - head - len(rows) * row_h + (row_h - panel_h)) / fig_h
            hgt = (len(rows) * row_h - (row_h - panel_h)) / fig_h
            cax = fig.add_axes([x_cb1 / fig_w, y0, cbar_w / fig_w, hgt])
            cax.grid(False)
            fig.colorbar(image, cax=cax, label=METRIC_LABELS[metric], extend=extend)
            dax = fig.add_axes([x_cb2 / fig_w, y0, cbar_w / fig_w, hgt])
            dax.grid(False)
            fig.colorbar(dimage, cax=dax, label="decades (simulated − closed form)", extend="both")
    node, months, b0, l0 = rows[0][6]
    fig.suptitle("\n".join(title_lines), fontsize=10.5, y=1 - 0.12 / fig_h, va="top")
    if metric == "largest_feasible_flop":
        formula = ("latency limit (MAC) = [(3/320)·((b0/L0)·T0^−α·t/τ)²]^(1/(1−2α)), τ = 9 µs")
    else:
        formula = ("critical compute (MAC) = [(1/960)·((b0/L0)·T0^−α·Rn·t/(a²·n))²]^(1/(1−2α)); "
                   f"{node.name}: Rn = {node.rn:.3g} MAC/s per 8-GPU node, n = {node.nanobatch:.0f}, "
                   f"a = {node.shard:.0f} (one-way = half the HBM and the bidirectional scale-out figures)")
    foot_lines = [formula,
                  f"α = batch exponent g − e/(2(1+e)) for depth exponent e (L ∝ (d·f)^e, C ∝ (d·f·L)²); "
                  f"b0 = {b0:.3g} tokens, L0 = {l0:g} layers at T0 = 3e23 FLOP (1.5e23 MAC), t = {months:g} months; "
                  "FLOP = 2 MAC."]
    step = compute_grid_step(rows[0][1].file)
    if step:
        if metric == "largest_feasible_flop":
            foot_lines.append(f"Simulated: the largest feasible swept compute target; targets are {step:.2g} decades "
                              f"apart, so the simulated wall reads up to {step:.2g} decades low.")
        else:
            foot_lines.append(f"Simulated: the first swept compute target with utilization ≤ 0.8 × cap; targets are "
                              f"{step:.2g} decades apart, so it reads up to {step:.2g} decades high.")
    fig.text(0.01, 0.08 / fig_h, "\n".join(foot_lines), fontsize=7.5, color="0.2", va="bottom")
    note = []
    if hg.omitted:
        note.append(f"{hg.omitted} more panels not shown")
    if note:
        fig.text(0.99, 0.1 / fig_h, "; ".join(note), fontsize=7, ha="right", va="bottom")
    return fig


def save(fig, path: str, dpi: int = 110) -> None:
    fig.savefig(path, dpi=dpi)
    plt.close(fig)
