"""The frontier walk and its thresholds (docs/MODEL.md section 9): the one Python copy of the rule.

`llmsweep frontier` (src/search/frontier.cpp) and `llmsweep summarize` (src/io/summary.cpp)
apply it in C++; analysis/tests/test_frontier.py runs both on files the binary writes during
the test and checks that this function gives the same rows and numbers. The explorer's page
(analysis/explorer/explorer.js) walks the same way in the browser, and tests/browser checks it
against thresholds.csv, which comes from here.

Walking one scenario's rows by ascending width: the walk stops at the first infeasible row (its
d_model is first_infeasible_d_model; it is not a frontier row), after the first row with
utilization below 0.001 (that row is kept; the utilization is the wall-time one,
threshold_utilization), or at a row not computed yet (pending). Linear
scaling ends at the first walked row with utilization <= 0.8 x the hardware's utilization cap;
the latency wall is the largest compute of the walked rows.
"""

from __future__ import annotations

from typing import NamedTuple, Optional

import numpy as np

PENDING = 255
STATUS_OK = 0
LINEAR_SCALING_FRACTION = 0.8
FRONTIER_MIN_UTILIZATION = 0.001


class Walk(NamedTuple):
    keep: int                                   # the first `keep` rows are the frontier
    first_infeasible_d_model: Optional[int]
    linear_scaling_ends_flop: Optional[float]
    largest_feasible_flop: Optional[float]
    stopped_at_pending: bool
    infeasible_status: Optional[int]            # status code of the row that ended the walk


def threshold_utilization(rows) -> np.ndarray:
    """The utilization the walk compares, per row of a /points table: the wall-time utilization
    (wall_utilization, below utilization when failures cost time), or utilization where a file
    written before the run-level terms has no such column (as `llmsweep frontier` and
    `summarize` do)."""
    utilization = rows["utilization"].to_numpy(dtype=float)
    if "wall_utilization" not in rows.columns:
        return utilization
    wall = rows["wall_utilization"].to_numpy(dtype=float)
    return np.where(np.isnan(wall), utilization, wall)


def walk(status, utilization, compute, d_model, cap: float,
         fraction: float = LINEAR_SCALING_FRACTION) -> Walk:
    """The walk over one scenario's rows, given as arrays in ascending width order."""
    status, d_model = np.asarray(status), np.asarray(d_model)
    utilization = np.asarray(utilization, dtype=float)
    compute = np.asarray(compute, dtype=float)
    not_ok = np.flatnonzero(status != STATUS_OK)
    stop = int(not_ok[0]) if not_ok.size else len(status)
    keep = stop
    low = np.flatnonzero(utilization[:stop] < FRONTIER_MIN_UTILIZATION)
    if low.size:
        keep = int(low[0]) + 1  # that row is kept, and ends the walk
    ended_by_row = not low.size and stop < len(status)
    at_pending = ended_by_row and int(status[stop]) == PENDING
    infeasible = ended_by_row and not at_pending
    linear = largest = None
    if keep:
        below = np.flatnonzero(utilization[:keep] <= fraction * cap)
        linear = float(compute[below[0]]) if below.size else None
        largest = float(np.max(compute[:keep]))
    return Walk(keep, int(d_model[stop]) if infeasible else None, linear, largest, bool(at_pending),
                int(status[stop]) if infeasible else None)
