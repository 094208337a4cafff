"""analysis/notebooks/headline.ipynb, executed as a reader would run it (nbconvert --execute,
Debian's /usr/bin/python3 and its ipykernel), into a temporary folder: its cells assert the
paper's headline, so a notebook that stops reproducing it fails here."""

import json
import os
import subprocess
import sys

from conftest import REPO

NOTEBOOK = REPO / "analysis" / "notebooks" / "headline.ipynb"


def test_the_notebook_is_committed_without_outputs():
    nb = json.loads(NOTEBOOK.read_text())
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [] and cell.get("execution_count") is None, cell["source"][:80]


def test_the_notebook_runs_and_reproduces_the_headline(tmp_path):
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"), PYDEVD_DISABLE_FILE_VALIDATION="1")
    env.pop("MPLBACKEND", None)  # the kernel's inline backend draws the figure
    r = subprocess.run([sys.executable, "-m", "nbconvert", "--to", "notebook", "--execute",
                        "--ExecutePreprocessor.timeout=600", "--output-dir", str(tmp_path), str(NOTEBOOK)],
                       capture_output=True, text=True, env=env, timeout=900)
    assert r.returncode == 0, r.stderr[-4000:]
    nb = json.loads((tmp_path / "headline.ipynb").read_text())
    outputs = [o for c in nb["cells"] if c["cell_type"] == "code" for o in c["outputs"]]
    assert not [o for o in outputs if o["output_type"] == "error"]
    text = "".join("".join(o.get("text", "")) for o in outputs if o["output_type"] == "stream")
    assert "the paper's headline: reproduced" in text
    assert any("image/png" in o.get("data", {}) for o in outputs), "the utilization figure was not drawn"
