"""The figures' layout logic, without looking at pixels: which scenario goes in which panel, with
which colour and line style, what the legends say, and that the stacked bands add up to 1."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest

from analysis import figures
from analysis.figures import style
from analysis.figures.heatmaps import heatmap_grids, heatmap_note
from analysis.figures.panels import panel_grid as scenario_panel_grid
from analysis.figures.sensitivity import elasticity_text
from analysis.figures.utilization import panel_grid, plan_utilization, utilization_layout
from analysis.results import load
from analysis.scenarios import LINEAR_SCALING_FRACTION, scenarios_of, varied_params


def plan_of(path, keep=None):
    scenarios = scenarios_of(load(str(path)))
    if keep:
        scenarios = [s for s in scenarios if keep(s)]
    return scenarios, plan_utilization(scenarios, varied_params(scenarios), "title")


def labels(plan):
    return [e.label for e in plan.legend]


def test_utilization_panels_colours_and_legend(main_file):
    """Hardware x experts: experts down (one panel each), hardware by colour, the same colour in
    every panel; the legend names each hardware, then the cap line and the threshold markers."""
    scenarios, plan = plan_of(main_file)
    lay = plan.layout
    assert (lay.col_keys, lay.row_keys, lay.color_keys, lay.style_keys) == ([], ["experts"], ["hardware"], [])
    assert (plan.grid.nrows, plan.grid.ncols) == (2, 1)
    assert plan.grid.rows == [("dense",), ("sparse",)]
    assert len(plan.lines) == len(scenarios) == 4
    for line in plan.lines:
        assert plan.grid.rows[line.panel[0]] == (line.scenario.params["experts"],)
        assert line.repeats is None
    colour = {}
    for line in plan.lines:
        assert colour.setdefault(line.scenario.params["hardware"], line.color) == line.color
    assert len(set(colour.values())) == 2
    assert plan.headings == {(0, 0): "dense", (1, 0): "sparse"}
    assert plan.legend_title == "hardware"
    assert labels(plan)[:2] == ["H100 SXM", "A100 SXM"]
    # H100 and A100 caps differ (0.70, 0.85: hardware_profiles/): no single 0.8 x cap line in a panel.
    assert {s.cap for s in scenarios} == {0.70, 0.85}
    assert plan.cap_lines == {}
    markers = labels(plan)[2:]
    assert not any(m.startswith("0.8 × utilization cap") for m in markers)
    assert "linear scaling ends\n(utilization ≤ 0.8 × cap)" in markers
    assert "largest feasible run\n(the latency wall)" in markers  # 212992 is infeasible on both
    assert not any(m.startswith("dashed") for m in markers)


def test_identical_frontiers_are_drawn_dashed_and_named(same_frontier_file):
    """H200 SXM gives H100 SXM's frontier row for row (tests/conftest.py): its line repeats it."""
    _, plan = plan_of(same_frontier_file)
    by_name = {ln.scenario.hardware_name: ln for ln in plan.lines}
    assert by_name["H200 SXM"].repeats is by_name["H100 SXM"].scenario
    assert by_name["H100 SXM"].repeats is None and by_name["GB200 NVL72"].repeats is None
    assert "H200 SXM\n(= H100 SXM throughout: dashed)" in labels(plan)
    assert "dashed: the same frontier as\na line drawn under it" in labels(plan)
    assert plan.identical == {}  # GB200 differs
    assert plan.cap_lines == {(0, 0): LINEAR_SCALING_FRACTION * 0.7}  # every cap is 0.7
    assert "0.8 × utilization cap (0.56)" in labels(plan)
    _, plan = plan_of(same_frontier_file, keep=lambda s: s.params["hardware"] != "gb200-nvl72")
    assert plan.identical == {(0, 0): 2}


@pytest.mark.parametrize("n, grid, last", [(4, (1, 4), (0, 3)), (5, (2, 3), (1, 1)), (6, (2, 3), (1, 2)),
                                           (9, (3, 3), (2, 2))])
def test_a_long_row_of_panels_wraps(n, grid, last):
    g = panel_grid([(i,) for i in range(n)], [()])
    assert (g.nrows, g.ncols) == grid
    assert g.place[(0, n - 1)] == last
    assert len(set(g.place.values())) == n


def test_rows_and_columns_do_not_wrap():
    g = panel_grid([(i,) for i in range(6)], [("dense",), ("sparse",)])
    assert (g.nrows, g.ncols) == (2, 6) and g.place[(1, 5)] == (1, 5)


def fake_scenarios(hardware, batches, months):
    return [SimpleNamespace(params={"hardware": h, "experts": e, "batch": b, "run_months": m})
            for h in hardware for e in ("dense", "sparse") for b in batches for m in months]


def test_hardware_moves_into_the_panels_when_lines_crowd():
    """3 hardware x 5 run lengths = 15 lines per panel > 10: hardware joins the batch panels
    (3 x 2 = 6 across, 2 down: 12 panels), run length keeps the colour."""
    scenarios = fake_scenarios(["a", "b", "c"], ["default", "deepseek"], [1.0, 2.0, 3.0, 4.0, 5.0])
    lay = utilization_layout(scenarios, ["hardware", "experts", "batch", "run_months"])
    assert (lay.col_keys, lay.row_keys, lay.color_keys, lay.style_keys) == (
        ["batch", "hardware"], ["experts"], ["run_months"], [])


def test_too_many_panels_keep_hardware_in_the_lines():
    """5 hardware x 3 batch laws would be 30 panels: both stay in the lines, and 5 run lengths are
    more than the 4 line styles, so colour tells both apart."""
    scenarios = fake_scenarios(list("abcde"), ["default", "deepseek", "none"], [1.0, 2.0, 3.0, 4.0, 5.0])
    lay = utilization_layout(scenarios, ["hardware", "experts", "batch", "run_months"])
    assert (lay.col_keys, lay.row_keys, lay.color_keys, lay.style_keys) == (
        ["batch"], ["experts"], ["hardware", "run_months"], [])
    few = fake_scenarios(list("abcde"), ["default", "deepseek", "none"], [1.0, 2.0])
    lay = utilization_layout(few, ["hardware", "experts", "batch", "run_months"])
    assert (lay.color_keys, lay.style_keys) == (["hardware"], ["run_months"])


def test_per_scenario_panels():
    """A column per scenario of one hardware when each has the same handful, else up to 6 a row."""
    def sc(hw, n):
        return [SimpleNamespace(file_index=0, params={"hardware": h}) for h in hw for _ in range(n)]
    assert scenario_panel_grid(sc("ab", 2), []) == (2, 2)
    assert scenario_panel_grid(sc("abcdefghij", 6), []) == (10, 6)
    assert scenario_panel_grid(sc("a", 7), []) == (2, 6)      # one hardware: 6 a row
    assert scenario_panel_grid(sc("ab", 9), []) == (3, 6)     # 9 per hardware: too many for a column each


@pytest.mark.parametrize("fixture", ["main_file", "corrections_file", "same_frontier_file", "exponents_file"])
def test_breakdown_fractions_add_up_to_one(request, fixture):
    """busy + bubble + exposed comm + exposed latency = run time (the busy_s column's description),
    and the ideal share is the utilization."""
    for s in scenarios_of(load(str(request.getfixturevalue(fixture)))):
        if s.frontier.empty:
            continue
        fr = figures.breakdown_fractions(s.frontier)
        assert list(fr) == [b.key for b in figures.BREAKDOWN]
        total = sum(fr.values())
        assert np.allclose(total, 1.0, rtol=1e-9, atol=1e-12), (s.label(["hardware", "experts"]), total)
        assert all(np.all(v >= -1e-12) for v in fr.values())
        assert np.allclose(fr["ideal"], s.frontier["utilization"].to_numpy(float), rtol=1e-12)


@pytest.mark.parametrize("fixture", ["main_file", "same_frontier_file"])
def test_parallelism_shares_add_up_to_one(request, fixture):
    """Shares of log(GPUs): they add up to 1, and GPUs^share is each degree."""
    for s in scenarios_of(load(str(request.getfixturevalue(fixture)))):
        f = s.frontier
        shares = figures.parallelism_shares(f)
        assert list(shares) == [b.key for b in figures.PARALLELISM]
        gpus = f["gpus"].to_numpy(float)
        assert np.allclose(sum(shares.values()), np.where(gpus > 1, 1.0, 0.0), rtol=1e-12)
        tp = f["tp_model"].to_numpy(float) * f["tp_ff"].to_numpy(float)
        assert np.allclose(gpus ** shares["tp"], tp, rtol=1e-9)
        assert np.allclose(gpus ** shares["pp"], f["pp"].to_numpy(float), rtol=1e-9)


def test_heatmap_cells_and_texts(heatmap_file):
    """Batch multiplier across, depth multiplier up; each cell is its scenario's log10 threshold."""
    scenarios = scenarios_of(load(str(heatmap_file)))
    varied = varied_params(scenarios)
    hg = heatmap_grids(scenarios, varied, "batch_multiplier", "depth_multiplier", "largest_feasible_flop")
    assert (hg.facet_keys, hg.xs, hg.ys, hg.omitted) == ([], [0.5, 2.0], [0.5, 1.0], 0)
    (grid,) = hg.grids
    for s in scenarios:
        at = hg.ys.index(s.params["depth_multiplier"]), hg.xs.index(s.params["batch_multiplier"])
        v = s.largest_feasible_flop
        assert grid.z[at] == (math.log10(v) if v else None)
        assert grid.bound[at] == (not s.hit_wall)
    assert hg.vmin == np.nanmin(grid.z) and hg.vmax == np.nanmax(grid.z)
    texts = style.threshold_texts(np.array([[31.44, np.nan]]), np.array([[True, False]]))
    assert list(texts[0]) == ["≥31.4", "–"]
    assert list(style.contrast_colors(np.array([[1.0, 3.0, np.nan]]), 2.0)[0]) == ["white", "black", "black"]
    assert heatmap_note(hg, "linear_scaling_ends_flop") == "grey '–': not reached within the swept widths"


def test_heatmap_facets_per_hardware(corrections_file):
    """zb_latency x search, a panel per hardware (hardware first among the facets)."""
    scenarios = scenarios_of(load(str(corrections_file)))
    varied = varied_params(scenarios)
    assert figures.heatmap_pairs(varied) == [("zb_latency", "search")]
    hg = heatmap_grids(scenarios, varied, "zb_latency", "search", "largest_feasible_flop")
    assert hg.facet_keys == ["hardware"]
    assert [g.facet for g in hg.grids] == [("h100-sxm-scaled",), ("h100-sxm",)]
    assert (hg.xs, hg.ys) == (["hidden", "max"], ["reference", "exhaustive"])
    assert all(g.example.params["hardware"] == g.facet[0] for g in hg.grids)


def test_elasticity_texts():
    texts = [elasticity_text(e) for e in (float("nan"), 0.0, 0.001, -1.679, 0.5)]
    assert texts == ["n/a", "0", "≈0", "−1.68", "+0.50"]
