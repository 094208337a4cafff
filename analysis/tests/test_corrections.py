"""The corrections table (zb_latency and plan-search variants against the reference), and the
current-hardware helpers: identical frontiers, linear scaling ending at the first width."""

from __future__ import annotations

import csv
import shutil

import h5py
import numpy as np
import pytest

from analysis import corrections, report
from analysis.results import load
from analysis.scenarios import constant_context, scenarios_of, varied_params


def read_csv(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], [dict(zip(rows[0], r)) for r in rows[1:]]


@pytest.fixture(scope="module")
def corrections_report(corrections_file, tmp_path_factory):
    out = tmp_path_factory.mktemp("report_corrections")
    report.build([str(corrections_file)], str(out))
    return out


def test_corrections_csv(corrections_report):
    header, rows = read_csv(corrections_report / "corrections.csv")
    assert header[:2] == ["hardware", "zb_latency"]
    assert header[2:] == corrections.CSV_HEADER_TAIL[1:]
    assert len(rows) == 8  # 2 hardware x 2 zb_latency x 2 search
    refs = [r for r in rows if r["reference"] == "true"]
    assert [(r["hardware"], r["zb_latency"], r["search"]) for r in refs] == [
        ("h100-sxm-scaled", "hidden", "reference"), ("h100-sxm", "hidden", "reference")]
    assert {r["search_description"] for r in rows} == {"reference", "exhaustive"}
    by = {(r["hardware"], r["zb_latency"], r["search"]): r for r in rows}
    # Q1 corrected changes d = 360448's utilization on H100 SXM Scaled, not the thresholds.
    for search in ("reference", "exhaustive"):
        r = by[("h100-sxm-scaled", "max", search)]
        assert (r["rows_compared"], r["rows_differ"], r["rows_differ_utilization"], r["rows_differ_gpus"]) == (
            "2", "1", "1", "0")
        assert float(r["linear_scaling_ratio"]) == 1.0 and float(r["wall_ratio"]) == 1.0
    r = by[("h100-sxm-scaled", "hidden", "exhaustive")]
    assert r["rows_differ"] == "0"
    # H100 SXM: d = 360448 is infeasible; linear scaling is not reached, so no ratio.
    r = by[("h100-sxm", "max", "exhaustive")]
    assert r["first_infeasible_d_model"] == "360448" and r["linear_scaling_ratio"] == ""
    assert float(r["wall_ratio"]) == 1.0


def test_corrections_markdown(corrections_report):
    md = (corrections_report / "report.md").read_text()
    assert "## How much each correction moves the thresholds" in md
    assert "(corrections.csv)" in md
    assert "| H100 SXM Scaled | **reference**: zb_latency hidden (Q1 kept), search reference (Q2, Q3 kept)" in md
    assert "| ×1.00 | ×1.00 | same | 1 of 2 (utilization 1, GPUs 0) |" in md
    assert "Of 6 corrected variants, 0 move a threshold or the first infeasible width, and 2 change" in md


def test_ratios_when_a_threshold_moves(corrections_file, tmp_path):
    """Lower one row's utilization in a corrected variant: its linear scaling now ends there."""
    moved = tmp_path / "moved.h5"
    shutil.copy(corrections_file, moved)
    rf = load(str(corrections_file))
    scenarios = scenarios_of(rf)
    target = next(s for s in scenarios if (s.params["hardware"], s.params["zb_latency"], s.params["search"]) ==
                  ("h100-sxm-scaled", "hidden", "exhaustive"))
    ref = next(s for s in scenarios if (s.params["hardware"], s.params["zb_latency"], s.params["search"]) ==
               ("h100-sxm-scaled", "hidden", "reference"))
    row = int(target.frontier["row"].iat[0])
    with h5py.File(moved, "r+") as f:
        for column in ("utilization", "wall_utilization"):  # the walk compares the second
            u = f["points/" + column][...]
            u[row] = 0.1
            f["points/" + column][...] = u
    scenarios = scenarios_of(load(str(moved)))
    comps = corrections.compare(scenarios, varied_params(scenarios))
    c = next(c for c in comps if c.scenario.params["hardware"] == "h100-sxm-scaled"
             and c.scenario.params["zb_latency"] == "hidden" and c.scenario.params["search"] == "exhaustive")
    first = float(target.frontier["compute_flop"].iat[0])
    assert c.linear_ratio == pytest.approx(first / ref.linear_scaling_ends_flop, rel=1e-12)
    assert c.linear_ratio < 1 and corrections.moved(c)
    assert c.rows_differ == 1 and c.rows_utilization == 1
    md = "\n".join(corrections.markdown(comps))
    assert f"| {corrections.fmt_ratio(c.linear_ratio)} | ×1.00 | same | 1 of 2 (utilization 1, GPUs 0) |" in md
    assert "Of 6 corrected variants, 1 move" in md


def test_fmt_ratio():
    assert corrections.fmt_ratio(1.0) == "×1.00"
    assert corrections.fmt_ratio(0.5) == "×0.50"
    assert corrections.fmt_ratio(1.0004) == "×1.000400"
    assert corrections.fmt_ratio(None, None, None) == "- (neither reached)"
    assert corrections.fmt_ratio(None, None, 1e28) == "not reached"
    assert corrections.fmt_ratio(None, 1e28, None) == "reached only here"


def test_no_corrections_section_without_those_inputs(main_report):
    assert not (main_report / "corrections.csv").exists()
    assert "How much each correction" not in (main_report / "report.md").read_text()


def test_same_frontier_and_first_width(same_frontier_file, tmp_path):
    scenarios = scenarios_of(load(str(same_frontier_file)))
    assert constant_context(scenarios, varied_params(scenarios)) == "cluster sizes pow2-domains"
    assert report.identical_frontiers(scenarios) == [("H200 SXM", "H100 SXM", 1, 1)]
    assert [s.hardware_name for s in report.linear_at_first_width(scenarios)] == ["GB200 NVL72"]
    report.build([str(same_frontier_file)], str(tmp_path))
    md = (tmp_path / "report.md").read_text()
    assert ("H200 SXM gives the same frontier as H100 SXM, row for row (compute, utilization and GPUs), in the one "
            "scenario they share") in md
    assert "linear scaling ends at the first (smallest) swept width" in md and "GB200 NVL72" in md
    svg = (tmp_path / "utilization.svg").read_text()
    for text in ("dashed: the same frontier as", "0.8 × utilization cap (0.56)", "cluster sizes pow2-domains"):
        assert text in svg
    frontier = next(s for s in scenarios if s.params["hardware"] == "gb200-nvl72").frontier
    assert np.all(frontier["utilization"].to_numpy() <= 0.8 * 0.70)
