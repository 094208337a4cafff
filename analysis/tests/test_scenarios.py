"""The frontier walk, and interrupted files whose pending rows hold only fill values."""

from __future__ import annotations

import math
import shutil

import h5py
import numpy as np
import pandas as pd

from analysis.results import PENDING, check_usable, load
from analysis.scenarios import scenarios_of, walk


def rows(status, utilization, compute=None):
    n = len(status)
    return pd.DataFrame({
        "status": status,
        "utilization": utilization,
        "compute_flop": compute or [10.0 ** (24 + i) for i in range(n)],
        "d_model": [1000 * (i + 1) for i in range(n)],
    })


def test_walk_stops_at_first_infeasible():
    walked, first, linear, largest, pending, code = walk(rows([0, 0, 2, 0], [0.7, 0.6, math.nan, 0.7]), cap=0.7)
    assert len(walked) == 2
    assert first == 3000 and code == 2
    assert linear is None  # 0.6 > 0.8 * 0.7
    assert largest == 1e25
    assert not pending


def test_walk_keeps_the_first_row_below_a_thousandth():
    walked, first, linear, largest, _, _ = walk(rows([0, 0, 0, 0], [0.7, 0.8 * 0.7, 0.0005, 0.6]), cap=0.7)
    assert len(walked) == 3
    assert first is None
    assert linear == 1e25  # utilization == 0.8 x cap: the threshold is inclusive
    assert largest == 1e26


def test_walk_ends_after_a_thousandth_before_an_infeasible_row():
    walked, first, linear, largest, pending, code = walk(rows([0, 0, 1], [0.7, 0.0002, math.nan]), cap=0.7)
    assert len(walked) == 2
    assert first is None and code is None and not pending
    assert linear == 1e25 and largest == 1e25


def test_walk_all_feasible():
    walked, first, linear, largest, pending, _ = walk(rows([0, 0, 0], [0.7, 0.69, 0.6]), cap=0.7)
    assert len(walked) == 3 and first is None and linear is None and largest == 1e26 and not pending


def test_walk_stops_at_pending():
    walked, first, linear, largest, pending, _ = walk(rows([0, PENDING, 0], [0.7, math.nan, 0.1]), cap=0.7)
    assert len(walked) == 1 and pending
    assert first is None and linear is None and largest == 1e24


def make_pending(path, indices):
    """What an interrupted sweep leaves: the datasets' fill values (status 255, NaN, zeros)."""
    fill_one = {"prune_flattened": 1, "microbatch_candidates": 4, "status": PENDING}
    with h5py.File(path, "r+") as f:
        for name, ds in f["points"].items():
            data = ds[()]
            if data.dtype.kind == "f":
                data[indices] = np.nan
            else:
                data[indices] = fill_one.get(name, 0)
            ds[...] = data
        f.attrs["complete"] = np.int64(0)
        f.attrs["points_done"] = np.int64(len(data) - len(indices))


def test_interrupted_file(main_file, tmp_path):
    complete = {(s.params["hardware"], s.params["experts"]): s for s in scenarios_of(load(str(main_file)))}
    path = tmp_path / "interrupted.h5"
    shutil.copy(main_file, path)
    rf = load(str(path))
    # Mark the 6th width onwards of a100-sxm sparse as not computed yet.
    target = next(s for s in scenarios_of(rf) if s.params["hardware"] == "a100-sxm" and s.params["experts"] == "sparse")
    pending_rows = target.rows["row"].to_numpy()[5:]
    make_pending(path, pending_rows)

    rf = load(str(path))
    check_usable(rf)
    assert not rf.complete
    got = {(s.params["hardware"], s.params["experts"]): s for s in scenarios_of(rf)}
    assert got.keys() == complete.keys()
    cut = got[("a100-sxm", "sparse")]
    # The pending rows are placed back in their scenario (from the row index), and stop its walk.
    assert cut.pending == len(pending_rows)
    assert cut.stopped_at_pending
    assert len(cut.frontier) == 5
    assert cut.first_infeasible_d_model is None
    assert cut.largest_feasible_flop == complete[("a100-sxm", "sparse")].frontier["compute_flop"].iloc[4]
    # Scenario 0 (where the fill values say they belong) is untouched.
    for key in (("h100-sxm", "dense"), ("h100-sxm", "sparse"), ("a100-sxm", "dense")):
        assert got[key].pending == 0
        assert got[key].largest_feasible_flop == complete[key].largest_feasible_flop
        assert got[key].linear_scaling_ends_flop == complete[key].linear_scaling_ends_flop
        assert got[key].first_infeasible_d_model == complete[key].first_infeasible_d_model


def test_interrupted_report(main_file, tmp_path):
    from analysis import report

    path = tmp_path / "interrupted.h5"
    shutil.copy(main_file, path)
    make_pending(path, np.arange(100, 128))
    report.build([str(path)], str(tmp_path / "out"))
    md = (tmp_path / "out" / "report.md").read_text()
    assert "INCOMPLETE" in md and "interrupted sweep" in md and "stop at a pending point" in md
