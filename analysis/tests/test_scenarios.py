"""The frontier walk, and interrupted files whose pending rows hold only fill values."""

from __future__ import annotations

import math
import shutil

import h5py
import numpy as np

from analysis.results import PENDING, check_usable, load
from analysis.frontier import walk
from analysis.scenarios import scenarios_of


def walk_of(status, utilization, cap=0.7, **options):
    """Widths 1000, 2000, ... with compute 1e24, 1e25, ..."""
    n = len(status)
    compute = [10.0 ** (24 + i) for i in range(n)]
    return walk(status, utilization, compute, [1000 * (i + 1) for i in range(n)], cap, **options)


def test_walk_stops_at_first_infeasible():
    w = walk_of([0, 0, 2, 0], [0.7, 0.6, math.nan, 0.7])
    assert w.keep == 2
    assert w.first_infeasible_d_model == 3000 and w.infeasible_status == 2
    assert w.linear_scaling_ends_flop is None  # 0.6 > 0.8 * 0.7
    assert w.largest_feasible_flop == 1e25
    assert not w.stopped_at_pending


def test_walk_keeps_the_first_row_below_a_thousandth():
    w = walk_of([0, 0, 0, 0], [0.7, 0.8 * 0.7, 0.0005, 0.6])
    assert w.keep == 3
    assert w.first_infeasible_d_model is None
    assert w.linear_scaling_ends_flop == 1e25  # utilization == 0.8 x cap: the threshold is inclusive
    assert w.largest_feasible_flop == 1e26


def test_walk_ends_after_a_thousandth_before_an_infeasible_row():
    w = walk_of([0, 0, 1], [0.7, 0.0002, math.nan])
    assert w.keep == 2
    assert w.first_infeasible_d_model is None and w.infeasible_status is None and not w.stopped_at_pending
    assert w.linear_scaling_ends_flop == 1e25 and w.largest_feasible_flop == 1e25


def test_walk_all_feasible():
    w = walk_of([0, 0, 0], [0.7, 0.69, 0.6])
    assert w.keep == 3 and w.first_infeasible_d_model is None and w.linear_scaling_ends_flop is None
    assert w.largest_feasible_flop == 1e26 and not w.stopped_at_pending


def test_walk_stops_at_pending():
    w = walk_of([0, PENDING, 0], [0.7, math.nan, 0.1])
    assert w.keep == 1 and w.stopped_at_pending
    assert w.first_infeasible_d_model is None and w.linear_scaling_ends_flop is None
    assert w.largest_feasible_flop == 1e24


def test_walk_fraction_moves_only_linear_scaling():
    """The threshold's fraction of the cap (0.8 by default; the explorer lets it change)."""
    w = walk_of([0, 0, 0], [0.7, 0.6, 0.5], fraction=0.9)  # cap 0.7: 0.63
    assert w.linear_scaling_ends_flop == 1e25 and w.largest_feasible_flop == 1e26
    assert walk_of([0, 0, 0], [0.7, 0.6, 0.5]).linear_scaling_ends_flop == 1e26  # 0.56


def test_walk_empty_and_first_row_infeasible():
    w = walk_of([1, 0], [math.nan, 0.7])
    assert w.keep == 0 and w.first_infeasible_d_model == 1000 and w.largest_feasible_flop is None
    assert walk_of([], []).keep == 0


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
