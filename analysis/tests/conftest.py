"""Fixtures: small sweeps that the real llmsweep binary writes during the test run.

The binary comes from --llmsweep-binary or the LLMSWEEP_BINARY environment variable.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

# The paper's widths up to the H100 latency wall and one past it (MODEL.md section 9):
# H100 SXM, dense, default batch gives linear scaling ends 2.048e28, largest 2.707e31, and
# d = 212992 infeasible. Two GPUs, dense and sparse: four scenarios of 32 widths.
MAIN_SPEC = """\
[sweep]
name = "pytest-main"
description = "analysis tests: H100/A100, dense/sparse, default batch, widths up to 212992"

[hardware]
profiles = ["h100-sxm", "a100-sxm"]

[model]
widths = { from = 12288, to = 212992 }
experts = ["dense", "sparse"]

[batch]
policy = ["default"]
"""

# Two varied inputs besides hardware and width: batch multiplier x depth multiplier.
HEATMAP_SPEC = """\
[sweep]
name = "pytest-heatmap"

[hardware]
profiles = ["h100-sxm"]

[model]
d_model = [12288, 49152, 196608]
depth_multiplier = [0.5, 1]

[batch]
policy = ["default"]
multiplier = [0.5, 2]
"""

# Batch exponent (power law) x depth exponent.
EXPONENTS_SPEC = """\
[sweep]
name = "pytest-exponents"

[hardware]
profiles = ["a100-sxm"]

[model]
d_model = [12288, 49152]
depth_exponent = [0.3, 0.375]

[batch]
policy = ["power"]
exponent = [0.2, 0.4]
"""

# Nothing fits: 8 GPUs cannot hold these models.
INFEASIBLE_SPEC = """\
[sweep]
name = "pytest-infeasible"

[hardware]
profiles = ["h100-sxm"]

[model]
d_model = [196608, 393216]

[cluster]
gpus = [8]
"""


def pytest_addoption(parser):
    parser.addoption("--llmsweep-binary", default=None,
                     help="path of the llmsweep binary (default: the LLMSWEEP_BINARY environment variable)")


@pytest.fixture(scope="session")
def llmsweep(pytestconfig) -> str:
    path = pytestconfig.getoption("--llmsweep-binary") or os.environ.get("LLMSWEEP_BINARY")
    if not path:
        pytest.fail("set LLMSWEEP_BINARY (or pass --llmsweep-binary) to the llmsweep binary to test against")
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        pytest.fail(f"llmsweep binary {path!r} is not an executable file")
    return path


def run_llmsweep(binary: str, *args: str) -> subprocess.CompletedProcess:
    p = subprocess.run([binary, *args], capture_output=True, text=True, timeout=120)
    if p.returncode != 0:
        raise AssertionError(f"llmsweep {' '.join(args)} failed ({p.returncode}):\n{p.stderr}")
    return p


def run_analysis(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONPATH=str(REPO))
    return subprocess.run([sys.executable, "-m", "analysis", *args], capture_output=True, text=True, cwd=cwd,
                          env=env, timeout=120)


class Sweeps:
    """Runs each spec once per session: spec TOML and results file in a temporary folder."""

    def __init__(self, binary: str, folder: Path):
        self.binary = binary
        self.folder = folder
        self.done: dict[str, Path] = {}

    def __call__(self, name: str, spec: str) -> Path:
        if name not in self.done:
            spec_path = self.folder / f"{name}.toml"
            spec_path.write_text(spec)
            out = self.folder / f"{name}.h5"
            run_llmsweep(self.binary, "sweep", str(spec_path), "-o", str(out), "-q")
            self.done[name] = out
        return self.done[name]


@pytest.fixture(scope="session")
def sweeps(llmsweep, tmp_path_factory) -> Sweeps:
    return Sweeps(llmsweep, tmp_path_factory.mktemp("sweeps"))


@pytest.fixture(scope="session")
def main_file(sweeps) -> Path:
    return sweeps("main", MAIN_SPEC)


@pytest.fixture(scope="session")
def heatmap_file(sweeps) -> Path:
    return sweeps("heatmap", HEATMAP_SPEC)


@pytest.fixture(scope="session")
def exponents_file(sweeps) -> Path:
    return sweeps("exponents", EXPONENTS_SPEC)


@pytest.fixture(scope="session")
def infeasible_file(sweeps) -> Path:
    return sweeps("infeasible", INFEASIBLE_SPEC)


# Extended model, recovery from peers at a short MTBF: the wall-time utilization (what the
# thresholds compare) falls below the utilization far enough to move where linear scaling ends.
FAILURES_SPEC = """
[sweep]
name = "failures"
[hardware]
profiles = ["h100-sxm"]
[model]
widths = { from = 8192, to = 65536 }
[run]
months = 3
model = "extended"
[failures]
recovery = ["peer"]
mtbf_gpu_hours = 200
restart_s = [0]
"""


@pytest.fixture(scope="session")
def failures_file(sweeps) -> Path:
    return sweeps("failures", FAILURES_SPEC)


@pytest.fixture(scope="session")
def main_report(main_file, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report_main") / "report"
    p = run_analysis("report", str(main_file), "-o", str(out))
    assert p.returncode == 0, p.stderr
    return out


@pytest.fixture(scope="session")
def heatmap_report(heatmap_file, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report_heatmap")
    p = run_analysis("report", str(heatmap_file), "-o", str(out), "-q")
    assert p.returncode == 0, p.stderr
    return out


# Batch exponent x depth exponent on H100 SXM, dense: the heat maps get the paper's closed forms.
CLOSED_FORMS_SPEC = """\
[sweep]
name = "pytest-closed-forms"

[hardware]
profiles = ["h100-sxm"]

[model]
compute_flop = { from = 1e27, to = 1e33, per_decade = 2 }
depth_exponent = [0.3, 0.3751]

[batch]
policy = "power"
exponent = [0.0833, 0.1667, 0.25]
"""

# Quirk corrections Q1 (zb_latency) and Q2 (search). On H100 SXM Scaled the corrected Q1 changes
# the utilization of d = 360448 (0.219818 -> 0.219807); on H100 SXM that width is infeasible.
CORRECTIONS_SPEC = """\
[sweep]
name = "pytest-corrections"

[hardware]
profiles = ["h100-sxm-scaled", "h100-sxm"]

[model]
d_model = [12288, 360448]

[run]
zb_latency = ["hidden", "max"]
search = ["reference", "exhaustive"]
"""

# H200 SXM gives H100 SXM's frontier row for row; GB200 NVL72 with 64 of each rack's 72 GPUs.
SAME_FRONTIER_SPEC = """\
[sweep]
name = "pytest-same-frontier"

[hardware]
profiles = ["h100-sxm", "h200-sxm", "gb200-nvl72"]

[model]
d_model = [12288, 32768, 53248]

[cluster]
sizes = "pow2-domains"
"""


@pytest.fixture(scope="session")
def closed_forms_file(sweeps) -> Path:
    return sweeps("closed_forms", CLOSED_FORMS_SPEC)


@pytest.fixture(scope="session")
def corrections_file(sweeps) -> Path:
    return sweeps("corrections", CORRECTIONS_SPEC)


@pytest.fixture(scope="session")
def same_frontier_file(sweeps) -> Path:
    return sweeps("same_frontier", SAME_FRONTIER_SPEC)


class SensitivityRuns:
    """`llmsweep sensitivity ... -o FILE` once per argument list; also its --json output."""

    def __init__(self, binary: str, folder: Path):
        self.binary = binary
        self.folder = folder
        self.done: dict[tuple, tuple[Path, str]] = {}

    def __call__(self, *args: str) -> tuple[Path, str]:
        if args not in self.done:
            out = self.folder / f"sens{len(self.done)}.h5"
            p = run_llmsweep(self.binary, "sensitivity", *args, "-o", str(out), "--json")
            self.done[args] = (out, p.stdout)
        return self.done[args]


@pytest.fixture(scope="session")
def sensitivity_runs(llmsweep, tmp_path_factory) -> SensitivityRuns:
    return SensitivityRuns(llmsweep, tmp_path_factory.mktemp("sensitivity"))


@pytest.fixture(scope="session")
def sens_h100(sensitivity_runs) -> tuple[Path, str]:
    """H100 SXM, dense, default batch, factor 2, the paper's widths (about 1 s)."""
    return sensitivity_runs("--hardware", "h100-sxm")


@pytest.fixture(scope="session")
def sens_b200(sensitivity_runs) -> tuple[Path, str]:
    """B200 HGX: linear scaling ends at the first width (utilization 0.42 < 0.8 x 0.70)."""
    return sensitivity_runs("--hardware", "b200-hgx")


@pytest.fixture(scope="session")
def sens_sparse(sensitivity_runs) -> tuple[Path, str]:
    """Non-default options, on a few widths to stay quick."""
    return sensitivity_runs("--hardware", "b200-hgx", "--experts", "sparse", "--batch", "deepseek", "--factor",
                            "1.5", "--widths", "12288,24576,49152,98304")
