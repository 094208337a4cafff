"""Sensitivity files (llmsweep sensitivity -o): reading, the bar chart, the table and sensitivity.csv."""

from __future__ import annotations

import csv
import json
import math
import shutil

import h5py
import numpy as np
import pytest

from analysis import report
from analysis.__main__ import main
from analysis.results import ResultsFile, SensitivityFile, load
from conftest import run_analysis
from test_figures import assert_picture

NUMBERS = {"flops", "hbm_bandwidth", "l2_bandwidth", "nvlink_bandwidth", "scaleout_bandwidth", "nvlink_domain",
           "kernel_latency", "link_latency", "memory"}


def read_csv(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], [dict(zip(rows[0], r)) for r in rows[1:]]


def nan_to_none(x):
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else x


@pytest.mark.parametrize("which", ["sens_h100", "sens_sparse"])
def test_load_matches_json(request, which):
    path, text = request.getfixturevalue(which)
    ref = json.loads(text)
    sf = load(str(path))
    assert isinstance(sf, SensitivityFile)
    assert sf.attr("kind") == "sensitivity"
    assert sf.hardware_name == ref["hardware"]
    assert (sf.experts, sf.batch, sf.factor) == (ref["experts"], ref["batch"], ref["factor"])
    assert sf.real("baseline_largest_feasible_flop") == ref["baseline"]["largest_feasible_flop"]
    assert sf.real("baseline_linear_scaling_ends_flop") == ref["baseline"]["linear_scaling_ends_flop"]
    t = sf.table
    assert list(t["number"]) == [r["number"] for r in ref["rows"]]
    assert set(t["number"]) <= NUMBERS
    assert list(t["rank"]) == [r["rank"] for r in ref["rows"]]
    for row, r in zip(t.itertuples(), ref["rows"]):
        assert row.units == r["units"]
        assert row.baseline_value == r["baseline_value"]
        assert nan_to_none(row.wall_elasticity) == r["wall_elasticity"]
        assert nan_to_none(row.linear_scaling_elasticity) == r["linear_scaling_elasticity"]
        assert nan_to_none(row.wall_down_flop) == r["down"]["largest_feasible_flop"]
        assert nan_to_none(row.wall_up_flop) == r["up"]["largest_feasible_flop"]
        assert nan_to_none(row.linear_scaling_down_flop) == r["down"]["linear_scaling_ends_flop"]
        assert nan_to_none(row.linear_scaling_up_flop) == r["up"]["linear_scaling_ends_flop"]
    # The regime flags: at any step the two sides differ by more than 2x; the bars are hatched so.
    assert sf.steps == ref["steps"]
    from analysis.figures.sensitivity import regime_flags
    wall_flags, linear_flags = regime_flags(sf)
    for row, r, w, lf in zip(t.itertuples(), ref["rows"], wall_flags, linear_flags):
        assert w == row.wall_regime_change == any(s["wall_regime_change"] for s in r["steps"])
        assert lf == row.linear_scaling_regime_change == any(s["linear_scaling_regime_change"] for s in r["steps"])
    if which == "sens_h100":
        # docs/findings.md section 4: FLOP/s crosses a regime change on the end of linear scaling.
        assert t.set_index("number").loc["flops", "linear_scaling_regime_change"]
    # Ranked by the magnitude of the wall's elasticity.
    wall = np.abs(t["wall_elasticity"].to_numpy(float))
    assert np.all(np.diff(wall) <= 1e-12)


def test_sensitivity_alone_gives_a_report(sens_h100, tmp_path):
    path, _ = sens_h100
    out = tmp_path / "rep"
    p = run_analysis("report", str(path), "-o", str(out))
    assert p.returncode == 0, p.stderr
    names = {x.name for x in out.iterdir()}
    assert names == {"sensitivity_h100-sxm_dense_default.png", "sensitivity.csv", "report.md"}
    assert_picture(out / "sensitivity_h100-sxm_dense_default.png", min_size=(500, 900))
    md = (out / "report.md").read_text()
    assert "# llmsweep report: sensitivity of H100 SXM" in md
    assert "No sweep file among the inputs" in md and "skipped" in md
    assert "## What moves the wall" in md
    assert "(sensitivity_h100-sxm_dense_default.png)" in md
    # The ranked table: the latency numbers move the wall, most of all the kernel latency.
    assert "| 1 | kernel latency (`kernel_latency`) | 4.5 µs | -1.679 |" in md
    assert "| wall at ÷2 | wall at ×2 |" in md
    header, rows = read_csv(out / "sensitivity.csv")
    assert header[:12] == ["hardware", "hardware_name", "experts", "batch", "cluster_sizes", "zero_bubble",
                           "run_months", "factor", "rank", "number", "units", "baseline_value"]
    sf = load(str(path))
    assert [r["number"] for r in rows] == list(sf.table["number"])
    for r, row in zip(rows, sf.table.itertuples()):
        assert float(r["wall_elasticity"]) == row.wall_elasticity
        assert float(r["wall_down_flop"]) == row.wall_down_flop
        assert r["hardware"] == "h100-sxm" and r["factor"] == "2.0"


def test_mixed_with_a_sweep(main_file, sens_h100, sens_b200, tmp_path):
    written = report.build([str(sens_h100[0]), str(main_file), str(sens_b200[0])], str(tmp_path))
    names = {p.rsplit("/", 1)[-1] for p in written}
    assert {"utilization.png", "thresholds.csv", "sensitivity.csv", "sensitivity_h100-sxm_dense_default.png",
            "sensitivity_b200-hgx_dense_default.png"} <= names
    header, rows = read_csv(tmp_path / "thresholds.csv")
    assert "file" not in header and len(rows) == 4  # the sweep's scenarios only
    _, srows = read_csv(tmp_path / "sensitivity.csv")
    assert {r["hardware"] for r in srows} == {"h100-sxm", "b200-hgx"}
    md = (tmp_path / "report.md").read_text()
    assert "## Thresholds" in md and "## What moves the wall" in md
    assert "No sweep file" not in md
    # B200's linear scaling ends at the first width: the report says so.
    assert "Linear scaling ends at the first width walked (6.455e24 FLOP)" in md
    assert_picture(tmp_path / "sensitivity_b200-hgx_dense_default.png", min_size=(500, 900))


def test_options_in_names_and_text(sens_sparse, tmp_path):
    path, _ = sens_sparse
    copy = tmp_path / "again.h5"
    shutil.copy(path, copy)
    written = report.build([str(path), str(copy)], str(tmp_path / "rep"))
    names = sorted(p.rsplit("/", 1)[-1] for p in written if p.endswith(".png"))
    assert names == ["sensitivity_b200-hgx_sparse_deepseek.png", "sensitivity_b200-hgx_sparse_deepseek_2.png"]
    md = (tmp_path / "rep" / "report.md").read_text()
    assert "### B200 HGX, sparse, DeepSeek batch, 3-month run" in md
    assert "| wall at ÷1.5 | wall at ×1.5 |" in md


def test_sweep_files_still_load_as_sweeps(main_file):
    rf = load(str(main_file))
    assert isinstance(rf, ResultsFile)
    assert rf.attr("kind") == "sweep"
    assert rf.profile_text("h100-sxm").lstrip().startswith("#")


def test_older_sweep_without_kind(main_file, tmp_path):
    old = tmp_path / "old.h5"
    shutil.copy(main_file, old)
    with h5py.File(old, "r+") as f:
        del f.attrs["kind"]
    assert isinstance(load(str(old)), ResultsFile)


def test_no_numbers(sens_h100, tmp_path):
    """A file whose table is empty (the C++ writes one empty name) still reports."""
    empty = tmp_path / "empty.h5"
    shutil.copy(sens_h100[0], empty)
    with h5py.File(empty, "r+") as f:
        g = f["sensitivity"]
        g.attrs["number"] = np.array([""], dtype=h5py.string_dtype())
        g.attrs["units"] = np.array([""], dtype=h5py.string_dtype())
        for name in list(g):
            del g[name]
            g.create_dataset(name, data=np.zeros(0))
    sf = load(str(empty))
    assert sf.table.empty
    report.build([str(empty)], str(tmp_path / "rep"))
    assert (tmp_path / "rep" / "sensitivity_h100-sxm_dense_default.png").is_file()


def one_line_error(capsys, *args) -> str:
    rc = main(["report", *args])
    err = capsys.readouterr().err
    assert rc == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def test_missing_dataset(capsys, sens_h100, tmp_path):
    broken = tmp_path / "broken.h5"
    shutil.copy(sens_h100[0], broken)
    with h5py.File(broken, "r+") as f:
        del f["sensitivity/wall_elasticity"]
    line = one_line_error(capsys, str(broken), "-o", str(tmp_path / "out"))
    assert "broken.h5: missing dataset /sensitivity/wall_elasticity" in line


def test_unequal_lengths(capsys, sens_h100, tmp_path):
    broken = tmp_path / "short.h5"
    shutil.copy(sens_h100[0], broken)
    with h5py.File(broken, "r+") as f:
        del f["sensitivity/wall_up_flop"]
        f["sensitivity"].create_dataset("wall_up_flop", data=np.ones(2))
    line = one_line_error(capsys, str(broken), "-o", str(tmp_path / "out"))
    assert "/sensitivity/wall_up_flop has 2 entries" in line


def test_neither_kind(capsys, tmp_path):
    other = tmp_path / "other.h5"
    with h5py.File(other, "w") as f:
        f.attrs["schema_version"] = 1
        f.create_group("results")
    line = one_line_error(capsys, str(other), "-o", str(tmp_path / "out"))
    assert "other.h5: not an llmsweep results file (neither a sweep file" in line


def test_unknown_kind(capsys, sens_h100, tmp_path):
    odd = tmp_path / "odd.h5"
    shutil.copy(sens_h100[0], odd)
    with h5py.File(odd, "r+") as f:
        f.attrs["kind"] = "frontier"
    line = one_line_error(capsys, str(odd), "-o", str(tmp_path / "out"))
    assert "unknown kind 'frontier'" in line


def test_sensitivity_kind_without_group(capsys, sens_h100, tmp_path):
    odd = tmp_path / "nogroup.h5"
    shutil.copy(sens_h100[0], odd)
    with h5py.File(odd, "r+") as f:
        del f["sensitivity"]
    line = one_line_error(capsys, str(odd), "-o", str(tmp_path / "out"))
    assert "sensitivity file without its /sensitivity group" in line


def test_newer_schema(capsys, sens_h100, tmp_path):
    newer = tmp_path / "newer.h5"
    shutil.copy(sens_h100[0], newer)
    with h5py.File(newer, "r+") as f:
        f.attrs["schema_version"] = np.int64(2)
    line = one_line_error(capsys, str(newer), "-o", str(tmp_path / "out"))
    assert "newer llmsweep (schema version 2" in line
