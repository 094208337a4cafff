"""Scenarios, their frontiers and thresholds (docs/MODEL.md section 9).

A scenario is every input but the width: the rows of one scenario differ only in width and
form a frontier when walked by ascending width_index. The walk stops at the first infeasible
row (its d_model is first_infeasible_d_model; it is not a frontier row), after the first row
with utilization < 0.001 (that row is kept), or at a row not computed yet (pending). Linear
scaling ends at the first walked row with utilization <= 0.8 x the hardware's utilization cap;
the latency wall is the largest compute of the walked rows. This is what
`llmsweep summarize` and `llmsweep frontier` compute in C++ (src/io/summary.cpp,
src/search/frontier.cpp).
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, field
from typing import Optional

import numpy as np
import pandas as pd

from .results import PENDING, STATUS_OK, ResultsFile

LINEAR_SCALING_FRACTION = 0.8
FRONTIER_MIN_UTILIZATION = 0.001

# The threshold table always has these scenario columns, then any other input that varies.
BASE_PARAMS = ("hardware", "experts", "batch", "zero_bubble")
THRESHOLD_COLUMNS = ("linear_scaling_ends_flop", "largest_feasible_flop", "first_infeasible_d_model")

# Every scenario parameter, in table order, with a readable title.
PARAM_TITLES = {
    "file": "file",
    "hardware": "hardware",
    "experts": "experts",
    "batch": "batch law",
    "zero_bubble": "zero-bubble allowed",
    "batch_exponent": "batch exponent",
    "batch_multiplier": "batch multiplier",
    "d_ff_ratio": "d_ff / d_model",
    "depth_multiplier": "depth multiplier",
    "depth_exponent": "depth exponent",
    "layers": "layers",
    "seq_len": "sequence length",
    "run_months": "run months",
    "zb_latency": "zero-bubble latency",
    "search": "plan search",
    "gpus": "cluster GPUs",
    "dp": "DP",
    "tp_model": "TP (d_model)",
    "tp_ff": "TP (d_ff)",
    "pp": "PP",
    "ep": "EP",
    "microbatches": "microbatches",
    "interleave": "interleave",
    "plan_zero_bubble": "zero-bubble plan",
}

# Explicit-parallelism axes: not input columns, so their values come from the /axes labels.
PLAN_AXES = {"dp": "dp", "tp_model": "tp_model", "tp_ff": "tp_ff", "pp": "pp", "ep": "ep",
             "microbatches": "microbatches", "interleave": "interleave", "zero_bubble": "plan_zero_bubble"}


def fmt_number(x) -> str:
    if x is None:
        return "-"
    if isinstance(x, float):
        if math.isnan(x):
            return "-"
        return f"{x:g}"
    return str(x)


def fmt_flop(x: Optional[float]) -> str:
    """2.048e28 style: four significant digits, no '+' in the exponent."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    mantissa, exponent = f"{x:.3e}".split("e")
    return f"{mantissa}e{int(exponent)}"


def batch_phrase(v) -> str:
    return {"default": "default batch", "deepseek": "DeepSeek batch", "none": "fixed batch (none)",
            "power": "power-law batch"}.get(v, f"batch {fmt_number(v)}")


@dataclass
class Scenario:
    file: ResultsFile
    file_index: int
    id: int
    params: dict                       # parameter -> value (str, int, float or None)
    hardware_code: int
    hardware_name: str
    cap: float
    rows: pd.DataFrame                 # every row of the scenario, by ascending width_index
    frontier: pd.DataFrame             # the walked rows
    first_infeasible_d_model: Optional[int] = None
    linear_scaling_ends_flop: Optional[float] = None
    largest_feasible_flop: Optional[float] = None
    pending: int = 0
    stopped_at_pending: bool = False
    infeasible_status: Optional[str] = None

    def display(self, key: str) -> str:
        return fmt_number(self.params.get(key))

    def label(self, keys, sep: str = ", ") -> str:
        """A readable label from the given parameters (hardware by display name)."""
        parts = []
        for k in keys:
            v = self.params.get(k)
            if k == "hardware":
                parts.append(self.hardware_name)
            elif k == "experts":
                parts.append(self.display(k))
            elif k == "batch":
                parts.append(batch_phrase(v))
            elif k == "zero_bubble":
                parts.append("zero-bubble" if v == "true" else "no zero-bubble")
            elif k == "file":
                parts.append(str(v))
            else:
                parts.append(f"{PARAM_TITLES.get(k, k)} {self.display(k)}")
        return sep.join(parts)


def walk(rows: pd.DataFrame, cap: float):
    """The frontier walk of section 9 over one scenario's rows (sorted by width_index).

    Returns (walked rows, first_infeasible_d_model, linear_scaling_ends, largest_feasible,
    stopped_at_pending, status code of the first infeasible row).
    """
    status = rows["status"].to_numpy()
    utilization = rows["utilization"].to_numpy(dtype=float)
    keep = 0
    first_infeasible = None
    stopped_at_pending = False
    infeasible_code = None
    for i in range(len(rows)):
        if status[i] == PENDING:
            stopped_at_pending = True
            break
        if status[i] != STATUS_OK:
            first_infeasible = int(rows["d_model"].iat[i])
            infeasible_code = int(status[i])
            break
        keep = i + 1
        if utilization[i] < FRONTIER_MIN_UTILIZATION:
            break
    walked = rows.iloc[:keep]
    linear = None
    largest = None
    limit = LINEAR_SCALING_FRACTION * cap
    for c, u in zip(walked["compute_flop"].to_numpy(dtype=float), walked["utilization"].to_numpy(dtype=float)):
        if linear is None and u <= limit:
            linear = float(c)
        if largest is None or c > largest:
            largest = float(c)
    return walked, first_infeasible, linear, largest, stopped_at_pending, infeasible_code


def _row_params(rf: ResultsFile, r: pd.Series) -> dict:
    """Scenario parameters from one computed row of it (inputs are constant over a scenario)."""
    def label(col: str, code) -> str:
        labels = rf.labels.get(col, [])
        code = int(code)
        return labels[code] if 0 <= code < len(labels) else f"{col}{code}"

    def real(col: str) -> Optional[float]:
        if col not in r.index:
            return None
        v = float(r[col])
        return None if math.isnan(v) else v

    def integer(col: str) -> Optional[int]:
        return int(r[col]) if col in r.index else None

    p: dict = {}
    rule = label("experts_rule", r["experts_rule"])
    p["experts"] = {"dense": "dense", "width-scaled": "sparse"}.get(rule, f"E={int(r['experts'])}")
    batch = label("batch_rule", r["batch_rule"])
    if batch == "tokens":
        batch = f"tokens={integer('batch_tokens')}"
    p["batch"] = batch
    p["zero_bubble"] = "true" if int(r.get("zero_bubble_allowed", 1)) else "false"
    p["batch_exponent"] = real("batch_exponent") if batch == "power" else None
    p["batch_multiplier"] = real("batch_multiplier") if not batch.startswith("tokens") else None
    p["d_ff_ratio"] = real("d_ff_ratio")
    explicit_layers = real("depth_multiplier") is None
    p["depth_multiplier"] = None if explicit_layers else real("depth_multiplier")
    exponent = real("depth_exponent")
    p["depth_exponent"] = None if explicit_layers else (exponent if exponent is not None else "fit")
    p["layers"] = integer("layers") if explicit_layers else None
    p["seq_len"] = integer("seq_len")
    p["run_months"] = real("run_months")
    p["zb_latency"] = label("zb_latency", r["zb_latency"]) if "zb_latency" in r.index else None
    prune = int(r.get("prune_flattened", 1))
    candidates = int(r.get("microbatch_candidates", 4))
    p["search"] = {(1, 4): "reference", (0, 4): "exhaustive", (1, 0): "all-microbatches",
                   (0, 0): "corrected"}.get((prune, candidates), f"prune={prune},m={candidates}")
    gpus = integer("requested_gpus")
    p["gpus"] = "smallest" if not gpus else gpus
    return p


def scenarios_of(rf: ResultsFile, file_index: int = 0) -> list[Scenario]:
    pts = rf.points
    out: list[Scenario] = []
    for sid, g in pts[pts["scenario"] >= 0].groupby("scenario", sort=True):
        g = g.sort_values(["width_index", "row"], kind="stable")
        done = g[g["status"] != PENDING]
        if done.empty:
            continue  # nothing of it computed yet: no inputs to describe it by
        first = done.iloc[0]
        if "axis:hardware" in g.columns:
            code = int(g["axis:hardware"].iat[0])
        else:
            code = int(first["hardware"])
        params = {"file": os.path.splitext(rf.name)[0], "hardware": rf.hardware_stems[code]
                  if code < len(rf.hardware_stems) else f"hw{code}"}
        params.update(_row_params(rf, first))
        for axis, key in PLAN_AXES.items():
            if "axis:" + axis in g.columns and axis in rf.axis_labels:
                labels = rf.axis_labels[axis]
                d = int(g["axis:" + axis].iat[0])
                value = labels[d] if d < len(labels) else str(d)
                params[key] = _maybe_int(value)
        # Order the parameters as in PARAM_TITLES.
        params = {k: params.get(k) for k in PARAM_TITLES if k in params}
        cap = rf.utilization_caps[code] if code < len(rf.utilization_caps) else 1.0
        walked, first_inf, linear, largest, at_pending, code_inf = walk(g, cap)
        out.append(Scenario(
            file=rf, file_index=file_index, id=int(sid), params=params, hardware_code=code,
            hardware_name=rf.hardware_names[code] if code < len(rf.hardware_names) else params["hardware"],
            cap=cap, rows=g, frontier=walked, first_infeasible_d_model=first_inf,
            linear_scaling_ends_flop=linear, largest_feasible_flop=largest,
            pending=int((g["status"] == PENDING).sum()), stopped_at_pending=at_pending,
            infeasible_status=rf.status_label(code_inf) if code_inf is not None else None,
        ))
    return out


def _maybe_int(s: str):
    try:
        return int(s)
    except ValueError:
        return s


def varied_params(scenarios: list[Scenario]) -> list[str]:
    """Parameters whose value differs between scenarios, in table order."""
    out = []
    for k in PARAM_TITLES:
        values = {_key(s.params.get(k)) for s in scenarios}
        if len(values) > 1:
            out.append(k)
    return out


def _key(v):
    if isinstance(v, float) and math.isnan(v):
        return None
    return v


def sort_key(value):
    """Orders parameter values: numbers numerically (also inside labels like 'power 0.3')."""
    if value is None:
        return (0, (), "")
    if isinstance(value, (int, float, np.integer, np.floating)):
        return (1, (float(value),), "")
    nums = tuple(float(x) for x in re.findall(r"[-+]?\d*\.?\d+(?:[eE][-+]?\d+)?", str(value)))
    return (2 if nums else 3, nums, str(value))


def table_columns(scenarios: list[Scenario]) -> list[str]:
    """Scenario columns of the threshold table: the base four, then other inputs that vary."""
    varied = varied_params(scenarios)
    extra = [k for k in varied if k not in BASE_PARAMS]
    if any(s.params.get("batch") == "power" for s in scenarios) and "batch_exponent" not in extra:
        extra.insert(0, "batch_exponent")
    return list(BASE_PARAMS) + extra


def thresholds_table(scenarios: list[Scenario]) -> pd.DataFrame:
    cols = table_columns(scenarios)
    extra = cols[len(BASE_PARAMS):]
    records = []
    for s in scenarios:
        rec = {k: s.display(k) for k in BASE_PARAMS}
        rec["linear_scaling_ends_flop"] = s.linear_scaling_ends_flop
        rec["largest_feasible_flop"] = s.largest_feasible_flop
        rec["first_infeasible_d_model"] = s.first_infeasible_d_model
        for k in extra:
            rec[k] = s.display(k)
        records.append(rec)
    order = list(BASE_PARAMS) + list(THRESHOLD_COLUMNS) + extra
    return pd.DataFrame.from_records(records, columns=order)
