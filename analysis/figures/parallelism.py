"""How the cluster is split: the share of each kind of parallelism, log(degree) / log(GPUs)."""

from __future__ import annotations

import numpy as np

from ..scenarios import Scenario
from .panels import Band, stacked_panels

PARALLELISM = [Band("dp", "data", "#4c72b0"), Band("tp", "tensor (d_model × d_ff)", "#dd8452"),
               Band("pp", "pipeline", "#55a868"), Band("ep", "expert", "#c44e52")]


def parallelism_shares(f) -> dict[str, np.ndarray]:
    """log(degree) / log(cluster size) per kind, adding up to 1 (0 everywhere for one GPU); the
    cluster size is the product of the degrees (in floating point: the largest clusters overflow
    the gpus column's 64-bit integers)."""
    degrees = {
        "dp": f["dp"].to_numpy(float),
        "tp": f["tp_model"].to_numpy(float) * f["tp_ff"].to_numpy(float),
        "pp": f["pp"].to_numpy(float),
        "ep": f["ep"].to_numpy(float),
    }
    logs = {k: np.log(np.maximum(v, 1.0)) for k, v in degrees.items()}
    total = sum(logs.values())
    total = np.where(total > 0, total, np.nan)
    return {k: np.nan_to_num(v / total) for k, v in logs.items()}


def parallelism_figure(scenarios: list[Scenario], varied: list[str], title: str):
    return stacked_panels(scenarios, varied, title, PARALLELISM, parallelism_shares,
                          "share: log(degree) / log(GPUs)")
