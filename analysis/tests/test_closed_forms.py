"""The paper's closed forms (docs/MODEL.md section 10) and the heat maps that show them."""

from __future__ import annotations

import math

import numpy as np
import pytest

from analysis import closedforms as cf
from analysis import figures, report
from analysis.results import load
from analysis.scenarios import scenarios_of, varied_params
from test_figures import assert_picture


@pytest.fixture(scope="module")
def h100(main_file):
    """H100 SXM's node numbers, from the profile text the sweep stored."""
    return cf.node_from_profile(load(str(main_file)).profile_text("h100-sxm"))


def test_node_numbers(h100):
    assert h100.name == "H100 SXM"
    assert h100.peak_flops == pytest.approx(32 * 128 * 132 * 1830e6, rel=1e-12)
    assert h100.rn == pytest.approx(8 * 9.8942976e14 / 2, rel=1e-9)
    # One-way = half the figure: HBM 3352e9 B/s -> 1676e9 B/s -> 838e9 words/s per GPU.
    assert h100.hbm_words == pytest.approx(8 * 838e9, rel=1e-12)
    assert h100.scaleout_words == pytest.approx(8 * 25e9, rel=1e-12)
    assert h100.nanobatch == pytest.approx(590.35, rel=1e-4)
    assert h100.shard == pytest.approx(26384.8, rel=1e-5)


def test_model_md_numbers_at_alpha_zero(h100):
    """MODEL.md: 'At alpha = 0 on H100 these give about 1.9e28 and 2.3e31 FLOP.'"""
    assert cf.critical_flop(0.0, h100) == pytest.approx(1.92e28, rel=0.01)
    assert cf.latency_limit_flop(0.0) == pytest.approx(2.30e31, rel=0.01)


def test_only_the_chosen_one_way_reading_gives_1_9e28(h100):
    """Half the HBM figure and half the bidirectional scale-out figure; the other readings are far off."""
    full_hbm = cf.Node(h100.name, h100.peak_flops, 2 * h100.hbm_Bps, h100.scaleout_Bps)
    full_link = cf.Node(h100.name, h100.peak_flops, h100.hbm_Bps, 2 * h100.scaleout_Bps)
    both = cf.Node(h100.name, h100.peak_flops, 2 * h100.hbm_Bps, 2 * h100.scaleout_Bps)
    assert cf.critical_flop(0.0, full_hbm) == pytest.approx(7.69e28, rel=0.01)
    assert cf.critical_flop(0.0, full_link) == pytest.approx(3.08e29, rel=0.01)
    assert cf.critical_flop(0.0, both) == pytest.approx(1.23e30, rel=0.01)


def test_t0_enters_in_mac():
    alpha = 0.2
    t = 0.25 * 3.154e7
    by_hand = 2 * ((3 / 320) * (4e6 / 100 * 1.5e23 ** -alpha * t / 9e-6) ** 2) ** (1 / (1 - 2 * alpha))
    assert cf.latency_limit_flop(alpha) == pytest.approx(by_hand, rel=1e-12)
    # T0 = 3e23 read as MAC instead would scale the form by 2^(-2 alpha / (1 - 2 alpha)).
    as_flop = 2 * ((3 / 320) * (4e6 / 100 * 3e23 ** -alpha * t / 9e-6) ** 2) ** (1 / (1 - 2 * alpha))
    assert by_hand / as_flop == pytest.approx(2 ** (2 * alpha / (1 - 2 * alpha)), rel=1e-12)


def test_alpha_from_the_sweep_exponents():
    # L ~ (d f)^e and C ~ (d f L)^2: L ~ C^(e / (2 (1 + e))).
    assert cf.depth_exponent_in_compute(0.3751) == pytest.approx(0.3751 / 2.7502, rel=1e-12)
    assert cf.alpha_of(1 / 6, 0.3751) == pytest.approx(1 / 6 - 0.3751 / 2.7502, rel=1e-12)  # 0.0303
    assert cf.alpha_of(0.0, 0.5) == pytest.approx(-1 / 6, rel=1e-12)
    # The forms grow with alpha and diverge at alpha = 1/2.
    assert cf.latency_limit_flop(0.1) > cf.latency_limit_flop(0.0) > cf.latency_limit_flop(-0.1)
    assert math.isinf(cf.latency_limit_flop(0.5))


def test_heatmaps_with_closed_forms(closed_forms_file, tmp_path):
    written = report.build([str(closed_forms_file)], str(tmp_path))
    names = {p.rsplit("/", 1)[-1] for p in written}
    maps = ["heatmap_batch_exponent_depth_exponent.png",
            "heatmap_batch_exponent_depth_exponent_linear_scaling_ends.png"]
    for m in maps:
        assert m in names
        assert_picture(tmp_path / m, min_bytes=30_000, min_size=(300, 1200))  # three panels across
    md = (tmp_path / "report.md").read_text()
    assert "closed forms (docs/MODEL.md section 10)" in md
    assert "- H100 SXM: at α = 0 the critical compute is 1.922e28 FLOP and the latency limit 2.303e31 FLOP" in md
    assert "beside the closed form (latency limit)" in md and "beside the closed form (critical compute)" in md
    assert "Simulated − latency limit over" in md and "Simulated − critical compute over" in md


def test_closed_form_cells_follow_the_sweep(closed_forms_file):
    rf = load(str(closed_forms_file))
    scenarios = scenarios_of(rf)
    varied = varied_params(scenarios)
    assert figures.closed_form_applies(scenarios, "batch_exponent", "depth_exponent")
    node = cf.node_from_profile(rf.profile_text("h100-sxm"))
    for metric in ("largest_feasible_flop", "linear_scaling_ends_flop"):
        sim, form, bound = figures.closed_form_cells(scenarios, varied, "batch_exponent", "depth_exponent", metric)
        assert len(sim) == 6
        # Cells in grid order: depth exponent up, batch exponent across.
        expected = [math.log10(cf.for_metric(metric, cf.alpha_of(g, e), node)) for e in (0.3, 0.3751)
                    for g in (0.0833, 0.1667, 0.25)]
        assert form == pytest.approx(expected, rel=1e-12)
        ok = np.isfinite(sim) & ~bound
        assert ok.sum() >= 4
        # The simulation lands within about a decade of the closed form here.
        assert np.all(np.abs(sim[ok] - form[ok]) < 1.0)
        for s in scenarios:
            v = getattr(s, metric)
            if v is not None and not (metric == "largest_feasible_flop" and not s.hit_wall):
                assert math.log10(v) in list(sim)


def test_no_closed_forms_elsewhere(heatmap_file, main_file):
    """Batch and depth multipliers, or no power-law batch: the plain heat maps."""
    scenarios = scenarios_of(load(str(heatmap_file)))
    assert not figures.closed_form_applies(scenarios, "batch_multiplier", "depth_multiplier")
    scenarios = scenarios_of(load(str(main_file)))
    assert not figures.closed_form_applies(scenarios, "batch_exponent", "depth_exponent")
