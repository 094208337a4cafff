"""The results file as the ecosystem sees it, on files the binary writes during the test:
kept rows equal a reduction of the full table done afterwards with h5py; xarray opens /points
as it is (a shared `point` dimension, CF flags); and old files (schema 1) still read."""
import os
import subprocess
from pathlib import Path

import h5py
import numpy as np
import pytest

BINARY = os.environ.get("LLMSWEEP_BINARY", "build/llmsweep")
DATA = Path(__file__).resolve().parents[1] / "data"

GRID = """
[hardware]
profiles = ["h100-sxm", "a100-sxm"]
[model]
d_model = [12288, 16384, 24576]
[parallelism]
dp = [1, 2, 4, 8, 16]
tp_model = [1, 2, 4]
tp_ff = [1, 2, 4]
pp = [1, 2, 4, 8]
microbatches = [1, 8, 32]
"""


def sweep(tmp_path, name, output_table="", ranks=1):
    spec = tmp_path / f"{name}.toml"
    spec.write_text(GRID + output_table)
    out = tmp_path / f"{name}.h5"
    cmd = [BINARY, "sweep", str(spec), "-o", str(out), "-q"]
    if ranks > 1:
        cmd = ["mpirun", "--allow-run-as-root", "--oversubscribe", "-n", str(ranks)] + cmd
    subprocess.run(cmd, check=True, timeout=300)
    return out


def columns(path):
    with h5py.File(path, "r") as f:
        return {k: f["points"][k][()] for k in f["points"] if k != "point"}, dict(f.attrs)


@pytest.fixture(scope="module")
def full(tmp_path_factory):
    return columns(sweep(tmp_path_factory.mktemp("all"), "all"))


@pytest.mark.parametrize("ranks", [1, 2, 3])
def test_best_equals_reducing_everything_afterwards(tmp_path, full, ranks):
    table = '[output]\nkeep = "best"\nby = ["hardware", "d_model"]\ncount = 2\n'
    kept, attrs = columns(sweep(tmp_path, "best", table, ranks))
    cols, _ = full
    index = np.arange(len(cols["status"]))
    want = []
    for hw in np.unique(cols["hardware"]):
        for d in np.unique(cols["d_model"]):
            ok = index[(cols["hardware"] == hw) & (cols["d_model"] == d) & (cols["status"] == 0)]
            order = np.lexsort((ok, cols["run_s"][ok]))  # least run time, then the lower index
            want.extend(ok[order][:2])
    want = np.sort(np.array(want))
    np.testing.assert_array_equal(kept["grid_index"], want)
    for name, values in cols.items():
        np.testing.assert_array_equal(kept[name], values[want], err_msg=name)
    assert attrs["keep"] == "best" and list(attrs["keep_by"]) == ["hardware", "d_model"]
    n = len(attrs["status_counts"])  # one per status the file's flag_meanings name
    counts = np.bincount(cols["status"], minlength=n)
    np.testing.assert_array_equal(attrs["status_counts"], counts[:n])
    assert attrs["complete"] == 1 and attrs["rows"] == len(want)


def test_feasible_keeps_every_feasible_row(tmp_path, full):
    kept, attrs = columns(sweep(tmp_path, "feasible", '[output]\nkeep = "feasible"\n', 2))
    cols, _ = full
    want = np.flatnonzero(cols["status"] == 0)
    np.testing.assert_array_equal(kept["grid_index"], want)
    np.testing.assert_array_equal(kept["utilization"], cols["utilization"][want])
    assert attrs["status_counts"][0] == len(want)
    assert attrs["status_counts"].sum() == len(cols["status"])


def test_xarray_opens_points_as_they_are(tmp_path):
    xr = pytest.importorskip("xarray")
    out = sweep(tmp_path, "x")
    ds = xr.open_dataset(out, engine="h5netcdf", group="points")
    assert list(ds.dims) == ["point"]
    assert ds.sizes["point"] == 3240
    status = ds["status"]
    assert status.attrs["flag_meanings"].split()[0] == "ok"
    meanings = status.attrs["flag_meanings"].split()
    assert "needs_extended" in meanings
    assert list(status.attrs["flag_values"]) == list(range(len(meanings)))
    assert ds["run_s"].attrs["units"] == "s" and "long_name" in ds["run_s"].attrs
    with h5py.File(out, "r") as f:
        assert f.attrs["Conventions"] == "CF-1.8"
        np.testing.assert_array_equal(ds["utilization"].values, f["points/utilization"][()])
    kept = sweep(tmp_path, "xk", '[output]\nkeep = "feasible"\n')
    dk = xr.open_dataset(kept, engine="h5netcdf", group="points")
    assert (dk["status"].values == 0).all()
    assert dk["grid_index"].dims == ("point",)


def test_schema_1_files_still_read():
    """tests/data/schema1-headline.h5: written by llmsweep 0.1.0 (60cf451, schema 1) over the
    paper's widths for H100 SXM, dense, default batch: the paper's headline thresholds."""
    import json
    old = DATA / "schema1-headline.h5"
    out = subprocess.run([BINARY, "summarize", str(old), "--json"], check=True, capture_output=True, text=True)
    (scenario,) = json.loads(out.stdout)["scenarios"]
    assert scenario["linear_scaling_ends_flop"] == pytest.approx(2.048e28, rel=1e-3)
    assert scenario["largest_feasible_flop"] == pytest.approx(2.707e31, rel=1e-3)
    assert scenario["first_infeasible_d_model"] == 212992
