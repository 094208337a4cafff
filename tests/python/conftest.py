"""Fixtures for the llmsweep module's tests: the real binary beside it, and the golden vectors.

CTest (tests/CMakeLists.txt) sets PYTHONPATH to the build's python/ folder and LLMSWEEP_BINARY to
the binary; run by hand with
  PYTHONPATH=build/python LLMSWEEP_BINARY=build/llmsweep /usr/bin/python3 -m pytest tests/python
"""

import json
import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
GOLDEN = REPO / "tests" / "data" / "reference-vectors.json"


@pytest.fixture(scope="session")
def binary():
    path = os.environ.get("LLMSWEEP_BINARY", str(REPO / "build" / "llmsweep"))
    if not os.access(path, os.X_OK):
        pytest.fail(f"llmsweep binary not found at {path} (set LLMSWEEP_BINARY)")
    return path


class Cli:
    """Runs the binary: cli("frontier", "--hardware", "h100-sxm", "--json")."""

    def __init__(self, path):
        self.path = path

    def __call__(self, *args, cwd=None):
        return subprocess.run([self.path, *map(str, args)], capture_output=True, text=True, timeout=300,
                              cwd=cwd)

    def json(self, *args):
        r = self(*args, "--json")
        assert r.returncode == 0, r.stderr
        return json.loads(r.stdout)

    def error(self, *args):
        """The one-line message of a command that must fail with bad input (exit code 2)."""
        r = self(*args)
        assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
        assert r.stdout == ""
        assert r.stderr.count("\n") == 1 and r.stderr.startswith("llmsweep: error: "), r.stderr
        return r.stderr[len("llmsweep: error: "):-1]


@pytest.fixture(scope="session")
def cli(binary):
    return Cli(binary)


@pytest.fixture(scope="session")
def golden():
    with open(GOLDEN) as f:
        return json.load(f)


def levels_args(name, values):
    """A per-level list as the CLI takes it: --dp 2,1."""
    return [f"--{name.replace('_', '-')}", ",".join(str(v) for v in values)]
