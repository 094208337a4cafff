"""The paper's closed forms for the two thresholds (docs/MODEL.md section 10).

With alpha = (batch exponent) - (depth exponent), both as exponents of training compute C,
b0 = 4e6 tokens and L0 = 100 layers at T0 = 3e23 FLOP, a run of t seconds, and one 8-GPU node
treated as a unit with Rn = 8 Fpeak / 2 multiply-adds per second:

    critical compute (MAC) = [ (1/960) ((b0/L0) T0^-alpha Rn t / (a^2 n))^2 ]^(1/(1-2 alpha))
    latency limit   (MAC) = [ (3/320) ((b0/L0) T0^-alpha t / tau)^2 ]^(1/(1-2 alpha)),  tau = 9 us

with the nanobatch n = Rn / (one-way HBM words/s of the node) and the activation shard
a = 4 Rn / (3 one-way scale-out words/s of the node); FLOP = 2 MAC.

Choices this module makes (and analysis/README.md repeats):

* "One-way" bandwidth is half the profile's figure, for HBM as well as for the scale-out link
  (link_bandwidth_GBps is per-GPU bidirectional; the HBM figure is the datasheet's total, which
  reads and writes share). This is the reading that reproduces MODEL.md's 1.9e28 FLOP for H100
  at alpha = 0 (1.92e28). The other readings give 7.7e28 (full HBM figure, half the link),
  3.1e29 (half HBM, full link) and 1.2e30 (both full).
* T0 enters in MAC, like the compute the formulas give: T0 = 3e23 FLOP = 1.5e23 MAC, so that
  C/T0 is a ratio of like quantities and the batch law b = b0 (C/T0)^g is the simulator's
  (tokens = 2^22 (C_FLOP / 3e23)^g). At alpha = 0 the choice does not matter; taking T0 = 3e23
  as MAC instead would multiply both forms by 2^(2 alpha / (1 - 2 alpha)).
* The depth exponent in C follows from the sweep's depth law L ~ (d f)^e with C ~ (d f L)^2
  (P = 2 d f L, D = 20 P, C = 6 P D): beta = e / (2 (1 + e)).
* The node is the paper's 8 GPUs whatever the profile's NVLink domain; tau is the paper's 9 us.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass

B0_TOKENS = 4e6
L0_LAYERS = 100.0
T0_FLOP = 3e23
T0_MAC = T0_FLOP / 2
TAU_S = 9e-6
NODE_GPUS = 8
SECONDS_PER_YEAR = 3.154e7
ONE_WAY_FRACTION = 0.5  # of the HBM figure and of the per-GPU bidirectional scale-out figure


@dataclass(frozen=True)
class Node:
    """The hardware numbers the closed forms use, from one profile."""
    name: str
    peak_flops: float          # per GPU: flop_per_clock_per_thread x 128 x sms x max clock
    hbm_Bps: float             # per GPU, the profile's figure
    scaleout_Bps: float        # per GPU, bidirectional (the last network level)
    word_bytes: float = 2.0

    @property
    def rn(self) -> float:
        """Multiply-adds per second of one node."""
        return NODE_GPUS * self.peak_flops / 2

    @property
    def hbm_words(self) -> float:
        """One-way HBM words per second of the node."""
        return NODE_GPUS * ONE_WAY_FRACTION * self.hbm_Bps / self.word_bytes

    @property
    def scaleout_words(self) -> float:
        """One-way scale-out words per second of the node."""
        return NODE_GPUS * ONE_WAY_FRACTION * self.scaleout_Bps / self.word_bytes

    @property
    def nanobatch(self) -> float:
        return self.rn / self.hbm_words

    @property
    def shard(self) -> float:
        return 4 * self.rn / (3 * self.scaleout_words)


def node_from_profile(text: str) -> Node:
    """Node numbers from a hardware profile's TOML text (the `profile:<stem>` attribute).
    ValueError when the text is not TOML or lacks a key."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ValueError(f"hardware profile is not TOML: {e}") from None
    try:
        peak = float(doc["flop_per_clock_per_thread"]) * 128 * float(doc["sms"]) * float(doc["max_clock_MHz"]) * 1e6
        hbm = float(doc["hbm_bandwidth_GBps"]) * 1e9
        links = doc["network"]["link_bandwidth_GBps"]
        scaleout = float(links[-1] if isinstance(links, list) else links) * 1e9
    except (KeyError, IndexError, TypeError) as e:
        raise ValueError(f"hardware profile lacks {e}") from None
    bits = float(doc.get("bits", 16))
    return Node(name=str(doc.get("name", "")), peak_flops=peak, hbm_Bps=hbm, scaleout_Bps=scaleout,
                word_bytes=bits / 8)


def depth_exponent_in_compute(e: float) -> float:
    """L ~ (d f)^e and C ~ (d f L)^2 give L ~ C^(e / (2 (1 + e)))."""
    return e / (2 * (1 + e))


def alpha_of(batch_exponent: float, depth_exponent: float) -> float:
    return batch_exponent - depth_exponent_in_compute(depth_exponent)


def _power(base: float, alpha: float) -> float:
    if alpha >= 0.5 or base <= 0:
        return math.inf  # the forms diverge: batch outgrows depth fast enough that nothing binds
    return base ** (1 / (1 - 2 * alpha))


def critical_flop(alpha: float, node: Node, months: float = 3.0, b0: float = B0_TOKENS,
                  l0: float = L0_LAYERS) -> float:
    """Compute (FLOP) beyond which data movement cuts utilization: the end of linear scaling."""
    t = months / 12 * SECONDS_PER_YEAR
    inner = (b0 / l0) * T0_MAC ** (-alpha) * node.rn * t / (node.shard ** 2 * node.nanobatch)
    return 2 * _power(inner ** 2 / 960, alpha)


def latency_limit_flop(alpha: float, months: float = 3.0, tau: float = TAU_S, b0: float = B0_TOKENS,
                       l0: float = L0_LAYERS) -> float:
    """Compute (FLOP) of the latency wall."""
    t = months / 12 * SECONDS_PER_YEAR
    inner = (b0 / l0) * T0_MAC ** (-alpha) * t / tau
    return 2 * _power(3 * inner ** 2 / 320, alpha)


METRIC_FORMS = {
    "largest_feasible_flop": "latency limit",
    "linear_scaling_ends_flop": "critical compute",
}


def for_metric(metric: str, alpha: float, node: Node, months: float = 3.0, b0: float = B0_TOKENS,
               l0: float = L0_LAYERS) -> float:
    if metric == "largest_feasible_flop":
        return latency_limit_flop(alpha, months, b0=b0, l0=l0)
    return critical_flop(alpha, node, months, b0=b0, l0=l0)
