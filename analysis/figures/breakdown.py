"""Where the run time goes: fractions of the run time, stacked to 1."""

from __future__ import annotations

import numpy as np

from ..scenarios import Scenario
from .panels import Band, stacked_panels

BREAKDOWN = [Band("ideal", "ideal compute at peak (= utilization)", "#2a4d8f"),
             Band("matmul", "matmul time below peak", "#6f95d0"),
             Band("overlap", "overlapped comm beyond matmul", "#b5cbeb"),
             Band("comm", "exposed comm", "#dd8452"),
             Band("latency", "exposed latency", "#c44e52"),
             Band("bubble", "pipeline bubble", "#8c8c8c")]


def breakdown_fractions(f) -> dict[str, np.ndarray]:
    """Fractions of run_s; busy + bubble + exposed comm + exposed latency = run_s, and busy
    = max(matmul, overlapped comm) splits into the ideal time at peak FLOP/s (utilization x
    run), the rest of the matmul time, and overlapped comm beyond the matmuls."""
    run = f["run_s"].to_numpy(float)
    matmul = f["matmul_s"].to_numpy(float)
    busy = f["busy_s"].to_numpy(float)
    ideal = np.minimum(f["utilization"].to_numpy(float), np.minimum(matmul, busy) / run)
    return {
        "ideal": ideal,
        "matmul": np.minimum(matmul, busy) / run - ideal,
        "overlap": np.maximum(busy - matmul, 0) / run,
        "comm": f["exposed_comm_s"].to_numpy(float) / run,
        "latency": f["exposed_latency_s"].to_numpy(float) / run,
        "bubble": f["bubble_s"].to_numpy(float) / run,
    }


def breakdown_figure(scenarios: list[Scenario], varied: list[str], title: str):
    return stacked_panels(scenarios, varied, title, BREAKDOWN, breakdown_fractions, "fraction of run time")
