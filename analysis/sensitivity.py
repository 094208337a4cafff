"""Sensitivity files (`llmsweep sensitivity -o FILE`): the table, CSV rows and the texts that
the bar chart (analysis/figures/sensitivity.py) shares.

Each hardware number is divided and multiplied by a factor (2 by default) and both thresholds
are found again (refined between the paper's widths); the elasticity of a threshold T to a
number x is ln(T(x·f) / T(x/f)) / (2 ln f), about d ln T / d ln x. The file ranks the numbers
by the magnitude of the wall's elasticity.
"""

from __future__ import annotations

import math
import re
from typing import Optional

import numpy as np

from .results import SensitivityFile
from .scenarios import batch_phrase, fmt_flop

NUMBER_TITLES = {
    "flops": "peak FLOP/s",
    "hbm_bandwidth": "HBM bandwidth",
    "l2_bandwidth": "L2 bandwidth",
    "nvlink_bandwidth": "NVLink bandwidth",
    "scaleout_bandwidth": "scale-out bandwidth",
    "nvlink_domain": "NVLink domain size",
    "kernel_latency": "kernel latency",
    "link_latency": "link latency (per hop)",
    "memory": "HBM capacity",
}

_PREFIXES = [(1e15, "P"), (1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k"), (1.0, ""), (1e-3, "m"), (1e-6, "µ"),
             (1e-9, "n")]


def number_title(name: str) -> str:
    return NUMBER_TITLES.get(name, name.replace("_", " "))


def fmt_value(value: float, units: str) -> str:
    """4.5 µs, 989 TFLOP/s, 3.35 TB/s, 8 GPUs, 80 GB."""
    if value is None or not np.isfinite(value):
        return "-"
    if units in ("GPUs", "", "1") or value == 0:
        return f"{value:g} {units}".strip()
    if units in ("B", "B/s", "FLOP/s", "s", "Hz", "FLOP"):
        for scale, prefix in _PREFIXES:
            if abs(value) >= scale * 0.9995:
                return f"{value / scale:.3g} {prefix}{units}"
        return f"{value:.3g} {units}"
    return f"{value:.3g} {units}"


def scenario_phrase(sf: SensitivityFile) -> str:
    parts = [sf.hardware_name, sf.experts, batch_phrase(sf.batch)]
    if not sf.zero_bubble:
        parts.append("no zero-bubble")
    if sf.cluster_sizes and sf.cluster_sizes != "powers-of-two":
        parts.append(f"cluster sizes {sf.cluster_sizes}")
    months = sf.run_months
    parts.append(f"{months:g}-month run")
    return ", ".join(parts)


def fmt_factor(f: float) -> str:
    return f"{f:g}"


def file_stem(sf: SensitivityFile) -> str:
    text = f"sensitivity_{sf.hardware}_{sf.experts}_{sf.batch}"
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text)


def wall_not_moved(sf: SensitivityFile) -> bool:
    """True when no number moves the wall at all: then it most likely lies at or beyond the widest
    width the command walks (the file does not say), and the wall elasticities are not informative."""
    t = sf.table
    base = sf.real("baseline_largest_feasible_flop")
    if t.empty or base is None:
        return False
    return bool(np.all(t["wall_down_flop"].to_numpy() == base) and np.all(t["wall_up_flop"].to_numpy() == base))


def flop_text(x: Optional[float]) -> str:
    """2.048e28, or 'none' when not reached."""
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "none"
    return fmt_flop(float(x))


CSV_HEADER = ["hardware", "hardware_name", "experts", "batch", "cluster_sizes", "zero_bubble", "run_months",
              "factor", "rank", "number", "units", "baseline_value", "wall_elasticity", "linear_scaling_elasticity",
              "wall_down_flop", "wall_up_flop", "linear_scaling_down_flop", "linear_scaling_up_flop",
              "baseline_largest_feasible_flop", "baseline_linear_scaling_ends_flop", "file"]


def csv_rows(sf: SensitivityFile) -> list[dict]:
    rows = []
    for r in sf.table.itertuples():
        rows.append({
            "hardware": sf.hardware, "hardware_name": sf.hardware_name, "experts": sf.experts, "batch": sf.batch,
            "cluster_sizes": sf.cluster_sizes, "zero_bubble": "true" if sf.zero_bubble else "false",
            "run_months": sf.run_months, "factor": sf.factor, "rank": int(r.rank), "number": r.number,
            "units": r.units, "baseline_value": float(r.baseline_value),
            "wall_elasticity": _nan_none(r.wall_elasticity),
            "linear_scaling_elasticity": _nan_none(r.linear_scaling_elasticity),
            "wall_down_flop": _nan_none(r.wall_down_flop), "wall_up_flop": _nan_none(r.wall_up_flop),
            "linear_scaling_down_flop": _nan_none(r.linear_scaling_down_flop),
            "linear_scaling_up_flop": _nan_none(r.linear_scaling_up_flop),
            "baseline_largest_feasible_flop": sf.real("baseline_largest_feasible_flop"),
            "baseline_linear_scaling_ends_flop": sf.real("baseline_linear_scaling_ends_flop"),
            "file": sf.path,
        })
    return rows


def _nan_none(x) -> Optional[float]:
    x = float(x)
    return None if math.isnan(x) else x


def markdown(sf: SensitivityFile, image: str) -> list[str]:
    f = fmt_factor(sf.factor)
    md = [f"### {scenario_phrase(sf)}", ""]
    md.append(f"From `{sf.path}` (llmsweep {sf.attr('llmsweep_version')}, git `{sf.attr('git_hash')}`). "
              f"Baseline: linear scaling ends at {flop_text(sf.real('baseline_linear_scaling_ends_flop'))} FLOP, "
              f"the latency wall is at {flop_text(sf.real('baseline_largest_feasible_flop'))} FLOP (refined between "
              f"the paper's widths; on the paper's widths alone "
              f"{flop_text(sf.real('baseline_coarse_linear_scaling_ends_flop'))} and "
              f"{flop_text(sf.real('baseline_coarse_largest_feasible_flop'))}).")
    md.append("")
    if linear_at_first_width(sf):
        md.append(first_width_note(sf))
        md.append("")
    if wall_not_moved(sf):
        md.append("No number moves the wall: it lies at or beyond the widest width walked, so the wall "
                  "elasticities are 0 by construction and say nothing about the hardware.")
        md.append("")
    md.append(f"| rank | number | baseline value | wall elasticity | linear-scaling elasticity | wall at ÷{f} | "
              f"wall at ×{f} | linear scaling ends at ÷{f} | linear scaling ends at ×{f} |")
    md.append("|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in sf.table.itertuples():
        md.append(f"| {int(r.rank)} | {number_title(r.number)} (`{r.number}`) | {fmt_value(r.baseline_value, r.units)} "
                  f"| {_md_e(r.wall_elasticity)} | {_md_e(r.linear_scaling_elasticity)} "
                  f"| {flop_text(r.wall_down_flop)} | {flop_text(r.wall_up_flop)} "
                  f"| {flop_text(r.linear_scaling_down_flop)} | {flop_text(r.linear_scaling_up_flop)} |")
    md.append("")
    md.append(f"![Elasticity of both thresholds to each hardware number, {scenario_phrase(sf)}]({image})")
    md.append("")
    return md


def _md_e(e) -> str:
    e = float(e)
    if math.isnan(e):
        return "n/a"
    if 0 < abs(e) < 0.0005:
        return f"{e:.2g}"
    return f"{e:.3f}"


def linear_at_first_width(sf: SensitivityFile) -> bool:
    """True when the baseline's linear scaling seems to end at the first width walked: the refined
    and coarse baselines agree and no perturbation lowers it (the file does not say directly)."""
    base = sf.real("baseline_linear_scaling_ends_flop")
    coarse = sf.real("baseline_coarse_linear_scaling_ends_flop")
    if base is None or coarse is None or base != coarse or sf.table.empty:
        return False
    values = np.concatenate([sf.table["linear_scaling_down_flop"].to_numpy(float),
                             sf.table["linear_scaling_up_flop"].to_numpy(float)])
    values = values[np.isfinite(values)]
    return bool(values.size) and float(values.min()) >= base


def first_width_note(sf: SensitivityFile) -> str:
    return (f"Linear scaling ends at the first width walked ({flop_text(sf.real('baseline_linear_scaling_ends_flop'))} "
            "FLOP): utilization there is already at most 0.8 × the cap, so that threshold cannot fall further and "
            "its elasticities only show the numbers that raise it.")
