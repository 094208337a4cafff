"""open_results on files the binary writes during the test (a shared `point` dimension scale,
CF flag_values/flag_meanings and long_name beside the labels, a `grid_index` column in files of
kept rows), and on a file of schema 1."""

import shutil
from pathlib import Path

import h5py
import pandas as pd
import pytest

import llmsweep

# The paper's widths from 12288 to 24576 (MODEL.md section 8).
WIDTHS = [12288, 14336, 16384, 18432, 20480, 22528, 24576]
SPEC = """\
[sweep]
name = "pytest-module"
description = "llmsweep module tests: 2 profiles x dense/sparse x 7 widths"

[hardware]
profiles = ["h100-sxm", "a100-sxm"]

[model]
widths = { from = 12288, to = 24576 }
experts = ["dense", "width-scaled"]

[batch]
policy = ["default"]
"""


@pytest.fixture(scope="module")
def sweep_file(cli, tmp_path_factory):
    folder = tmp_path_factory.mktemp("sweep")
    (folder / "spec.toml").write_text(SPEC)
    r = cli("sweep", folder / "spec.toml", "-o", folder / "out.h5", "-q")
    assert r.returncode == 0, r.stderr
    return folder / "out.h5"


def test_points_labels_units_and_metadata(sweep_file):
    df = llmsweep.open_results(sweep_file)
    meta = df.attrs["metadata"]
    assert len(df) == meta["points"] == 2 * 2 * len(WIDTHS)
    assert meta["complete"] == 1 and meta["kind"] == "sweep" and "pytest-module" in meta["spec"]
    assert meta["hardware"] == ["h100-sxm", "a100-sxm"] and "profile:h100-sxm" in meta
    assert set(df["hardware"]) == {"h100-sxm", "a100-sxm"}
    assert set(df["experts_rule"]) == {"dense", "width-scaled"}
    assert set(df["status"]) == {"ok"} and set(df["batch_rule"]) == {"default"}
    assert df["zero_bubble"].dtype == bool
    assert df.attrs["units"]["compute_flop"] == "FLOP" and df.attrs["units"]["run_s"] == "s"
    assert df.attrs["descriptions"]["utilization"].startswith("model FLOP utilization")
    assert df.attrs["columns"]["status"]["labels"][:2] == ["ok", "memory"]
    assert df.index.name == "point"


@pytest.mark.parametrize("hardware,experts", [("h100-sxm", "dense"), ("a100-sxm", "sparse")])
def test_the_file_agrees_with_the_module(sweep_file, hardware, experts):
    df = llmsweep.open_results(sweep_file)
    rule = {"dense": "dense", "sparse": "width-scaled"}[experts]
    rows = df[(df.hardware == hardware) & (df.experts_rule == rule)].sort_values("d_model")
    f = llmsweep.frontier(hardware, experts=experts, widths=WIDTHS)
    assert list(rows.d_model) == [r.d_model for r in f.rows] == WIDTHS
    for (_, point), row in zip(rows.iterrows(), f.rows):
        for k in ("gpus", "utilization", "compute_flop", "run_s", "dp", "tp_model", "tp_ff", "pp", "ep",
                  "microbatches", "interleave", "tp_comm_s", "latency_s", "matmul_s"):
            assert point[k] == getattr(row, k), k
        assert bool(point.zero_bubble) == row.zero_bubble


def test_kept_rows_and_schema_1_read_the_same(cli, sweep_file, tmp_path):
    """A file of the feasible rows only (grid_index, the point dimension, CF flags) decodes to
    the feasible rows of the full file; a file of schema 1 (tests/data/schema1-headline.h5,
    llmsweep 0.1.0) still opens, codes decoded."""
    now = llmsweep.open_results(sweep_file)
    spec = tmp_path / "kept.toml"
    spec.write_text(SPEC + '\n[output]\nkeep = "feasible"\n')
    r = cli("sweep", spec, "-o", tmp_path / "kept.h5", "-q")
    assert r.returncode == 0, r.stderr
    kept = llmsweep.open_results(tmp_path / "kept.h5")
    assert "point" not in kept.columns  # the dimension scale is the index, not a column
    feasible = now[now["status"] == "ok"]
    assert list(kept["grid_index"]) == list(feasible.index)
    pd.testing.assert_frame_equal(kept.drop(columns="grid_index").reset_index(drop=True),
                                  feasible.reset_index(drop=True), check_categorical=False)
    assert kept.attrs["columns"]["d_model"]["long_name"] == "model width d"
    assert kept.attrs["metadata"]["Conventions"] == "CF-1.8"
    old = llmsweep.open_results(Path(__file__).resolve().parents[1] / "data" / "schema1-headline.h5")
    assert len(old) == 33 and set(old["status"]) == {"ok", "deadline"}
    assert old.attrs["metadata"]["schema_version"] == 1


def test_a_pending_row_decodes_as_pending(sweep_file, tmp_path):
    path = tmp_path / "pending.h5"
    shutil.copy(sweep_file, path)
    with h5py.File(path, "r+") as f:
        status = f["points/status"]
        values = status[()]
        values[-1] = status.attrs["pending_code"]
        status[...] = values
    df = llmsweep.open_results(path)
    assert df["status"].iloc[-1] == "pending" and (df["status"].iloc[:-1] == "ok").all()


def test_a_sensitivity_file(tmp_path):
    out = tmp_path / "s.h5"
    s = llmsweep.sensitivity("h100-sxm", widths=[12288, 196608, 212992], output=out)
    df = llmsweep.open_results(out)
    assert df.attrs["metadata"]["kind"] == "sensitivity"
    assert list(df["number"]) == [r.number for r in s.rows]
    assert list(df["wall_elasticity"]) == pytest.approx([r.wall_elasticity for r in s.rows], nan_ok=True)


def test_files_that_cannot_be_used(tmp_path):
    with pytest.raises(llmsweep.ResultFileError, match="no such results file"):
        llmsweep.open_results(tmp_path / "missing.h5")
    (tmp_path / "text.h5").write_text("not hdf5")
    with pytest.raises(llmsweep.ResultFileError) as e:
        llmsweep.open_results(tmp_path / "text.h5")
    assert isinstance(e.value, OSError) and "not a readable HDF5 file" in str(e.value)
    with h5py.File(tmp_path / "other.h5", "w") as f:
        f["x"] = [1, 2]
    with pytest.raises(llmsweep.ResultFileError, match="not an llmsweep results file"):
        llmsweep.open_results(tmp_path / "other.h5")
