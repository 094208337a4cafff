"""Every figure is written and is a real picture; heat maps appear for two varied inputs."""

from __future__ import annotations

import csv

import matplotlib

matplotlib.use("Agg")

import matplotlib.image as mpimg  # noqa: E402
import numpy as np  # noqa: E402

from analysis import report  # noqa: E402


def assert_picture(path, min_bytes=15_000, min_size=(300, 500)):
    assert path.is_file(), f"{path.name} missing"
    assert path.stat().st_size > min_bytes, f"{path.name} is only {path.stat().st_size} bytes"
    img = mpimg.imread(path)
    h, w = img.shape[:2]
    assert h >= min_size[0] and w >= min_size[1], f"{path.name} is {w}x{h}"
    rgb = img[..., :3]
    # Not blank: many distinct colours, and real contrast.
    assert rgb.std() > 0.05
    assert len(np.unique((rgb.reshape(-1, 3) * 255).astype(np.uint8), axis=0)) > 50


def test_figures_written(main_report):
    for name in ("utilization.png", "parallelism.png", "breakdown.png"):
        assert_picture(main_report / name)
    svg = (main_report / "utilization.svg").read_text()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg and len(svg) > 20_000
    # The legend names the hardware and explains the threshold markers.
    for text in ("H100 SXM", "A100 SXM", "linear scaling ends", "latency wall", "training compute (FLOP)",
                 "best achievable utilization"):
        assert text in svg
    assert not list(main_report.glob("heatmap_*"))


def test_heatmaps_for_two_varied_inputs(heatmap_report):
    maps = [heatmap_report / "heatmap_batch_multiplier_depth_multiplier.png",
            heatmap_report / "heatmap_batch_multiplier_depth_multiplier_linear_scaling_ends.png"]
    for m in maps:
        assert_picture(m, min_bytes=10_000)
    md = (heatmap_report / "report.md").read_text()
    for m in maps:
        assert f"({m.name})" in md
    with open(heatmap_report / "thresholds.csv", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0][7:] == ["batch_multiplier", "depth_multiplier"]
    assert sorted((r[7], r[8]) for r in rows[1:]) == [("0.5", "0.5"), ("0.5", "1"), ("2", "0.5"), ("2", "1")]
    for name in ("utilization.png", "parallelism.png", "breakdown.png"):
        assert_picture(heatmap_report / name)


def test_heatmaps_for_exponents(exponents_file, tmp_path):
    written = report.build([str(exponents_file)], str(tmp_path))
    names = {p.rsplit("/", 1)[-1] for p in written}
    assert "heatmap_batch_exponent_depth_exponent.png" in names
    assert "heatmap_batch_exponent_depth_exponent_linear_scaling_ends.png" in names
    assert_picture(tmp_path / "heatmap_batch_exponent_depth_exponent.png", min_bytes=10_000)
    with open(tmp_path / "thresholds.csv", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0][7:] == ["batch_exponent", "depth_exponent"]
    assert {r[2] for r in rows[1:]} == {"power"}


def test_several_files(main_file, heatmap_file, tmp_path):
    report.build([str(main_file), str(heatmap_file)], str(tmp_path / "both"))
    with open(tmp_path / "both" / "thresholds.csv", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0][:7] == ["hardware", "experts", "batch", "zero_bubble", "linear_scaling_ends_flop",
                           "largest_feasible_flop", "first_infeasible_d_model"]
    assert "file" in rows[0][7:]
    assert len(rows) == 1 + 4 + 4
    md = (tmp_path / "both" / "report.md").read_text()
    assert str(main_file) in md and str(heatmap_file) in md
    assert_picture(tmp_path / "both" / "utilization.png")
