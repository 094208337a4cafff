"""`python3 -m analysis explore`: the page's files, the data it embeds (walked again here with
analysis/frontier.py) and its bad-input errors. tests/browser runs the page itself in Chromium."""

from __future__ import annotations

import filecmp
import json
import re

import numpy as np
import pytest

from analysis import explore
from analysis.__main__ import main
from analysis.frontier import walk
from analysis.report import threshold_table
from analysis.results import load
from analysis.scenarios import scenarios_of, varied_params
from conftest import run_analysis


def page_data(folder):
    html = (folder / "index.html").read_text()
    m = re.search(r'<script id="llmsweep-data" type="application/json">(.*?)</script>', html, re.S)
    assert m, "no embedded data"
    return html, json.loads(m.group(1))


@pytest.fixture(scope="module")
def explored(heatmap_file, tmp_path_factory):
    out = tmp_path_factory.mktemp("explore") / "page"
    p = run_analysis("explore", str(heatmap_file), "-o", str(out))
    assert p.returncode == 0, p.stderr
    assert p.stdout.split() == [str(out / n) for n in ("explorer.js", "explorer.css", "plotly.js", "index.html")]
    return out


def test_page_files_work_offline(explored):
    html, _ = page_data(explored)
    assert filecmp.cmp(explored / "plotly.js", explore.PLOTLY_JS, shallow=False)
    for tag in re.findall(r"<(?:script|link)[^>]*>", html):
        assert "http:" not in tag and "https:" not in tag and "//" not in tag, tag
    assert re.findall(r'<script src="([^"]+)"', html) == ["plotly.js", "explorer.js"]


def test_embedded_rows_walk_to_the_scenarios_thresholds(heatmap_file, explored):
    _, data = page_data(explored)
    scenarios = scenarios_of(load(str(heatmap_file)))
    header, rows = threshold_table(scenarios)
    assert data["table_columns"] == header
    assert len(data["scenarios"]) == len(scenarios)
    for rec, s, row in zip(data["scenarios"], scenarios, rows):
        r = rec["rows"]
        assert len(r["d_model"]) == min(s.keep + 1, len(s.rows))  # the frontier and the row that ended it
        w = walk(r["status"], [np.nan if u is None else u for u in r["utilization"]], r["compute_flop"],
                 r["d_model"], rec["cap"])
        assert (w.keep, w.linear_scaling_ends_flop, w.largest_feasible_flop, w.first_infeasible_d_model) == (
            s.keep, s.linear_scaling_ends_flop, s.largest_feasible_flop, s.first_infeasible_d_model)
        assert rec["table"] == row
        time = sum(np.array(r["time_" + k][:s.keep], dtype=float) for k in
                   ("ideal", "matmul", "overlap", "comm", "latency", "bubble"))
        assert np.allclose(time, 1.0, rtol=1e-9)
    assert data["rules"] == {"linear_scaling_fraction": 0.8, "frontier_min_utilization": 0.001, "status_ok": 0,
                             "pending": 255}


def test_pickers_and_heatmaps(heatmap_file, explored):
    _, data = page_data(explored)
    scenarios = scenarios_of(load(str(heatmap_file)))
    assert [p["key"] for p in data["pickers"]] == varied_params(scenarios)
    assert varied_params(scenarios) == ["batch_multiplier", "depth_multiplier"]
    assert [p["values"] for p in data["pickers"]] == [["0.5", "2"], ["0.5", "1"]]
    assert data["heatmaps"] == [{"a": "batch_multiplier", "b": "depth_multiplier", "a_title": "batch multiplier",
                                 "b_title": "depth multiplier"}]
    assert {tuple(r["params"].values()) for r in data["scenarios"]} == {("0.5", "0.5"), ("0.5", "1"),
                                                                        ("2", "0.5"), ("2", "1")}


def test_hardware_picked_by_name(main_file, tmp_path):
    explore.build([str(main_file)], str(tmp_path))
    _, data = page_data(tmp_path)
    assert data["pickers"][0] == {"key": "hardware", "title": "hardware", "values": ["H100 SXM", "A100 SXM"]}
    assert data["heatmaps"] == []
    assert data["scenarios"][0]["label"] == "H100 SXM, dense"


def explore_error(capsys, *args) -> str:
    rc = main(["explore", *args])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2 and len(err) == 1, err
    return err[0]


def test_bad_input(capsys, main_file, sens_h100, tmp_path):
    line = explore_error(capsys, str(sens_h100[0]), "-o", str(tmp_path / "a"))
    assert "a sensitivity file; the explorer shows sweep files" in line
    line = explore_error(capsys, str(main_file), "-o", str(tmp_path / "b"), "--plotly-js", str(tmp_path / "no.js"))
    assert line.endswith("no.js: plotly.js not found (install Debian's python3-plotly, or give --plotly-js PATH)")
    (tmp_path / "taken").write_text("x")
    assert "output path is a file" in explore_error(capsys, str(main_file), "-o", str(tmp_path / "taken"))
    assert "nope.h5: no such file" in explore_error(capsys, str(tmp_path / "nope.h5"), "-o", str(tmp_path / "c"))
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()
