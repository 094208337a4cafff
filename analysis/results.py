"""Reading one llmsweep file: a sweep's attributes and /points columns, or a sensitivity table.

A sweep file (root attribute kind = "sweep"; older ones have no kind) is described by the file
itself (src/grid/schema.cpp, src/io/results_file.cpp): root attributes (schema_version, spec,
axis_names, axis_sizes, ...), group /axes with the value labels of every axis, and group /points
with one equal-length column per field. A sensitivity file (kind = "sensitivity",
src/io/sensitivity_file.cpp) has root attributes for the scenario and baseline thresholds, and
group /sensitivity with one entry per hardware number in each of its 1-D datasets.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, field
from typing import Optional

import h5py
import numpy as np
import pandas as pd

from . import SUPPORTED_SCHEMA_VERSION, AnalysisError
from .frontier import PENDING, STATUS_OK

__all__ = ["PENDING", "STATUS_OK", "ResultsFile", "SensitivityFile", "check_usable", "load"]

# Columns the analysis cannot do without.
REQUIRED_COLUMNS = (
    "scenario", "width_index", "hardware", "status", "d_model", "compute_flop", "utilization", "gpus",
    "run_s", "matmul_s", "busy_s", "bubble_s", "exposed_comm_s", "exposed_latency_s",
    "dp", "tp_model", "tp_ff", "pp", "ep", "experts_rule", "batch_rule",
)


PER_LEVEL = re.compile(r"_level\d+$")


def _text(value) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, np.ndarray) and value.shape == ():
        return _text(value[()])
    return str(value)


def _texts(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (str, bytes)):
        return [_text(value)]
    return [_text(v) for v in np.asarray(value).ravel()]


def _int(value) -> int:
    return int(np.asarray(value).ravel()[0])


@dataclass
class ResultsFile:
    path: str
    attrs: dict
    points: pd.DataFrame              # one row per grid point, in grid order
    labels: dict[str, list[str]]      # categorical column -> code labels
    hardware_stems: list[str]
    hardware_names: list[str]
    utilization_caps: list[float]
    axis_names: list[str]
    axis_sizes: list[int]
    axis_labels: dict[str, list[str]]
    varied_axes: list[str]
    status_descriptions: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # anything odd found while reading

    @property
    def name(self) -> str:
        return os.path.basename(self.path)

    @property
    def complete(self) -> bool:
        return bool(self.attrs.get("complete", 0))

    def attr(self, key: str, default: str = "") -> str:
        value = self.attrs.get(key)
        return default if value is None else _text(value)

    def status_label(self, code: int) -> str:
        labels = self.labels.get("status", [])
        if code == PENDING:
            return "pending"
        return labels[code] if 0 <= code < len(labels) else f"status {code}"

    def profile_text(self, stem: str) -> str:
        """The hardware profile (TOML text) the sweep stored for `stem`, or ''."""
        return self.attr("profile:" + stem)


# The columns of a sensitivity file's /sensitivity group (src/io/sensitivity_file.cpp), one entry
# per hardware number, in the file's rank order.
SENSITIVITY_COLUMNS = ("baseline_value", "wall_elasticity", "linear_scaling_elasticity", "wall_down_flop",
                       "wall_up_flop", "linear_scaling_down_flop", "linear_scaling_up_flop")


@dataclass
class SensitivityFile:
    """`llmsweep sensitivity -o FILE`: the elasticity of both thresholds to each hardware number."""
    path: str
    attrs: dict
    table: pd.DataFrame               # number, units, then SENSITIVITY_COLUMNS; ranked as in the file
    description: str = ""

    @property
    def name(self) -> str:
        return os.path.basename(self.path)

    def attr(self, key: str, default: str = "") -> str:
        value = self.attrs.get(key)
        return default if value is None else _text(value)

    def real(self, key: str) -> Optional[float]:
        """A one-element real attribute; None when missing or NaN (NaN = none)."""
        value = self.attrs.get(key)
        if value is None:
            return None
        try:
            v = float(np.asarray(value, dtype=float).ravel()[0])
        except (TypeError, ValueError, IndexError):
            return None
        return None if math.isnan(v) else v

    @property
    def hardware(self) -> str:
        return self.attr("hardware")

    @property
    def hardware_name(self) -> str:
        return self.attr("hardware_name") or self.hardware

    @property
    def experts(self) -> str:
        return self.attr("experts", "dense")

    @property
    def batch(self) -> str:
        return self.attr("batch", "default")

    @property
    def factor(self) -> float:
        return self.real("factor") or 2.0

    @property
    def run_months(self) -> float:
        return self.real("run_months") or 3.0

    @property
    def zero_bubble(self) -> bool:
        value = self.attrs.get("zero_bubble")
        return True if value is None else bool(_int(value))

    @property
    def cluster_sizes(self) -> str:
        return self.attr("cluster_sizes", "powers-of-two")

    def profile_text(self, stem: str | None = None) -> str:
        return self.attr("profile:" + (stem or self.hardware))


def _load_sensitivity(path: str, f: h5py.File) -> SensitivityFile:
    attrs = {k: (f.attrs[k] if not isinstance(f.attrs[k], bytes) else _text(f.attrs[k])) for k in f.attrs}
    group = f["sensitivity"]
    if "hardware" not in attrs:
        raise _fail(path, "sensitivity file without its hardware attribute (not a complete llmsweep file)")
    if "number" not in group.attrs:
        raise _fail(path, "sensitivity file without the /sensitivity number attribute (not a complete llmsweep file)")
    numbers = [n for n in _texts(group.attrs["number"])]
    units = _texts(group.attrs.get("units"))
    if numbers == [""]:
        numbers = []  # nothing applies: the C++ writes one empty name
    if units == [""]:
        units = []
    columns: dict[str, np.ndarray] = {}
    for name in SENSITIVITY_COLUMNS:
        ds = group.get(name)
        if not isinstance(ds, h5py.Dataset):
            raise _fail(path, f"missing dataset /sensitivity/{name} (not a complete llmsweep sensitivity file)")
        try:
            values = np.asarray(ds[()], dtype=float).ravel()
        except (OSError, TypeError, ValueError) as e:
            raise _fail(path, f"cannot read /sensitivity/{name}: {e}") from None
        if len(values) != len(numbers):
            raise _fail(path, f"/sensitivity/{name} has {len(values)} entries, the number attribute "
                              f"{len(numbers)}")
        columns[name] = values
    if len(units) != len(numbers):
        units = (units + [""] * len(numbers))[:len(numbers)]
    table = pd.DataFrame({"rank": np.arange(1, len(numbers) + 1), "number": numbers, "units": units, **columns})
    return SensitivityFile(path=path, attrs=attrs, table=table,
                           description=_text(group.attrs.get("description", "")))


def _fail(path: str, message: str) -> AnalysisError:
    return AnalysisError(f"{path}: {message}")


def _decode_grid(index: np.ndarray, names: list[str],
                 sizes: list[int]) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Scenario, width position and axis digits of every row, from its grid index alone.

    The grid is mixed radix over the axes in file order (the last axis fastest); the scenario is
    the same number over every axis but the width. Pending rows in an interrupted file hold only
    the datasets' fill values, so their stored scenario/width_index columns cannot be trusted.
    """
    n = len(index)
    digits: dict[str, np.ndarray] = {}
    rest = index.copy()
    for name, size in reversed(list(zip(names, sizes))):
        digits[name] = rest % size
        rest //= size
    scenario = np.zeros(n, dtype=np.int64)
    for name, size in zip(names, sizes):
        if name == "width":
            continue
        scenario = scenario * size + digits[name]
    return scenario, digits.get("width", np.zeros(n, dtype=np.int64)), digits


def _open(path: str) -> h5py.File:
    """The file opened for reading; AnalysisError (one line) when it is not an HDF5 file."""
    if not os.path.exists(path):
        raise _fail(path, "no such file")
    if os.path.isdir(path):
        raise _fail(path, "is a folder, not an llmsweep results file")
    try:
        is_hdf5 = h5py.is_hdf5(path)
    except OSError as e:
        raise _fail(path, f"cannot read: {e.strerror or e}") from None
    if not is_hdf5:
        raise _fail(path, "not an HDF5 file, so not an llmsweep results file")
    try:
        return h5py.File(path, "r")
    except OSError as e:
        raise _fail(path, f"cannot open (damaged, or being written by a running sweep): {e}") from None


def _check_version(path: str, f: h5py.File) -> int:
    try:
        version = _int(f.attrs["schema_version"])
    except (TypeError, ValueError, IndexError):
        raise _fail(path, "invalid schema_version attribute") from None
    if version > SUPPORTED_SCHEMA_VERSION:
        raise _fail(path, f"written by a newer llmsweep (schema version {version}; "
                          f"this analysis reads up to {SUPPORTED_SCHEMA_VERSION})")
    if version < 1:
        raise _fail(path, f"invalid schema version {version}")
    return version


NOT_RESULTS = ("not an llmsweep results file (neither a sweep file with a /points group nor a sensitivity "
               "file with a /sensitivity group, or no schema_version attribute)")


def load(path: str) -> "ResultsFile | SensitivityFile":
    """Open and validate one llmsweep file: a sweep (root attribute kind = "sweep", or no kind in
    files from before it existed) gives a ResultsFile, a sensitivity file (kind = "sensitivity")
    a SensitivityFile. AnalysisError (one line) when it is neither, or not usable."""
    f = _open(path)
    with f:
        kind = _text(f.attrs["kind"]) if "kind" in f.attrs else None
        has_points = "points" in f and isinstance(f["points"], h5py.Group)
        has_sensitivity = "sensitivity" in f and isinstance(f["sensitivity"], h5py.Group)
        if "schema_version" not in f.attrs:
            raise _fail(path, NOT_RESULTS)
        if kind == "sensitivity" or (kind is None and has_sensitivity and not has_points):
            if not has_sensitivity:
                raise _fail(path, "sensitivity file without its /sensitivity group (not a complete llmsweep file)")
            _check_version(path, f)
            return _load_sensitivity(path, f)
        if kind not in (None, "sweep"):
            raise _fail(path, f"unknown kind '{kind}' of llmsweep file (this analysis reads 'sweep' and "
                              "'sensitivity' files)")
        if not has_points:
            raise _fail(path, NOT_RESULTS)
        return _load_sweep(path, f)


def _load_sweep(path: str, f: h5py.File) -> ResultsFile:
    _check_version(path, f)
    attrs = {k: (f.attrs[k] if not isinstance(f.attrs[k], bytes) else _text(f.attrs[k])) for k in f.attrs}
    group = f["points"]
    missing = [c for c in REQUIRED_COLUMNS if c not in group]
    if missing:
        raise _fail(path, f"missing column /points/{missing[0]} (not a complete llmsweep results file)")
    points, labels = _read_columns(path, group)
    hw = group["hardware"]
    stems = _texts(attrs.get("hardware")) or labels.get("hardware", [])
    names = _texts(hw.attrs.get("names")) or stems
    caps = [float(c) for c in np.asarray(hw.attrs.get("utilization_cap", [1.0] * len(stems))).ravel()]
    axis_labels = {k: _texts(v) for k, v in f["axes"].attrs.items()} if "axes" in f else {}
    axis_names = _texts(attrs.get("axis_names"))
    axis_sizes = [int(s) for s in np.asarray(attrs.get("axis_sizes", [])).ravel()]
    notes: list[str] = []
    if not _place_rows(points, axis_names, axis_sizes, notes):
        axis_names, axis_sizes = [], []
    points["row"] = np.arange(len(points), dtype=np.int64)
    return ResultsFile(
        path=path, attrs=attrs, points=points, labels=labels, hardware_stems=stems, hardware_names=names,
        utilization_caps=caps, axis_names=axis_names, axis_sizes=axis_sizes, axis_labels=axis_labels,
        varied_axes=[a for a in _texts(attrs.get("varied_axes")) if a],
        status_descriptions=_texts(group["status"].attrs.get("descriptions")), notes=notes,
    )


def _read_columns(path: str, group: h5py.Group) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """Every 1-D column of /points but the per-level degrees, and the labels of the categorical ones."""
    columns: dict[str, np.ndarray] = {}
    labels: dict[str, list[str]] = {}
    length = None
    for name, ds in group.items():
        if not isinstance(ds, h5py.Dataset) or ds.ndim != 1:
            continue
        if ds.attrs.get("CLASS") in (b"DIMENSION_SCALE", "DIMENSION_SCALE"):
            continue  # the `point` dimension: no values of its own
        if PER_LEVEL.search(name):
            continue  # per-level degrees: not used, and large files have many rows
        if length is None:
            length = ds.shape[0]
        elif ds.shape[0] != length:
            raise _fail(path, f"/points/{name} has {ds.shape[0]} rows, other columns {length}")
        try:
            columns[name] = ds[()]
        except OSError as e:
            raise _fail(path, f"cannot read /points/{name}: {e}") from None
        if "labels" in ds.attrs:
            labels[name] = _texts(ds.attrs["labels"])
    return pd.DataFrame(columns), labels


def _place_rows(points: pd.DataFrame, axis_names: list[str], axis_sizes: list[int], notes: list[str]) -> bool:
    """Scenario, width position and axis digits from each row's place in the grid (pending rows hold
    only fill values); False when the file's grid order cannot be used, and then pending rows are
    left out of every scenario."""
    n = len(points)
    # A file of kept rows says where each row sits in the grid (grid_index); otherwise row i is
    # grid point i.
    kept = "grid_index" in points
    index = points["grid_index"].to_numpy(dtype=np.int64) if kept else np.arange(n, dtype=np.int64)
    grid = int(np.prod(axis_sizes, dtype=np.float64)) if axis_sizes else 0
    if axis_names and len(axis_names) == len(axis_sizes) and (grid == n or (kept and (index < grid).all())):
        scenario, width_index, digits = _decode_grid(index, axis_names, axis_sizes)
        done = points["status"].to_numpy() != PENDING
        if (np.array_equal(scenario[done], points["scenario"].to_numpy()[done])
                and np.array_equal(width_index[done], points["width_index"].to_numpy()[done])):
            points["scenario"] = scenario
            points["width_index"] = width_index
            for name, d in digits.items():
                if name != "width":
                    points["axis:" + name] = d
            return True
        notes.append("the scenario/width_index columns disagree with the grid order of axis_sizes; "
                     "using the stored columns")
    pending = points["status"].to_numpy() == PENDING
    if pending.any():
        points.loc[pending, "scenario"] = -1
    return False


def check_usable(rf: ResultsFile) -> None:
    """An empty sweep (nothing computed, or nothing feasible) gives nothing to plot."""
    status = rf.points["status"].to_numpy()
    computed = status != PENDING
    if len(status) == 0 or not computed.any():
        raise _fail(rf.path, f"no computed rows (0 of {len(status)} points done; "
                             "continue the sweep with llmsweep sweep --resume)")
    if not (status == STATUS_OK).any():
        codes, counts = np.unique(status[computed], return_counts=True)
        top = int(codes[np.argmax(counts)])
        desc = rf.status_descriptions[top] if top < len(rf.status_descriptions) else rf.status_label(top)
        raise _fail(rf.path, f"no feasible rows: all {int(computed.sum())} computed points are infeasible "
                             f"(mostly '{rf.status_label(top)}': {desc})")
