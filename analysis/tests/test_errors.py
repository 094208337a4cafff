"""Bad input gives one line on stderr, no traceback, and exit status 2."""

from __future__ import annotations

import shutil

import h5py
import numpy as np
import pytest

from analysis.__main__ import main
from conftest import run_analysis


def report_error(capsys, *args) -> str:
    rc = main(["report", *args])
    err = capsys.readouterr().err
    assert rc == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def test_missing_file(capsys, tmp_path):
    line = report_error(capsys, str(tmp_path / "nope.h5"), "-o", str(tmp_path / "out"))
    assert "nope.h5: no such file" in line
    assert not (tmp_path / "out").exists()


def test_not_hdf5(capsys, tmp_path):
    bad = tmp_path / "notes.h5"
    bad.write_text("not a results file\n")
    line = report_error(capsys, str(bad), "-o", str(tmp_path / "out"))
    assert "notes.h5: not an HDF5 file" in line


def test_hdf5_without_schema_version(capsys, tmp_path):
    bad = tmp_path / "other.h5"
    with h5py.File(bad, "w") as f:
        f.create_dataset("points/x", data=np.arange(3))
    line = report_error(capsys, str(bad), "-o", str(tmp_path / "out"))
    assert "other.h5: not an llmsweep results file" in line


def test_hdf5_without_points(capsys, tmp_path):
    bad = tmp_path / "nopoints.h5"
    with h5py.File(bad, "w") as f:
        f.attrs["schema_version"] = 1
    line = report_error(capsys, str(bad), "-o", str(tmp_path / "out"))
    assert "not an llmsweep results file" in line


def test_newer_schema(capsys, main_file, tmp_path):
    newer = tmp_path / "newer.h5"
    shutil.copy(main_file, newer)
    with h5py.File(newer, "r+") as f:
        f.attrs["schema_version"] = np.int64(2)
    line = report_error(capsys, str(newer), "-o", str(tmp_path / "out"))
    assert "newer llmsweep (schema version 2" in line


def test_no_computed_rows(capsys, heatmap_file, tmp_path):
    empty = tmp_path / "empty.h5"
    shutil.copy(heatmap_file, empty)
    with h5py.File(empty, "r+") as f:
        f["points/status"][...] = 255
        f.attrs["points_done"] = np.int64(0)
        f.attrs["complete"] = np.int64(0)
    line = report_error(capsys, str(empty), "-o", str(tmp_path / "out"))
    assert "empty.h5: no computed rows" in line


def test_no_feasible_rows(capsys, infeasible_file, tmp_path):
    line = report_error(capsys, str(infeasible_file), "-o", str(tmp_path / "out"))
    assert "no feasible rows" in line and "memory" in line


def test_output_is_a_file(capsys, heatmap_file, tmp_path):
    target = tmp_path / "taken"
    target.write_text("x")
    line = report_error(capsys, str(heatmap_file), "-o", str(target))
    assert "output path is a file" in line


def test_missing_column(capsys, heatmap_file, tmp_path):
    broken = tmp_path / "broken.h5"
    shutil.copy(heatmap_file, broken)
    with h5py.File(broken, "r+") as f:
        del f["points/utilization"]
    line = report_error(capsys, str(broken), "-o", str(tmp_path / "out"))
    assert "missing column /points/utilization" in line


def test_command_line_error_is_one_line(tmp_path):
    p = run_analysis("report", str(tmp_path / "missing.h5"), "-o", str(tmp_path / "out"))
    assert p.returncode == 2
    assert "Traceback" not in p.stderr
    missing = tmp_path / "missing.h5"
    assert p.stderr.strip().splitlines() == [f"python3 -m analysis report: error: {missing}: no such file"]
    assert p.stdout == ""


def test_usage_errors(capsys):
    with pytest.raises(SystemExit) as e:
        main(["report", "x.h5"])  # no -o
    assert e.value.code == 2
    assert "-o" in capsys.readouterr().err
