"""The report's figures of the extended model's run-level terms (analysis/figures/run_terms.py),
on small sweeps the real binary writes: one figure per family the file varies, each line one
value of the term, drawn from the file's /points columns."""

import matplotlib

matplotlib.use("Agg")

from analysis import report  # noqa: E402
from analysis.figures.run_terms import failure_variants, run_term_figures  # noqa: E402
from analysis.results import load  # noqa: E402

FAILURES_SPEC = """
[sweep]
name = "failures-test"
[hardware]
profiles = ["h100-sxm"]
[model]
d_model = [12288, 16384, 20480, 24576]
[batch]
policy = ["default", "step-law"]
[run]
model = "extended"
[failures]
recovery = ["none", "storage", "peer"]
mtbf_gpu_hours = 50000
checkpoint_write_GBps = 2000
checkpoint_read_GBps = 7000
restart_s = 600
[ramp]
steps = ["none", [[0.0317, 0.2], [1, 1]]]
"""

SITES_SPEC = """
[sweep]
name = "sites-test"
[hardware]
profiles = ["h100-sxm"]
[model]
d_model = [4096, 8192]
[run]
model = "extended"
[sites]
count = [1, 2, 4]
bandwidth_GBps = 1
latency_ms = 10
"""


def test_failures_and_batch_figures(sweeps, tmp_path):
    rf = load(str(sweeps("run-terms-failures", FAILURES_SPEC)))
    names = [name for name, _, _ in run_term_figures(rf, "test")]
    assert names == ["run-terms-failures.png", "run-terms-batch.png"]
    # One line per (recovery, restart): none, storage and peer at 600 s.
    ok = rf.points[rf.points["status"] == 0]
    assert [rec for rec, _ in failure_variants(ok)] == [0, 1, 2]
    figure = run_term_figures(rf, "test")[0][1]
    top = figure.axes[0]
    labels = [line.get_label() for line in top.get_lines() if not line.get_label().startswith("_")]
    assert labels == ["no failures", "storage, restart 600 s", "peer, restart 600 s"]
    # The lines are the file's wall-time utilizations: storage's never above no failures'.
    lines = {line.get_label(): line.get_ydata() for line in top.get_lines()}
    n = min(len(lines["no failures"]), len(lines["storage, restart 600 s"]))
    assert all(s <= f for s, f in zip(lines["storage, restart 600 s"][:n], lines["no failures"][:n]))
    out = tmp_path / "report"
    report.build([str(sweeps("run-terms-failures", FAILURES_SPEC))], str(out))
    md = (out / "report.md").read_text()
    assert "## Failures, sites, batch laws and ramps" in md
    assert (out / "run-terms-failures.png").exists() and (out / "run-terms-batch.png").exists()


def test_sites_figure(sweeps):
    rf = load(str(sweeps("run-terms-sites", SITES_SPEC)))
    figures = run_term_figures(rf, "test")
    assert [name for name, _, _ in figures] == ["run-terms-sites.png"]
    labels = [line.get_label() for line in figures[0][1].axes[0].get_lines()
              if not line.get_label().startswith("_")]
    assert labels == ["1 site", "2 sites", "4 sites"]


def test_no_run_term_figures_without_terms(main_file):
    assert run_term_figures(load(str(main_file)), "test") == []
