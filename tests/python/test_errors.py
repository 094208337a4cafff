"""Bad input: the module raises a ValueError subclass whose message is the line the CLI prints
after "llmsweep: error: " for the same input (both come from src/api's checks)."""

import pytest

import llmsweep

# (function, hardware, keywords, the CLI's arguments after the subcommand and --hardware)
SAME_AS_CLI = [
    ("frontier", "no-such-gpu", {}, []),
    ("evaluate", "nope", {"d_model": 12288}, ["--d-model", "12288"]),
    ("evaluate", "h100-sxm", {"d_model": 0}, ["--d-model", "0"]),
    ("evaluate", "h100-sxm", {"d_model": -12288}, ["--d-model", "-12288"]),
    ("evaluate", "h100-sxm", {"d_model": 12288, "d_ff": -1}, ["--d-model", "12288", "--d-ff", "-1"]),
    ("evaluate", "h100-sxm", {"d_model": 12288, "layers": 0}, ["--d-model", "12288", "--layers", "0"]),
    ("evaluate", "h100-sxm", {"d_model": 12288, "experts": 0}, ["--d-model", "12288", "--experts", "0"]),
    ("evaluate", "h100-sxm", {"d_model": 12288, "batch_seqs": -4}, ["--d-model", "12288", "--batch-seqs", "-4"]),
    ("evaluate", "h100-sxm", {"d_model": 12288, "batch": "foo"}, ["--d-model", "12288", "--batch", "foo"]),
    ("evaluate", "h100-sxm", {"d_model": 12288, "zb_latency": "min"}, ["--d-model", "12288", "--zb-latency", "min"]),
    ("evaluate", "h100-sxm", {"d_model": 12288, "tp_model": [5, 1]}, ["--d-model", "12288", "--tp-model", "5,1"]),
    ("evaluate", "h100-sxm", {"d_model": 12288, "pp": [1, 7]}, ["--d-model", "12288", "--pp", "1,7"]),
    ("evaluate", "h100-sxm", {"d_model": 12288, "dp": [1, 2, 3]}, ["--d-model", "12288", "--dp", "1,2,3"]),
    ("evaluate", "h100-sxm", {"d_model": 12288, "dp": [0, 1]}, ["--d-model", "12288", "--dp", "0,1"]),
    ("evaluate", "h100-sxm", {"d_model": 12288, "gpus": 2}, ["--d-model", "12288", "--gpus", "2"]),
    ("evaluate", "h100-sxm", {"d_model": 12288, "microbatches": 0}, ["--d-model", "12288", "--microbatches", "0"]),
    ("evaluate", "h100-sxm", {"d_model": 12288, "overlap_tp": 2}, ["--d-model", "12288", "--overlap-tp", "2"]),
    ("best_plan", "h100-sxm", {"d_model": 12288, "gpus": 12}, ["--d-model", "12288", "--gpus", "12"]),
    ("best_plan", "h100-sxm", {"d_model": 12288, "gpus": -8}, ["--d-model", "12288", "--gpus", "-8"]),
    ("best_plan", "h100-sxm", {"d_model": 12288, "gpus": 8, "overlap_dp": -1},
     ["--d-model", "12288", "--gpus", "8", "--overlap-dp", "-1"]),
    ("frontier", "h100-sxm", {"experts": "moe"}, ["--experts", "moe"]),
    ("frontier", "h100-sxm", {"batch": "power"}, ["--batch", "power"]),
    ("frontier", "h100-sxm", {"months": 0}, ["--months", "0"]),
    ("frontier", "h100-sxm", {"months": -1.5}, ["--months", "-1.5"]),
    ("frontier", "h100-sxm", {"widths": [12288, -1]}, ["--widths", "12288,-1"]),
    ("frontier", "h100-sxm", {"cluster_sizes": "all"}, ["--cluster-sizes", "all"]),
    ("frontier", "h100-sxm", {"search": "fast"}, ["--search", "fast"]),
    ("sensitivity", "h100-sxm", {"factor": 1}, ["--factor", "1"]),
    ("sensitivity", "h100-sxm", {"factor": 0.5, "widths": [12288]}, ["--factor", "0.5", "--widths", "12288"]),
]
COMMANDS = {"evaluate": "eval", "best_plan": "plan", "frontier": "frontier", "sensitivity": "sensitivity"}


@pytest.mark.parametrize("function,hardware,keywords,args", SAME_AS_CLI,
                         ids=[f"{f}-{'-'.join(a) or h}" for f, h, _, a in SAME_AS_CLI])
def test_the_same_message_as_the_cli(cli, function, hardware, keywords, args):
    with pytest.raises(llmsweep.UsageError) as e:
        getattr(llmsweep, function)(hardware, **keywords)
    assert isinstance(e.value, ValueError)
    assert str(e.value) == cli.error(COMMANDS[function], "--hardware", hardware, *args)
    assert "\n" not in str(e.value)


def test_a_broken_profile_is_a_config_error_naming_file_and_key(cli, tmp_path):
    text = (llmsweep.profile("h100-sxm").text).replace("hbm_bandwidth_GBps", "hbm_bandwith_GBps")
    path = tmp_path / "broken.toml"
    path.write_text(text)
    with pytest.raises(llmsweep.ConfigError) as e:
        llmsweep.frontier(path)
    assert isinstance(e.value, ValueError)
    assert e.value.file == str(path) and "hbm_bandwith_GBps" in e.value.key and e.value.line > 0
    assert str(e.value) == cli.error("frontier", "--hardware", path)
    with pytest.raises(llmsweep.ConfigError):
        llmsweep.profile(path)
    with pytest.raises(llmsweep.ConfigError) as e:
        llmsweep.profile(tmp_path / "missing.toml")
    assert "not found" in str(e.value)


def test_an_unknown_profile_lists_the_known_ones():
    with pytest.raises(llmsweep.UsageError) as e:
        llmsweep.profile("h100-sxn")
    assert "h100-sxm" in str(e.value)


@pytest.mark.parametrize("call,message", [
    (lambda: llmsweep.frontier("h100-sxm", expert="sparse"),
     "frontier() got an unexpected keyword argument 'expert' (did you mean 'experts'?)"),
    (lambda: llmsweep.evaluate("h100-sxm", dmodel=12288),
     "evaluate() got an unexpected keyword argument 'dmodel' (did you mean 'd_model'?)"),
    (lambda: llmsweep.best_plan("h100-sxm", d_model=12288, gpus=8, zero_bubble=True),
     "best_plan() got an unexpected keyword argument 'zero_bubble' (did you mean 'no_zero_bubble'?)"),
    (lambda: llmsweep.sensitivity("h100-sxm", json=True),
     "sensitivity() got an unexpected keyword argument 'json'"),
    (lambda: llmsweep.evaluate("h100-sxm"), "--d-model is required"),
    (lambda: llmsweep.frontier(), "--hardware is required"),
    (lambda: llmsweep.best_plan("h100-sxm", d_model=12288), "--gpus is required"),
    (lambda: llmsweep.frontier("h100-sxm", "dense"),
     "frontier() takes 1 positional argument (hardware) but 2 were given"),
    (lambda: llmsweep.frontier("h100-sxm", hardware="a100-sxm"),
     "frontier() got multiple values for argument 'hardware'"),
    (lambda: llmsweep.evaluate("h100-sxm", d_model="12288"), "--d-model expects an integer, got '12288'"),
    (lambda: llmsweep.evaluate("h100-sxm", d_model=12288.0), "--d-model expects an integer, got 12288.0"),
    (lambda: llmsweep.evaluate("h100-sxm", d_model=2**70), f"--d-model expects an integer, got {2**70}"),
    (lambda: llmsweep.frontier("h100-sxm", widths="12288,24576"),
     "--widths expects a list of integers, got '12288,24576'"),
    (lambda: llmsweep.frontier("h100-sxm", widths=[12288, 1.5]),
     "--widths expects a list of integers, got [12288, 1.5]"),
    (lambda: llmsweep.frontier("h100-sxm", months="3"), "--months expects a number, got '3'"),
    (lambda: llmsweep.frontier("h100-sxm", no_zero_bubble="yes"), "--no-zero-bubble expects True or False, got 'yes'"),
    (lambda: llmsweep.frontier("h100-sxm", no_zero_bubble=2), "--no-zero-bubble expects True or False, got 2"),
    (lambda: llmsweep.frontier(12288), "--hardware expects a string or path, got 12288"),
    (lambda: llmsweep.frontier(None), "--hardware expects a string or path, got None"),
])
def test_misspelled_missing_and_mistyped_keywords(call, message):
    with pytest.raises(llmsweep.ArgumentError) as e:
        call()
    assert isinstance(e.value, ValueError) and isinstance(e.value, TypeError)
    assert str(e.value) == message


def test_numpy_numbers_and_paths_are_accepted(tmp_path):
    import pathlib
    import numpy as np
    expected = llmsweep.frontier("h100-sxm", widths=[12288, 24576], months=3)
    assert llmsweep.frontier("h100-sxm", widths=np.array([12288, 24576]), months=np.float64(3)) == expected
    path = pathlib.Path(llmsweep.profile("h100-sxm").path)
    assert llmsweep.frontier(path, widths=[12288, 24576]) == expected
    assert llmsweep.best_plan("h100-sxm", d_model=np.int64(12288), gpus=np.int32(2048)) == \
        llmsweep.best_plan("h100-sxm", d_model=12288, gpus=2048)


def test_none_means_the_default():
    assert llmsweep.frontier("h100-sxm", widths=[12288], months=None, batch=None) == \
        llmsweep.frontier("h100-sxm", widths=[12288])


def test_an_existing_output_is_refused_without_overwrite(tmp_path, cli):
    out = tmp_path / "s.h5"
    llmsweep.sensitivity("h100-sxm", widths=[12288], output=out)
    with pytest.raises(llmsweep.ResultFileError) as e:
        llmsweep.sensitivity("h100-sxm", widths=[12288], output=out)
    assert isinstance(e.value, OSError) and "--overwrite" in str(e.value)
    r = cli("sensitivity", "--hardware", "h100-sxm", "--widths", "12288", "-o", out)
    assert r.returncode == 3 and r.stderr == f"llmsweep: error: {e.value}\n"
    llmsweep.sensitivity("h100-sxm", widths=[12288], output=out, overwrite=True)


def test_the_matmul_primitive_checks_its_sizes():
    with pytest.raises(llmsweep.UsageError, match="d1 must be a positive integer, got 0"):
        llmsweep.matmul_time("h100-sxm", 0, 8, 8)
