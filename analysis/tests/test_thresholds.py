"""The thresholds table against the C++ (llmsweep frontier --json, llmsweep summarize --json)."""

from __future__ import annotations

import csv
import json

import h5py
import pytest

from conftest import run_llmsweep

HEADER = ["hardware", "experts", "batch", "zero_bubble", "linear_scaling_ends_flop", "largest_feasible_flop",
          "first_infeasible_d_model"]


def read_csv(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], [dict(zip(rows[0], r)) for r in rows[1:]]


def number(text):
    return None if text == "" else float(text)


def widths_of(h5_path) -> list[str]:
    with h5py.File(h5_path, "r") as f:
        return [w.decode() if isinstance(w, bytes) else str(w) for w in f["axes"].attrs["width"]]


def test_csv_header_is_exact(main_report):
    header, rows = read_csv(main_report / "thresholds.csv")
    assert header == HEADER
    assert len(rows) == 4  # h100/a100 x dense/sparse
    assert {(r["hardware"], r["experts"]) for r in rows} == {
        ("h100-sxm", "dense"), ("h100-sxm", "sparse"), ("a100-sxm", "dense"), ("a100-sxm", "sparse")}
    assert {r["batch"] for r in rows} == {"default"}
    assert {r["zero_bubble"] for r in rows} == {"true"}


@pytest.mark.parametrize("hardware", ["h100-sxm", "a100-sxm"])
@pytest.mark.parametrize("experts", ["dense", "sparse"])
def test_thresholds_match_frontier_command(llmsweep, main_file, main_report, hardware, experts):
    _, rows = read_csv(main_report / "thresholds.csv")
    row = next(r for r in rows if r["hardware"] == hardware and r["experts"] == experts)
    widths = widths_of(main_file)
    assert widths[0] == "12288" and widths[-1] == "212992"
    p = run_llmsweep(llmsweep, "frontier", "--hardware", hardware, "--experts", experts, "--batch", "default",
                     "--json", "--widths", ",".join(widths))
    ref = json.loads(p.stdout)
    assert number(row["linear_scaling_ends_flop"]) == ref["linear_scaling_ends_flop"]
    assert number(row["largest_feasible_flop"]) == ref["largest_feasible_flop"]
    first = ref["first_infeasible_d_model"]
    assert row["first_infeasible_d_model"] == ("" if first is None else str(first))


def test_paper_reference_numbers(main_report):
    """MODEL.md section 9: H100 SXM, dense, default batch."""
    _, rows = read_csv(main_report / "thresholds.csv")
    row = next(r for r in rows if r["hardware"] == "h100-sxm" and r["experts"] == "dense")
    assert number(row["linear_scaling_ends_flop"]) == pytest.approx(2.048e28, rel=1e-3)
    assert number(row["largest_feasible_flop"]) == pytest.approx(2.707e31, rel=1e-3)
    assert row["first_infeasible_d_model"] == "212992"


def test_report_md(main_file, main_report):
    md = (main_report / "report.md").read_text()
    with h5py.File(main_file, "r") as f:
        version = f.attrs["llmsweep_version"]
        git = f.attrs["git_hash"]
        spec_hash = f.attrs["spec_hash"]
    for text in (str(main_file), "pytest-main", version, git, spec_hash[:12], "complete"):
        assert text in md
    assert "| " + " | ".join(HEADER) + " |" in md
    assert "| h100-sxm | dense | default | true | 2.048e28 | 2.707e31 | 212992 |" in md
    for name in ("utilization.png", "utilization.svg", "parallelism.png", "breakdown.png", "thresholds.csv"):
        assert f"({name})" in md
    assert "heatmap_" not in md


CLUSTER_SIZES_SPEC = """\
[sweep]
name = "pytest-cluster-sizes"

[hardware]
profiles = ["gb200-nvl72"]

[model]
d_model = [12288, 49152]

[cluster]
sizes = ["powers-of-two", "fill-levels"]
"""


def test_other_varied_axes_get_columns(llmsweep, sweeps):
    """An axis without a dedicated input column here (cluster sizes) is read from /axes."""
    from analysis.report import threshold_rows
    from analysis.results import load
    from analysis.scenarios import scenarios_of, table_columns

    path = sweeps("cluster_sizes", CLUSTER_SIZES_SPEC)
    scenarios = scenarios_of(load(str(path)))
    columns = table_columns(scenarios)
    assert columns == HEADER[:4] + ["cluster_sizes"]
    rows = threshold_rows(scenarios, columns)
    assert [r["cluster_sizes"] for r in rows] == ["powers-of-two", "fill-levels"]
    theirs = json.loads(run_llmsweep(llmsweep, "summarize", str(path), "--json").stdout)["scenarios"]
    for s, t in zip(scenarios, theirs):
        assert (s.linear_scaling_ends_flop, s.largest_feasible_flop, s.first_infeasible_d_model) == (
            t["linear_scaling_ends_flop"], t["largest_feasible_flop"], t["first_infeasible_d_model"])
