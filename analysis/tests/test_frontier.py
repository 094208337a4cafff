"""The one Python frontier walk (analysis/frontier.py) against the C++ that applies the same rule:
`llmsweep summarize --json` (src/io/summary.cpp) on files the binary writes during the test, an
interrupted one included, and `llmsweep frontier --json` (src/search/frontier.cpp)."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from analysis.frontier import threshold_utilization, walk
from analysis.results import load
from analysis.scenarios import scenarios_of
from conftest import run_llmsweep
from test_scenarios import make_pending


def walks_of(path):
    """(scenario, Walk) for each scenario, walked here from the file's rows."""
    out = []
    for s in scenarios_of(load(str(path))):
        r = s.rows
        out.append((s, walk(r["status"].to_numpy(), threshold_utilization(r), r["compute_flop"].to_numpy(),
                            r["d_model"].to_numpy(), s.cap)))
    return out


def assert_same_as_summarize(binary, path):
    ours = walks_of(path)
    theirs = json.loads(run_llmsweep(binary, "summarize", str(path), "--json").stdout)["scenarios"]
    assert len(ours) == len(theirs)
    for (s, w), t in zip(ours, theirs):
        what = t["scenario"]
        assert w.linear_scaling_ends_flop == t["linear_scaling_ends_flop"], what
        assert w.largest_feasible_flop == t["largest_feasible_flop"], what
        assert w.first_infeasible_d_model == t["first_infeasible_d_model"], what
        assert s.pending == t["pending"], what
        rows = s.rows.iloc[:w.keep]
        assert list(rows["d_model"]) == [r["d_model"] for r in t["rows"]], what
        assert list(rows["compute_flop"]) == [r["compute_flop"] for r in t["rows"]], what
        assert list(rows["utilization"]) == [r["utilization"] for r in t["rows"]], what
        assert list(rows["gpus"]) == [r["gpus"] for r in t["rows"]], what
        # The scenario's own numbers are this walk's.
        assert (s.keep, s.linear_scaling_ends_flop, s.largest_feasible_flop) == (
            w.keep, w.linear_scaling_ends_flop, w.largest_feasible_flop)


@pytest.mark.parametrize("fixture", ["main_file", "exponents_file", "heatmap_file", "corrections_file",
                                     "same_frontier_file", "infeasible_file", "failures_file"])
def test_walk_matches_summarize(request, llmsweep, fixture):
    assert_same_as_summarize(llmsweep, request.getfixturevalue(fixture))


def test_walk_matches_summarize_on_an_interrupted_file(llmsweep, main_file, tmp_path):
    """Pending rows stop the walk in both: the 6th width on of one scenario, and a whole other one."""
    path = tmp_path / "interrupted.h5"
    shutil.copy(main_file, path)
    scenarios = scenarios_of(load(str(path)))
    rows = np.concatenate([scenarios[1].rows["row"].to_numpy()[5:], scenarios[3].rows["row"].to_numpy()[2:4]])
    make_pending(path, rows)
    walked = walks_of(path)
    assert sum(w.stopped_at_pending for _, w in walked) == 2
    assert_same_as_summarize(llmsweep, path)


def test_walk_matches_frontier_command(llmsweep, main_file):
    """`llmsweep frontier` walks the same widths itself (the sweep's /axes/width labels)."""
    rf = load(str(main_file))
    widths = ",".join(rf.axis_labels["width"])
    for s, w in walks_of(main_file):
        p = run_llmsweep(llmsweep, "frontier", "--hardware", s.params["hardware"], "--experts", s.params["experts"],
                         "--batch", s.params["batch"], "--json", "--widths", widths)
        ref = json.loads(p.stdout)
        assert [r["d_model"] for r in ref["rows"]] == list(s.rows["d_model"].iloc[:w.keep])
        assert [r["utilization"] for r in ref["rows"]] == list(s.rows["utilization"].iloc[:w.keep])
        assert (w.linear_scaling_ends_flop, w.largest_feasible_flop, w.first_infeasible_d_model) == (
            ref["linear_scaling_ends_flop"], ref["largest_feasible_flop"], ref["first_infeasible_d_model"])


def test_failures_walk_the_wall_time_utilization(llmsweep, failures_file):
    """With failures the walk compares wall_utilization, as `llmsweep frontier` does with the same
    options: here it ends linear scaling at a smaller compute than the utilization alone would."""
    (s, w), = walks_of(failures_file)
    r = s.rows
    plain = walk(r["status"].to_numpy(), r["utilization"].to_numpy(), r["compute_flop"].to_numpy(),
                 r["d_model"].to_numpy(), s.cap)
    assert w.linear_scaling_ends_flop < plain.linear_scaling_ends_flop
    widths = ",".join(str(d) for d in r["d_model"])
    ref = json.loads(run_llmsweep(llmsweep, "frontier", "--hardware", "h100-sxm", "--model", "extended",
                                  "--recovery", "peer", "--mtbf-gpu-hours", "200", "--restart-s", "0",
                                  "--widths", widths, "--json").stdout)
    assert [row["d_model"] for row in ref["rows"]] == list(r["d_model"].iloc[:w.keep])
    assert (w.linear_scaling_ends_flop, w.largest_feasible_flop, w.first_infeasible_d_model) == (
        ref["linear_scaling_ends_flop"], ref["largest_feasible_flop"], ref["first_infeasible_d_model"])
    assert s.linear_scaling_ends_flop == w.linear_scaling_ends_flop
