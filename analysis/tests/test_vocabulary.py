"""Option names come from the results file (analysis/vocabulary.py): checked against the words of
the spec the file stores and against the defaults `llmsweep frontier --json` prints."""

from __future__ import annotations

import json
import shutil
import tomllib

import h5py
import numpy as np

from analysis import vocabulary
from analysis.results import load
from analysis.scenarios import reference_values, scenarios_of
from conftest import run_llmsweep

VOCABULARY_SPEC = """\
[sweep]
name = "pytest-vocabulary"

[hardware]
profiles = ["h100-sxm"]

[model]
d_model = [12288]
experts = ["dense", "sparse"]

[run]
zb_latency = ["max", "hidden"]
search = ["corrected", "reference", "all-microbatches", "exhaustive"]
"""


def axis_words(rf, scenario, axis):
    """The spec's word for the scenario's value of `axis` (axes keep the spec's order)."""
    spec = tomllib.loads(rf.attr("spec"))
    section = "run" if axis in ("zb_latency", "search") else "model"
    digit = int(scenario.table["axis:" + axis].iat[scenario.start])
    return spec[section][axis][digit]


def test_names_are_the_spec_words(sweeps):
    rf = load(str(sweeps("vocabulary", VOCABULARY_SPEC)))
    scenarios = scenarios_of(rf)
    assert len(scenarios) == 16
    for s in scenarios:
        assert s.params["search"] == axis_words(rf, s, "search")
        assert s.params["zb_latency"] == axis_words(rf, s, "zb_latency")
        assert s.params["experts"] == axis_words(rf, s, "experts")


def test_reference_names_are_the_commands_defaults(llmsweep, sweeps):
    rf = load(str(sweeps("vocabulary", VOCABULARY_SPEC)))
    ref = json.loads(run_llmsweep(llmsweep, "frontier", "--hardware", "h100-sxm", "--widths", "12288",
                                  "--json").stdout)
    assert reference_values(rf) == {"zb_latency": ref["zb_latency"], "cluster_sizes": ref["cluster_sizes"],
                                    "search": ref["search"]}
    assert vocabulary.reference_name(rf.labels, "experts_rule") == ref["experts"]
    assert vocabulary.reference_name(rf.labels, "batch_rule") == ref["batch"]


def test_names_the_file_will_carry(sweeps, tmp_path):
    """A file whose experts_rule says `sparse` and that has a `search` column with labels is read
    as it is: those names win over the alias and the two search settings."""
    path = tmp_path / "newer.h5"
    shutil.copy(sweeps("vocabulary", VOCABULARY_SPEC), path)
    words = ["reference", "exhaustive", "all-microbatches", "corrected"]
    with h5py.File(path, "r+") as f:
        rule = f["points/experts_rule"]
        rule.attrs["labels"] = np.array(["dense", "sparse", "count"], dtype=h5py.string_dtype())
        codes = [words.index(vocabulary.SEARCH_VARIANTS[(int(p), int(m))])
                 for p, m in zip(f["points/prune_flattened"][...], f["points/microbatch_candidates"][...])]
        codes = [3 - c for c in codes]  # the file's own code order, different from the table's
        search = f["points"].create_dataset("search", data=np.array(codes, dtype=np.uint8))
        search.attrs["labels"] = np.array(list(reversed(words)), dtype=h5py.string_dtype())
    rf = load(str(path))
    for s in scenarios_of(rf):
        assert s.params["search"] == axis_words(rf, s, "search")
        assert s.params["experts"] == axis_words(rf, s, "experts")
    assert reference_values(rf)["search"] == "corrected"  # code 0 of this file's labels


def test_unknown_codes_are_named_by_column():
    assert vocabulary.name_of({"zb_latency": ["hidden", "max"]}, "zb_latency", 7) == "zb_latency7"
    assert vocabulary.search_name({}, {"prune_flattened": 1, "microbatch_candidates": 2}) == "prune=1,m=2"
    assert vocabulary.search_name({}, {}) == "reference"
