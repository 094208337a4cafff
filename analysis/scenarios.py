"""Scenarios, their frontiers and thresholds (docs/MODEL.md section 9).

A scenario is every input but the width: the rows of one scenario differ only in width and
form a frontier when walked by ascending width_index (analysis/frontier.py, the one Python
copy of the walk that `llmsweep summarize` and `llmsweep frontier` apply in C++). Option names
come from the file (analysis/vocabulary.py).
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from typing import Optional

import numpy as np
import pandas as pd

from . import vocabulary
from .frontier import FRONTIER_MIN_UTILIZATION, LINEAR_SCALING_FRACTION, PENDING, threshold_utilization, walk
from .results import ResultsFile

__all__ = ["FRONTIER_MIN_UTILIZATION", "LINEAR_SCALING_FRACTION", "Scenario", "scenarios_of"]

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
    "failures": "failures",
    "sites": "sites",
    "ramp": "batch ramp",
}

# Axes whose values the parameters above already describe (from the input columns).
KNOWN_AXES = {"hardware", "width", "d_ff_ratio", "depth", "experts", "batch", "batch_multiplier", "seq_len",
              "run_months", "zero_bubble_allowed", "zb_latency", "search", "gpus"}

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
    inputs: dict                       # input column -> value, from its first computed row
    hardware_code: int
    hardware_name: str
    cap: float
    table: pd.DataFrame                # the file's rows sorted by scenario, width_index
    start: int                         # this scenario's rows are table.iloc[start:end]
    end: int
    keep: int                          # the first `keep` of them are the frontier
    first_infeasible_d_model: Optional[int] = None
    linear_scaling_ends_flop: Optional[float] = None
    largest_feasible_flop: Optional[float] = None
    pending: int = 0
    stopped_at_pending: bool = False
    infeasible_status: Optional[str] = None

    @property
    def rows(self) -> pd.DataFrame:
        """Every row of the scenario, by ascending width_index."""
        return self.table.iloc[self.start:self.end]

    @property
    def frontier(self) -> pd.DataFrame:
        """The walked rows (section 9)."""
        return self.table.iloc[self.start:self.start + self.keep]

    @property
    def hit_wall(self) -> bool:
        """Whether the frontier ended at the latency wall rather than at the last swept width."""
        if self.first_infeasible_d_model is not None:
            return True
        return bool(self.keep) and float(threshold_utilization(self.frontier)[-1]) < FRONTIER_MIN_UTILIZATION

    def display(self, key: str) -> str:
        return fmt_number(self.params.get(key))

    def label(self, keys, sep: str = ", ") -> str:
        """A readable label from the given parameters (hardware by display name)."""
        return describe(keys, [self.params.get(k) for k in keys], self.hardware_name, sep)


def describe(keys, values, hardware_name: Optional[str] = None, sep: str = ", ") -> str:
    """A readable label for parameter values: hardware by display name when it is known."""
    parts = []
    for k, v in zip(keys, values):
        if k == "hardware" and hardware_name is not None:
            parts.append(hardware_name)
        elif k == "experts":
            parts.append(fmt_number(v))
        elif k == "batch":
            parts.append(batch_phrase(v))
        elif k == "zero_bubble":
            parts.append("zero-bubble" if v == "true" else "no zero-bubble")
        elif k == "file":
            parts.append(str(v))
        else:
            parts.append(f"{title_of(k)} {fmt_number(v)}")
    return sep.join(parts)


def _row_params(labels: dict[str, list[str]], r: dict) -> dict:
    """Scenario parameters from one computed row of it (inputs are constant over a scenario)."""
    def real(col: str) -> Optional[float]:
        if col not in r:
            return None
        v = float(r[col])
        return None if math.isnan(v) else v

    def integer(col: str) -> Optional[int]:
        return int(r[col]) if col in r else None

    p: dict = {}
    rule = vocabulary.name_of(labels, "experts_rule", r["experts_rule"])
    p["experts"] = f"E={int(r['experts'])}" if rule == "count" else rule
    batch = vocabulary.name_of(labels, "batch_rule", r["batch_rule"])
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
    p["zb_latency"] = vocabulary.name_of(labels, "zb_latency", r["zb_latency"]) if "zb_latency" in r else None
    p["search"] = vocabulary.search_name(labels, r)
    gpus = integer("requested_gpus")
    p["gpus"] = "smallest" if not gpus else gpus
    return p


INPUT_COLUMNS = ("hardware", "experts_rule", "experts", "batch_rule", "batch_tokens", "zero_bubble_allowed",
                 "batch_exponent", "batch_multiplier", "d_ff_ratio", "depth_multiplier", "depth_exponent", "layers",
                 "seq_len", "run_months", "zb_latency", "search", "prune_flattened", "microbatch_candidates",
                 "requested_gpus")


def scenarios_of(rf: ResultsFile, file_index: int = 0) -> list[Scenario]:
    """The file's scenarios in id order, each walked (scenarios with no computed row are left out)."""
    pts = rf.points
    table = pts[pts["scenario"] >= 0].sort_values(["scenario", "width_index", "row"], kind="stable")
    table = table.reset_index(drop=True)
    if len(table) == 0:
        return []
    cols = {c: table[c].to_numpy() for c in ("scenario", "status", "compute_flop", "d_model")}
    cols["utilization"] = threshold_utilization(table)
    inputs = {c: table[c].to_numpy() for c in INPUT_COLUMNS if c in table.columns}
    hw_axis = table["axis:hardware"].to_numpy() if "axis:hardware" in table.columns else None
    # Explicit-plan axes, and any axis this code does not know yet (a newer llmsweep's), by label.
    label_axes = {PLAN_AXES.get(axis, axis): (table["axis:" + axis].to_numpy(), rf.axis_labels[axis])
                  for axis in rf.axis_names
                  if axis not in KNOWN_AXES and "axis:" + axis in table.columns and axis in rf.axis_labels}
    starts = np.concatenate([[0], np.flatnonzero(np.diff(cols["scenario"])) + 1])
    ends = np.concatenate([starts[1:], [len(table)]])
    out: list[Scenario] = []
    for start, end in zip(starts.tolist(), ends.tolist()):
        done = np.flatnonzero(cols["status"][start:end] != PENDING)
        if not done.size:
            continue  # nothing of it computed yet: no inputs to describe it by
        r = {c: v[start + int(done[0])] for c, v in inputs.items()}
        code = int(hw_axis[start]) if hw_axis is not None else int(r["hardware"])
        params = _params(rf, r, code, {key: (digits[start], labels) for key, (digits, labels) in label_axes.items()})
        cap = rf.utilization_caps[code] if code < len(rf.utilization_caps) else 1.0
        w = walk(*_walked(rf, cols, table, start, end), cap)
        out.append(Scenario(
            file=rf, file_index=file_index, id=int(cols["scenario"][start]), params=params, inputs=r,
            hardware_code=code,
            hardware_name=rf.hardware_names[code] if code < len(rf.hardware_names) else params["hardware"],
            cap=cap, table=table, start=start, end=end, keep=w.keep,
            first_infeasible_d_model=w.first_infeasible_d_model or None,  # 0: a width not stored
            linear_scaling_ends_flop=w.linear_scaling_ends_flop, largest_feasible_flop=w.largest_feasible_flop,
            pending=int(end - start - done.size), stopped_at_pending=w.stopped_at_pending,
            infeasible_status=rf.status_label(w.infeasible_status) if w.infeasible_status is not None else None,
        ))
    return out


DEADLINE = 3  # the status code of a point whose run no cluster can finish in time


def _walked(rf: ResultsFile, cols: dict, table: pd.DataFrame, start: int, end: int) -> tuple:
    """A scenario's status, utilization, compute and d_model in width order, for the walk. A file
    of feasible rows only (keep = feasible) has no row for an infeasible width: the walk meets a
    stand-in there (infeasible in a complete file, with its d_model from the width labels where
    they are widths; not known yet, like a pending point, in an incomplete one)."""
    arrays = [cols[c][start:end] for c in ("status", "utilization", "compute_flop", "d_model")]
    if rf.attr("keep", "all") != "feasible":
        return tuple(arrays)
    widths = table["width_index"].to_numpy()[start:end]
    gap = next((i for i, w in enumerate(widths) if w != i), len(widths))
    size = dict(zip(rf.axis_names, rf.axis_sizes)).get("width", len(widths))
    if gap >= size:
        return tuple(arrays)
    label = (rf.axis_labels.get("width") or [""] * size)[gap]
    d_model = int(label) if label.isdigit() else 0
    stand_in = (DEADLINE if rf.complete else PENDING, np.nan, np.nan, d_model)
    return tuple(np.append(a[:gap], v) for a, v in zip(arrays, stand_in))


def _params(rf: ResultsFile, r: dict, code: int, axis_digits: dict) -> dict:
    """A scenario's parameters, in table order (those of axes this code does not know go last)."""
    stem = rf.hardware_stems[code] if code < len(rf.hardware_stems) else f"hw{code}"
    params = {"file": os.path.splitext(rf.name)[0], "hardware": stem}
    params.update(_row_params(rf.labels, r))
    for key, (d, labels) in axis_digits.items():
        d = int(d)
        params[key] = _maybe_number(labels[d] if d < len(labels) else str(d))
    return {**{k: params[k] for k in PARAM_TITLES if k in params},
            **{k: v for k, v in params.items() if k not in PARAM_TITLES}}


def _maybe_number(s: str):
    for kind in (int, float):
        try:
            return kind(s)
        except ValueError:
            pass
    return s


def title_of(key: str) -> str:
    return PARAM_TITLES.get(key, key.replace("_", " "))


def varied_params(scenarios: list[Scenario]) -> list[str]:
    """Parameters whose value differs between scenarios, in table order."""
    out = []
    keys = list(PARAM_TITLES) + [k for s in scenarios[:1] for k in s.params if k not in PARAM_TITLES]
    for k in keys:
        first = _key(scenarios[0].params.get(k)) if scenarios else None
        if any(_key(s.params.get(k)) != first for s in scenarios):
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


# The reference run's numbers and flags: a constant input with another value is named in figure
# titles. Categorical inputs take their reference name from the file (reference_values).
DEFAULTS = {"zero_bubble": "true", "batch_multiplier": 1.0, "d_ff_ratio": 4.0, "depth_multiplier": 1.0,
            "depth_exponent": "fit", "seq_len": 2048, "run_months": 3.0, "gpus": "smallest",
            "model": "reference", "failures": "profile", "sites": "profile", "ramp": "none"}
CATEGORICAL_PARAMS = ("zb_latency", "cluster_sizes")


def reference_values(rf: ResultsFile) -> dict:
    """The reference model's choice of each categorical input, as the file names it."""
    out = {k: vocabulary.reference_name(rf.labels, k) for k in CATEGORICAL_PARAMS}
    out["search"] = vocabulary.reference_search(rf.labels)
    return {k: v for k, v in out.items() if v is not None}


NOT_CONTEXT = {"file", "hardware", "experts", "batch", "batch_exponent", "layers"}


def constant_context(scenarios: list[Scenario], varied: list[str]) -> str:
    """Inputs that every scenario shares and that differ from the reference run's, as words
    ('cluster sizes pow2-domains'); plan axes fixed to a value other than 'best' too."""
    if not scenarios:
        return ""
    parts = []
    defaults = {**DEFAULTS, **reference_values(scenarios[0].file)}
    for k, v in scenarios[0].params.items():
        if k in varied or k in NOT_CONTEXT or v is None:
            continue
        default = defaults.get(k, "best")
        if _key(v) == default or (isinstance(v, float) and isinstance(default, float) and v == default):
            continue
        if k == "zero_bubble":
            parts.append("no zero-bubble")
        else:
            parts.append(f"{title_of(k)} {fmt_number(v)}")
    return ", ".join(parts)
