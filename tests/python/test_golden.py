"""Every golden vector (tests/data/reference-vectors.json, a copy of the shared golden file)
through the module, compared with the golden outputs (relative 1e-9, plan fields exact, as the
file's meta says) and with what the binary's --json gives for the same input (exactly: both
come from the same code through src/api)."""

import math
import os
from concurrent.futures import ThreadPoolExecutor

import pytest

import llmsweep
from conftest import levels_args

KINDS = ("dp", "tp_model", "tp_ff", "pp", "ep")
TOLERANCE = 1e-9  # the golden file's meta: relative 1e-9 on real outputs


def close(got, expected):
    return math.isclose(got, expected, rel_tol=TOLERANCE, abs_tol=0)


def same_as_json(record, j):
    """Every key of the CLI's JSON object has the same value in the module's record."""
    d = record.to_dict()
    missing = set(j) - set(d)
    assert not missing, f"the module lacks {sorted(missing)}"
    assert {k: d[k] for k in j} == j


def test_every_matmul_vector(golden):
    # The CLI has no matmul command; `llmsweep verify` checks the same vectors (test_verify).
    for i, v in enumerate(golden["matmul"]):
        got = llmsweep.matmul_time(v["gpu"], v["d1"], v["d2"], v["b"], weight_grads=v["weight_grads"])
        assert close(got, v["seconds"]), (i, v, got)


def test_the_binary_verifies_the_same_file(cli):
    from conftest import GOLDEN
    r = cli("verify", GOLDEN)
    assert r.returncode == 0 and r.stdout == "545 passed, 0 failed\n", r.stdout + r.stderr


def training_options(v):
    return dict(d_model=v["d_model"], d_ff=v["d_ff"], layers=v["layers"], experts=v["experts"],
                batch_seqs=v["batch_seqs"], seq_len=v["seq_len"], microbatches=v["microbatches"],
                interleave=v["interleave"], zero_bubble=v["zero_bubble"], overlap_tp=v["overlap_tp"],
                overlap_dp=v["overlap_dp"], overlap_pp=v["overlap_pp"], **{k: v[k] for k in KINDS})


def training_args(v):
    args = ["eval", "--hardware", v["gpu"]]
    for k in ("d_model", "d_ff", "layers", "experts", "batch_seqs", "seq_len", "microbatches", "interleave",
              "overlap_tp", "overlap_dp", "overlap_pp"):
        args += [f"--{k.replace('_', '-')}", int(v[k])]
    for k in KINDS:
        args += levels_args(k, v[k])
    return args + (["--zero-bubble"] if v["zero_bubble"] else [])


def test_every_training_vector(golden, cli):
    assert len(golden["training"]) == 300
    # The binary runs outside the GIL: a few at once.
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        outputs = list(pool.map(lambda v: cli.json(*training_args(v)), golden["training"]))
    for i, (v, j) in enumerate(zip(golden["training"], outputs)):
        run = llmsweep.evaluate(v["gpu"], **training_options(v))
        ev = run.evaluation
        where = f"training[{i}]"
        assert close(ev.run_s, v["total_seconds"]), where
        assert close(ev.utilization, v["utilization"]), where
        assert close(ev.tp_comm_s, v["tp_comm_seconds"]), where
        assert close(ev.dp_comm_s, v["dp_comm_seconds"]), where
        assert close(ev.pp_ep_comm_s, v["pp_ep_comm_seconds"]), where
        assert close(ev.latency_s, v["latency_seconds"]), where
        for k in KINDS:
            assert getattr(run.plan, k + "_levels") == v[k], where
        # Tstep splits into these parts (src/costmodel/evaluate.hpp), up to rounding.
        parts = ev.busy_s + ev.bubble_s + ev.exposed_net_s + ev.exposed_latency_s
        assert math.isclose(parts, ev.step_s, rel_tol=1e-9), where
        assert j["hardware"] == run.hardware == v["gpu"]
        same_as_json(run.model, j["model"])
        same_as_json(run.plan, j["plan"])
        same_as_json(run.evaluation, j["evaluation"])


def test_every_optimal_vector(golden, cli):
    assert golden["optimal"]
    for i, v in enumerate(golden["optimal"]):
        options = dict(d_model=v["d_model"], d_ff=v["d_ff"], layers=v["layers"], experts=v["experts"],
                       batch_seqs=v["batch_seqs"], seq_len=v["seq_len"], gpus=v["gpus"],
                       overlap_tp=v["overlap_tp"], overlap_dp=v["overlap_dp"], overlap_pp=v["overlap_pp"])
        run = llmsweep.best_plan(v["gpu"], **options)
        where = f"optimal[{i}]"
        assert run.found and run.status == "ok", where
        for k in KINDS + ("microbatches", "interleave"):
            assert getattr(run.plan, k) == v[k], (where, k)
        assert close(run.evaluation.utilization, v["utilization"]), where
        assert close(run.evaluation.years, v["years"]), where
        args = ["plan", "--hardware", v["gpu"]]
        for k, value in options.items():
            args += [f"--{k.replace('_', '-')}", int(value)]
        j = cli.json(*args)
        same_as_json(run.model, j["model"])
        same_as_json(run.plan, j["plan"])
        same_as_json(run.evaluation, j["evaluation"])


def test_a_plan_search_that_finds_nothing_is_a_result(cli):
    # 2 GPUs cannot hold a d_model 12288 model (memory): the CLI exits 1 with the status in JSON.
    run = llmsweep.best_plan("h100-sxm", d_model=12288, gpus=2)
    r = cli("plan", "--hardware", "h100-sxm", "--d-model", 12288, "--gpus", 2, "--json")
    assert r.returncode == 1
    import json
    j = json.loads(r.stdout)
    assert (run.found, run.plan, run.evaluation) == (False, None, None)
    assert run.status == j["status"] != "ok"
    assert run.gpus == j["gpus"] == 2
    same_as_json(run.model, j["model"])


@pytest.mark.parametrize("options", [
    {},
    {"batch": "deepseek", "zb_latency": "max", "no_zero_bubble": True, "overlap_dp": 1},
    {"experts": 8, "seq_len": 4096, "batch": "none"},
])
def test_plan_options_as_the_cli(cli, options):
    run = llmsweep.best_plan("h100-sxm", d_model=12288, gpus=2048, **options)
    args = ["plan", "--hardware", "h100-sxm", "--d-model", 12288, "--gpus", 2048]
    for k, value in options.items():
        flag = f"--{k.replace('_', '-')}"
        args += [flag] if value is True else [flag, value]
    j = cli.json(*args)
    same_as_json(run.plan, j["plan"])
    same_as_json(run.evaluation, j["evaluation"])
