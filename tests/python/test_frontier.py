"""Frontiers and sensitivities through the module against the binary's --json, and the
paper's headline (README; Erdil & Schneider-Joseph 2024): H100 SXM, dense, default batch:
linear scaling ends at 2.048e28 FLOP (d_model 53248 on 8,388,608 GPUs, utilization 0.553), the
largest feasible run is 2.707e31 FLOP (d_model 196608), d_model 212992 is infeasible."""

import math

import pandas as pd
import pytest

import llmsweep


def cli_args(command, hardware, options):
    args = [command, "--hardware", hardware]
    for k, value in options.items():
        flag = f"--{k.replace('_', '-')}"
        if value is True:
            args.append(flag)
        elif isinstance(value, list):
            args += [flag, ",".join(map(str, value))]
        else:
            args += [flag, value]
    return args


SCENARIOS = [
    ("h100-sxm", {}),
    ("h100-sxm", {"experts": "sparse", "batch": "deepseek"}),
    ("a100-sxm", {"batch": "deepseek"}),
    ("V100 SXM", {"experts": "sparse"}),
    ("h100-pcie", {"batch": "none", "months": 6}),
    ("h100-sxm-superpod", {"widths": [12288, 49152, 98304, 196608]}),
    ("a100-sxm", {"search": "corrected", "zb_latency": "max", "no_zero_bubble": True,
                  "widths": [12288, 24576, 49152]}),
    ("gb200-nvl72", {"cluster_sizes": "fill-levels", "widths": [12288, 49152, 196608]}),
    ("gb200-nvl72", {"cluster_sizes": "pow2-domains", "experts": "sparse", "widths": [12288, 49152]}),
]


SCENARIO_IDS = [f"{h}-{'-'.join(map(str, o.values()))}" for h, o in SCENARIOS]


@pytest.mark.parametrize("hardware,options", SCENARIOS, ids=SCENARIO_IDS)
def test_frontier_equals_the_cli_json(cli, hardware, options):
    f = llmsweep.frontier(hardware, **options)
    j = cli.json(*cli_args("frontier", hardware, options))
    top = {k: v for k, v in j.items() if k != "rows"}
    assert {k: getattr(f, k) for k in top} == top
    assert len(f.rows) == len(j["rows"]) > 0
    for row, jrow in zip(f.rows, j["rows"]):
        assert row._flat() == jrow  # exactly the JSON row's fields, nothing more
        # ... and the row's objects agree with its flat fields.
        assert row.model.d_model == row.d_model and row.plan.pp_levels == row.pp_levels
        assert row.evaluation.utilization == row.utilization
        assert row.evaluation.steps * row.evaluation.matmul_s == row.matmul_s
    frame = f.to_frame()
    expected = pd.DataFrame(j["rows"])
    pd.testing.assert_frame_equal(frame, expected, check_like=True)  # JSON sorts its keys
    assert frame.attrs["largest_feasible_flop"] == j["largest_feasible_flop"]
    assert frame.attrs["hardware"] == j["hardware"]


def test_the_paper_headline():
    f = llmsweep.frontier("h100-sxm")
    assert math.isclose(f.linear_scaling_ends_flop, 2.048e28, rel_tol=5e-4)
    end = next(r for r in f.rows if r.compute_flop == f.linear_scaling_ends_flop)
    assert (end.d_model, end.gpus) == (53248, 8388608)
    assert round(end.utilization, 3) == 0.553
    assert end.utilization <= 0.8 * llmsweep.profile("h100-sxm").hardware.utilization_cap
    assert math.isclose(f.largest_feasible_flop, 2.707e31, rel_tol=5e-4)
    assert f.rows[-1].d_model == 196608
    assert f.first_infeasible_d_model == 212992
    assert f.rows[0].d_model == 12288  # the paper's smallest width (MODEL.md section 8)


def test_thresholds_that_are_not_reached_are_none(cli):
    f = llmsweep.frontier("h100-sxm", widths=[12288])
    assert f.linear_scaling_ends_flop is None and f.first_infeasible_d_model is None
    assert f.largest_feasible_flop == f.rows[0].compute_flop
    assert f.rows[0].gpus == 2048  # golden optimal[0]: d_model 12288 on 2048 GPUs


def test_widths_are_walked_ascending_as_the_cli():
    ascending = llmsweep.frontier("h100-sxm", widths=[12288, 24576])
    assert llmsweep.frontier("h100-sxm", widths=(24576, 12288)) == ascending


def test_defaults_are_the_clis():
    # Every default the module shows is the one `--help` shows (capture_default_str), from the
    # same struct: spot-check the frontier's against the CLI's help text.
    defaults = {k: d for k, _, d, _, _ in llmsweep.option_table("frontier")}
    assert defaults["experts"] == "dense" and defaults["batch"] == "default"
    assert defaults["months"] == 3.0 and defaults["cluster_sizes"] is None  # the model's default
    assert defaults["model"] == "reference" and defaults["zb_latency"] == "hidden"
    assert defaults["widths"] is None and defaults["no_zero_bubble"] is False


def test_every_cli_option_is_a_keyword(cli):
    # The keyword names are the CLI options' with dashes as underscores (--json aside: output).
    for function, command in (("evaluate", "eval"), ("best_plan", "plan"), ("frontier", "frontier"),
                              ("sensitivity", "sensitivity")):
        help_text = cli(command, "--help").stdout
        options = {line.split()[0].split(",")[-1] for line in help_text.splitlines()
                   if line.startswith("  -")}
        options -= {"-h", "--help", "--json"}
        keywords = {k for k, *_ in llmsweep.option_table(function)}
        assert {o.lstrip("-").replace("-", "_") for o in options} == keywords, command


def test_sensitivity_equals_the_cli_json(cli, tmp_path):
    options = {"widths": [12288, 196608, 212992], "factor": 1.5}
    s = llmsweep.sensitivity("h100-sxm", **options)
    j = cli.json(*cli_args("sensitivity", "h100-sxm", options))
    assert {k: getattr(s, k) for k in j if k not in ("rows", "baseline")} == \
        {k: v for k, v in j.items() if k not in ("rows", "baseline")}
    assert s.baseline.to_dict() == j["baseline"]
    assert [r.to_dict() for r in s.rows] == j["rows"]
    frame = s.to_frame()
    assert list(frame["number"]) == [r["number"] for r in j["rows"]]
    assert list(frame["down_largest_feasible_flop"]) == [r["down"]["largest_feasible_flop"] for r in j["rows"]]
