#!/usr/bin/python3
"""Files for the browser tests: a small sweep written by the real binary, its report (thresholds.csv)
and explorer page, and what the page must show at another threshold (from analysis/frontier.py).

    make_fixture.py --binary build/llmsweep --out DIR
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from analysis.frontier import threshold_utilization, walk  # noqa: E402
from analysis.report import threshold_table  # noqa: E402
from analysis.results import load  # noqa: E402
from analysis.scenarios import scenarios_of  # noqa: E402

# Two hardware x dense/sparse x two batch multipliers x two depth multipliers: 16 scenarios of 7
# widths, the last past the H100 latency wall (MODEL.md section 9); heat maps over the multipliers.
SPEC = """\
[sweep]
name = "browser"
description = "explorer tests: H100/A100, dense/sparse, batch and depth multipliers"

[hardware]
profiles = ["h100-sxm", "a100-sxm"]

[model]
d_model = [12288, 24576, 49152, 98304, 147456, 196608, 212992]
experts = ["dense", "sparse"]
depth_multiplier = [0.5, 1]

[batch]
policy = ["default"]
multiplier = [0.5, 1]
"""

OTHER_FRACTION = 0.9


def run(*cmd: str) -> None:
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONPATH=str(REPO))
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=REPO, timeout=300)
    if p.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({p.returncode}):\n{p.stderr}")


def expected(path: Path) -> dict:
    """Per scenario (its thresholds.csv scenario columns): frontier rows, and the end of linear
    scaling at OTHER_FRACTION x the cap."""
    scenarios = scenarios_of(load(str(path)))
    header, rows = threshold_table(scenarios)
    out = []
    for s, row in zip(scenarios, rows):
        r = s.rows
        w = walk(r["status"], threshold_utilization(r), r["compute_flop"], r["d_model"], s.cap, fraction=OTHER_FRACTION)
        out.append({"scenario": {k: row[k] for k in header if k not in w._fields},
                    "frontier_rows": s.keep, "linear_scaling_ends_flop": w.linear_scaling_ends_flop})
    return {"fraction": OTHER_FRACTION, "scenarios": out}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", required=True)
    parser.add_argument("--out", required=True, type=Path)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    spec, h5 = args.out / "browser.toml", args.out / "browser.h5"
    spec.write_text(SPEC)
    h5.unlink(missing_ok=True)
    run(args.binary, "sweep", str(spec), "-o", str(h5), "-q")
    run(sys.executable, "-m", "analysis", "report", str(h5), "-o", str(args.out / "report"), "-q")
    run(sys.executable, "-m", "analysis", "explore", str(h5), "-o", str(args.out / "explorer"), "-q")
    (args.out / "expected.json").write_text(json.dumps(expected(h5), indent=1))


if __name__ == "__main__":
    main()
