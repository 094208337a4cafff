"""Files of kept rows (keep = feasible, keep = best) through the analysis package: the report of a
file of feasible rows gives the thresholds of the full file (a width without a row is infeasible
once the file is complete), and a file of the best rows loads with every row placed by its
grid_index."""
from __future__ import annotations

import csv

from analysis import results, scenarios

from conftest import MAIN_SPEC, run_analysis


def _thresholds(report_dir):
    with open(report_dir / "thresholds.csv") as f:
        rows = list(csv.DictReader(f))
    keep = ("hardware", "experts", "batch", "linear_scaling_ends_flop", "largest_feasible_flop",
            "first_infeasible_d_model")
    return [{k: r[k] for k in keep if k in r} for r in rows]


def test_feasible_rows_give_the_full_files_thresholds(sweeps, main_file, tmp_path):
    kept = sweeps("main-feasible", MAIN_SPEC + '\n[output]\nkeep = "feasible"\n')
    full_dir, kept_dir = tmp_path / "full", tmp_path / "kept"
    for path, out in ((main_file, full_dir), (kept, kept_dir)):
        r = run_analysis("report", str(path), "-o", str(out))
        assert r.returncode == 0, r.stderr
    full, reduced = _thresholds(full_dir), _thresholds(kept_dir)
    assert full == reduced
    assert any(r["first_infeasible_d_model"] for r in full)  # the walk met an infeasible width


def test_best_rows_are_placed_by_their_grid_index(sweeps, main_file):
    best = sweeps("main-best", MAIN_SPEC + '\n[output]\nkeep = "best"\nby = ["hardware", "experts_rule"]\n')
    rf = results.load(str(best))
    full = results.load(str(main_file))
    points = rf.points
    assert len(points) > 0 and "grid_index" in points
    for _, row in points.iterrows():
        other = full.points.iloc[int(row["grid_index"])]
        assert row["scenario"] == other["scenario"] and row["width_index"] == other["width_index"]
        assert row["utilization"] == other["utilization"]
    assert scenarios.scenarios_of(rf)  # the kept rows still group into scenarios
