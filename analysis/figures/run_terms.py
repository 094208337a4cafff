"""The extended model's run-level terms (docs/MODEL-EXTENDED.md E5-E7): hardware failures and
recovery, training across sites, batch laws and ramps. Each figure draws wall-time utilization
(ideal compute time / wall time, failures and ramp phases included) along each frontier, one
line per value of the term, from the /points columns of one sweep file:

- failures: one panel per hardware, a line per (recovery, restart) at the default batch, no ramp;
  below, the failure overhead as a share of the compute time;
- sites: a panel per (bandwidth between sites, what crosses them), a line per site count K;
- batch: a panel per hardware, a line per batch policy, dashed with DeepSeek-V3's ramp.

run_term_figures(rf) gives (file name, figure, caption) for the families the file varies.
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np

from .style import LINESTYLES

OK = 0  # status code of a feasible point (src/costmodel/status.hpp)


def _feasible(points):
    return points[(points["status"] == OK) & (points["meets_deadline"] == 1)]


def _labels(rf, column):
    return rf.labels.get(column, [])


def _name(rf, column, code) -> str:
    labels = _labels(rf, column)
    return labels[code] if 0 <= code < len(labels) else str(code)


def _line(ax, frame, label, style="-", color=None):
    frame = frame.sort_values("compute_flop")
    if frame.empty:
        return
    ax.plot(frame["compute_flop"], frame["wall_utilization"], linestyle=style, marker=".", label=label,
            color=color)
    last = frame.iloc[-1]
    ax.plot([last["compute_flop"]], [last["wall_utilization"]], marker="X", color="black", markersize=6)


def _axes(ax, title, ylabel="wall-time utilization"):
    ax.set_xscale("log")
    ax.set_title(title, fontsize=9)
    ax.set_xlabel("training compute (FLOP)")
    ax.set_ylabel(ylabel)
    ax.grid(True, alpha=0.3)


def _hardware_name(rf, code) -> str:
    return rf.hardware_names[code] if code < len(rf.hardware_names) else str(code)


def failure_variants(points) -> list[tuple[int, float]]:
    """Distinct (failure_recovery code, restart_time_s) pairs, no failures first (one of them)."""
    seen, out = set(), []
    for rec, restart in zip(points["failure_recovery"], points["restart_time_s"]):
        key = (int(rec), None if rec == 0 or math.isnan(restart) else float(restart))
        if key not in seen:
            seen.add(key)
            out.append(key)
    return sorted(out, key=lambda k: (k[0], -(k[1] or 0)))


def failures_figure(rf, title: str):
    p = _feasible(rf.points)
    p = p[(p["batch_rule"] == 0) & (p["ramp_phases"] == 1) & (p["sites"] == 1)]
    hardware = sorted(p["hardware"].unique())
    fig, axes = plt.subplots(2, len(hardware), figsize=(6 * len(hardware), 8), squeeze=False)
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for j, hw in enumerate(hardware):
        ph = p[p["hardware"] == hw]
        for i, (rec, restart) in enumerate(failure_variants(ph)):
            sel = ph[ph["failure_recovery"] == rec]
            if restart is not None:
                sel = sel[sel["restart_time_s"] == restart]
            label = "no failures" if rec == 0 else f"{_name(rf, 'failure_recovery', rec)}, restart {restart:g} s"
            style, color = LINESTYLES[i % len(LINESTYLES)], colors[i % len(colors)]
            _line(axes[0][j], sel.drop_duplicates("d_model"), label, style, color)
            sel = sel.drop_duplicates("d_model").sort_values("compute_flop")
            if rec != 0:
                share = sel["failure_overhead_s"] / (sel["wall_s"] - sel["failure_overhead_s"])
                axes[1][j].plot(sel["compute_flop"], share, linestyle=style, marker=".", label=label, color=color)
        _axes(axes[0][j], _hardware_name(rf, hw))
        _axes(axes[1][j], _hardware_name(rf, hw) + ": failure overhead", "overhead / compute time")
        axes[1][j].set_yscale("log")
        axes[0][j].legend(fontsize=7)
        axes[1][j].legend(fontsize=7)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def sites_figure(rf, title: str):
    p = _feasible(rf.points)
    one = p[p["sites"] == 1].drop_duplicates("d_model")
    many = p[p["sites"] > 1]
    bandwidths = sorted(many["site_bandwidth_GBps"].dropna().unique())
    crossings = sorted(many["site_crossing"].unique())
    fig, axes = plt.subplots(len(bandwidths), len(crossings), figsize=(6 * len(crossings), 3.6 * len(bandwidths)),
                             squeeze=False)
    counts = sorted(many["sites"].unique())
    for i, bw in enumerate(bandwidths):
        for j, cross in enumerate(crossings):
            ax = axes[i][j]
            _line(ax, one, "1 site", "-", "black")
            for k, count in enumerate(counts):
                sel = many[(many["sites"] == count) & (many["site_bandwidth_GBps"] == bw) &
                           (many["site_crossing"] == cross)]
                _line(ax, sel, f"{count} sites", LINESTYLES[(k + 1) % len(LINESTYLES)])
            ax.set_yscale("log")
            _axes(ax, f"{bw:g} GB/s per GPU between sites, {_name(rf, 'site_crossing', cross)} across")
            ax.legend(fontsize=7)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def batch_figure(rf, title: str):
    p = _feasible(rf.points)
    p = p[(p["failure_recovery"] == 0) & (p["sites"] == 1)]
    hardware = sorted(p["hardware"].unique())
    fig, axes = plt.subplots(1, len(hardware), figsize=(6 * len(hardware), 4.2), squeeze=False)
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for j, hw in enumerate(hardware):
        ph = p[p["hardware"] == hw]
        for i, rule in enumerate(sorted(ph["batch_rule"].unique())):
            for ramp, style in ((1, "-"), (2, "--")):
                sel = ph[(ph["batch_rule"] == rule) & (ph["ramp_phases"] == ramp)].drop_duplicates("d_model")
                label = _name(rf, "batch_rule", rule) + (" + DeepSeek-V3 ramp" if ramp == 2 else "")
                _line(axes[0][j], sel, label, style, colors[i % len(colors)])
        _axes(axes[0][j], _hardware_name(rf, hw))
        axes[0][j].legend(fontsize=7)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def run_term_figures(rf, subtitle: str) -> list[tuple[str, object, str]]:
    """The figures of the run-level terms this file varies: (file name, figure, caption)."""
    p = rf.points
    if "failure_recovery" not in p.columns:
        return []
    out = []
    ok = _feasible(p)
    if ok["failure_recovery"].nunique() > 1:
        out.append(("run-terms-failures.png", failures_figure(rf, f"Failures and recovery ({subtitle})"),
                    "Wall-time utilization along each frontier with and without failures (top; crosses: the "
                    "largest feasible run) and the failure overhead, checkpoints + lost work + restarts, as a "
                    "share of the compute time (bottom)."))
    if (ok["sites"] > 1).any():
        out.append(("run-terms-sites.png", sites_figure(rf, f"Training across sites ({subtitle})"),
                    "Wall-time utilization along each frontier on K sites (log scale), per bandwidth between "
                    "sites and per kind of parallelism allowed across them."))
    if ok["batch_rule"].nunique() > 1 or (ok["ramp_phases"] > 1).any():
        out.append(("run-terms-batch.png", batch_figure(rf, f"Batch laws and ramps ({subtitle})"),
                    "Wall-time utilization along each frontier per batch policy; dashed: with DeepSeek-V3's "
                    "batch ramp (the first 3.17 % of the tokens at a fifth of the batch)."))
    return out


__all__ = ["batch_figure", "failure_variants", "failures_figure", "run_term_figures", "sites_figure"]
_ = np  # numpy: pandas' columns are numpy arrays
