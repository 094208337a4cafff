"""The extended model's run-level terms (docs/MODEL-EXTENDED.md E5-E7) through the module: the
same keywords as the CLI's options, the same whole runs as its --json, the same one-line errors."""

import math

import pytest

import llmsweep

STORAGE = {"model": "extended", "recovery": "storage", "mtbf_gpu_hours": 50000.0,
           "checkpoint_write_GBps": 2000.0, "checkpoint_read_GBps": 7000.0, "restart_s": 600.0}
STORAGE_ARGS = ["--model", "extended", "--recovery", "storage", "--mtbf-gpu-hours", "50000",
                "--checkpoint-write-GBps", "2000", "--checkpoint-read-GBps", "7000", "--restart-s", "600"]


def same(record, j):
    """A record's fields equal a JSON object's (NaN and infinity equal to null, as JSON writes them)."""
    d = record.to_dict() if hasattr(record, "to_dict") else record
    for k, v in j.items():
        if isinstance(v, dict):
            same(d[k], v)
        elif isinstance(v, list) and v and isinstance(v[0], dict):
            assert len(d[k]) == len(v)
            for a, b in zip(d[k], v):
                same(a, b)
        elif v is None and isinstance(d[k], float):
            assert not math.isfinite(d[k]), k
        else:
            assert d[k] == v, k


def test_evaluate_gives_the_whole_run_of_the_cli(cli):
    r = llmsweep.evaluate("h100-sxm", d_model=4096, dp=[8, 1], **STORAGE)
    j = cli.json("eval", "--hardware", "h100-sxm", "--d-model", "4096", "--dp", "8,1", *STORAGE_ARGS)
    same(r.run, j["run"])
    # Epoch AI's anchor: 50,000 h / 8 GPUs.
    assert r.run.cluster_mtbf_s == 50000 * 3600 / 8
    assert math.isclose(r.run.wall_s, r.run.compute_s + r.run.failure_overhead_s, rel_tol=1e-12)
    assert r.run.terms.recovery == "storage"
    assert llmsweep.evaluate("h100-sxm", d_model=4096, dp=[8, 1]).run is None


def test_a_ramp_on_one_plan_or_per_phase(cli):
    per_phase = llmsweep.best_plan("h100-sxm", d_model=8192, gpus=1024, model="extended", ramp="0.0317:0.2,1:1")
    one = llmsweep.best_plan("h100-sxm", d_model=8192, gpus=1024, model="extended", ramp="0.0317:0.2,1:1",
                             ramp_plans="one-plan")
    assert [p.tokens_fraction for p in per_phase.run.phases][0] == 0.0317
    assert one.run.phases[0].plan == one.run.phases[1].plan
    assert one.run.compute_s >= per_phase.run.compute_s
    j = cli.json("plan", "--hardware", "h100-sxm", "--d-model", "8192", "--gpus", "1024", "--model", "extended",
                 "--ramp", "0.0317:0.2,1:1")
    same(per_phase.run, j["run"])


def test_frontier_rows_with_runs_equal_the_cli_json(cli):
    f = llmsweep.frontier("h100-sxm", widths=[4096, 8192], **STORAGE)
    j = cli.json("frontier", "--hardware", "h100-sxm", "--widths", "4096,8192", *STORAGE_ARGS)
    assert f.recovery == j["recovery"] == "storage"
    assert len(f.rows) == len(j["rows"]) == 2
    for row, jrow in zip(f.rows, j["rows"]):
        same(row.run, jrow["run"])
        assert row._flat() == {k: v for k, v in jrow.items() if k != "run"}


@pytest.mark.parametrize("keywords,args", [
    ({"model": "extended", "recovery": "peer", "mtbf_gpu_hours": -1.0},
     ["--model", "extended", "--recovery", "peer", "--mtbf-gpu-hours", "-1"]),
    ({"model": "extended", "ramp": "0.5:0.2,0.4:1"}, ["--model", "extended", "--ramp", "0.5:0.2,0.4:1"]),
    ({"model": "extended", "ramp": "0.5:0.2,0.9:1"}, ["--model", "extended", "--ramp", "0.5:0.2,0.9:1"]),
    ({"model": "extended", "sites": 4, "site_bandwidth_GBps": 500.0, "site_latency_ms": 10.0},
     ["--model", "extended", "--sites", "4", "--site-bandwidth-GBps", "500", "--site-latency-ms", "10"]),
    ({"sites": 4}, ["--sites", "4"]),
])
def test_bad_run_terms_give_the_cli_line(cli, keywords, args):
    with pytest.raises(llmsweep.UsageError) as e:
        llmsweep.frontier("h100-sxm", **keywords)
    assert str(e.value) == cli.error("frontier", "--hardware", "h100-sxm", *args)
