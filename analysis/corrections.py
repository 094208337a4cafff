"""How much each correction of the reference model's quirks moves the thresholds.

Sweeps such as sweep/corrections.toml vary zb_latency (quirk Q1: hidden = reference, max =
corrected) and/or the plan search (quirks Q2 and Q3: reference, exhaustive, all-microbatches,
corrected; the columns prune_flattened and microbatch_candidates, described by the labels of the
file's /axes/search). A *base scenario* is every other input; its *reference* is the scenario
with zb_latency = hidden and the reference search. Each other variant is compared with it: the
ratio of its thresholds to the reference's, and how many frontier rows (aligned by width) differ
in utilization or GPUs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np

from . import vocabulary
from .scenarios import Scenario, fmt_flop, fmt_number, reference_values, title_of

CORRECTION_KEYS = ("zb_latency", "search")
UTILIZATION_RTOL = 1e-9


def applies(varied: list[str]) -> bool:
    return any(k in varied for k in CORRECTION_KEYS)


@dataclass
class Comparison:
    base: dict                         # base scenario parameters
    scenario: Scenario
    reference: Optional[Scenario]      # None when the group has no reference variant
    search_label: str
    linear_ratio: Optional[float] = None
    wall_ratio: Optional[float] = None
    rows_compared: int = 0
    rows_utilization: int = 0          # common widths whose utilization differs
    rows_gpus: int = 0                 # common widths whose cluster size differs
    rows_differ: int = 0               # either
    rows_only_one: int = 0             # widths on one frontier only

    @property
    def is_reference(self) -> bool:
        return self.reference is self.scenario


def is_reference(s: Scenario) -> bool:
    """zb_latency and the plan search are the reference model's (as the file names them)."""
    reference = reference_values(s.file)
    return all(k in reference and s.params.get(k) == reference[k] for k in CORRECTION_KEYS)


def _search_label(s: Scenario) -> str:
    """The file's /axes/search label of the scenario ('prune, 4 microbatch counts'), if any."""
    rf = s.file
    labels = rf.axis_labels.get("search", [])
    col = "axis:search"
    if labels and col in s.table.columns:
        d = int(s.table[col].iat[s.start])
        if 0 <= d < len(labels):
            return labels[d]
    return ""


def _ratio(a: Optional[float], b: Optional[float]) -> Optional[float]:
    if a is None or b is None or b == 0:
        return None
    return a / b


def _compare_rows(ref: Scenario, s: Scenario, c: Comparison) -> None:
    fa, fb = ref.frontier, s.frontier
    wa = fa["width_index"].to_numpy()
    wb = fb["width_index"].to_numpy()
    common, ia, ib = np.intersect1d(wa, wb, return_indices=True)
    ua = fa["utilization"].to_numpy(float)[ia]
    ub = fb["utilization"].to_numpy(float)[ib]
    ga = fa["gpus"].to_numpy(float)[ia]
    gb = fb["gpus"].to_numpy(float)[ib]
    du = ~np.isclose(ua, ub, rtol=UTILIZATION_RTOL, atol=0.0)
    dg = ga != gb
    c.rows_compared = int(len(common))
    c.rows_utilization = int(du.sum())
    c.rows_gpus = int(dg.sum())
    c.rows_differ = int((du | dg).sum())
    c.rows_only_one = int(len(wa) + len(wb) - 2 * len(common))


def compare(scenarios: list[Scenario], varied: list[str]) -> list[Comparison]:
    """One Comparison per scenario, grouped by base scenario (reference first in each group)."""
    base_keys = [k for k in varied if k not in CORRECTION_KEYS]
    groups: dict[tuple, list[Scenario]] = {}
    for s in scenarios:
        groups.setdefault(tuple(s.params.get(k) for k in base_keys), []).append(s)
    out: list[Comparison] = []
    for key, members in groups.items():
        ref = next((s for s in members if is_reference(s)), None)
        ordered = ([ref] if ref is not None else []) + [s for s in members if s is not ref]
        for s in ordered:
            c = Comparison(base=dict(zip(base_keys, key)), scenario=s, reference=ref, search_label=_search_label(s))
            if ref is not None:
                c.linear_ratio = _ratio(s.linear_scaling_ends_flop, ref.linear_scaling_ends_flop)
                c.wall_ratio = _ratio(s.largest_feasible_flop, ref.largest_feasible_flop)
                _compare_rows(ref, s, c)
            out.append(c)
    return out


def fmt_ratio(r: Optional[float], a: Optional[float] = None, b: Optional[float] = None) -> str:
    """×1.00 when unchanged; more digits when a change would round to 1.00."""
    if r is None:
        if a is None and b is None:
            return "- (neither reached)"
        return "reached only here" if b is None else "not reached"
    if r == 1.0:
        return "×1.00"
    text = f"×{r:.2f}"
    if text in ("×1.00",):
        text = f"×{r:.6f}"
    return text


def variant_name(s: Scenario) -> str:
    """'zb_latency max (Q1 corrected), search exhaustive (Q2 corrected)': the quirks each setting keeps or
    corrects follow from the file's columns (zb_latency's reference name, prune_flattened,
    microbatch_candidates)."""
    zb = s.params.get("zb_latency")
    search = s.params.get("search")
    parts = []
    if zb is not None:
        q1 = "kept" if zb == reference_values(s.file).get("zb_latency") else "corrected"
        parts.append(f"zb_latency {zb} (Q1 {q1})")
    if search is not None:
        q2, q3 = vocabulary.quirks_corrected(s.inputs)
        quirks = {(False, False): "Q2, Q3 kept", (True, False): "Q2 corrected", (False, True): "Q3 corrected",
                  (True, True): "Q2 and Q3 corrected"}[(q2, q3)]
        parts.append(f"search {search} ({quirks})")
    return ", ".join(parts)


CSV_HEADER_TAIL = ["zb_latency", "search", "search_description", "reference", "linear_scaling_ends_flop",
                   "largest_feasible_flop", "first_infeasible_d_model", "linear_scaling_ratio", "wall_ratio",
                   "frontier_rows", "rows_compared", "rows_differ", "rows_differ_utilization", "rows_differ_gpus",
                   "rows_on_one_frontier_only"]


def csv_rows(comparisons: list[Comparison]) -> tuple[list[str], list[dict]]:
    base_keys = list(comparisons[0].base) if comparisons else []
    header = base_keys + CSV_HEADER_TAIL
    rows = []
    for c in comparisons:
        s = c.scenario
        r = {k: fmt_number(v) if v is not None else None for k, v in c.base.items()}
        r.update({
            "zb_latency": s.params.get("zb_latency"), "search": s.params.get("search"),
            "search_description": c.search_label, "reference": "true" if c.is_reference else "false",
            "linear_scaling_ends_flop": s.linear_scaling_ends_flop, "largest_feasible_flop": s.largest_feasible_flop,
            "first_infeasible_d_model": s.first_infeasible_d_model,
            "linear_scaling_ratio": c.linear_ratio, "wall_ratio": c.wall_ratio,
            "frontier_rows": len(s.frontier),
            "rows_compared": c.rows_compared if c.reference is not None else None,
            "rows_differ": c.rows_differ if c.reference is not None else None,
            "rows_differ_utilization": c.rows_utilization if c.reference is not None else None,
            "rows_differ_gpus": c.rows_gpus if c.reference is not None else None,
            "rows_on_one_frontier_only": c.rows_only_one if c.reference is not None else None,
        })
        rows.append(r)
    return header, rows


def markdown(comparisons: list[Comparison]) -> list[str]:
    """The report section: one table, a block of rows per base scenario."""
    if not comparisons:
        return []
    base_keys = list(comparisons[0].base)
    md = ["## How much each correction moves the thresholds", ""]
    md.append("Quirks of the reference model (docs/MODEL.md, *Quirks*): Q1, zero-bubble schedules drop the "
              "pipeline latency (`zb_latency hidden`; corrected: `max`); Q2, the plan search prunes with a "
              "flattened profile that is not a strict lower bound (corrected: `exhaustive`); Q3, only the first "
              "4 microbatch counts are tried (corrected: `all-microbatches`; both Q2 and Q3: `corrected`). "
              "Per base scenario (every other input), the first row is the reference (Q1-Q3 kept) with its "
              "thresholds; each corrected variant gives the ratio of its threshold to the reference's "
              "(×1.00: unchanged) and how many frontier rows, compared width by width, differ in utilization "
              "or in GPUs. Also in [corrections.csv](corrections.csv).")
    md.append("")
    head = [title_of(k) for k in base_keys] + ["variant", "linear scaling ends", "largest feasible",
                                               "first infeasible d_model", "frontier rows differing"]
    md.append("| " + " | ".join(head) + " |")
    md.append("|" + "|".join(["---"] * (len(base_keys) + 1) + ["---:"] * 4) + "|")
    previous = None
    for c in comparisons:
        key = tuple(c.base.values())
        base_cells = [c.scenario.hardware_name if k == "hardware" else fmt_number(v) for k, v in c.base.items()]
        if key == previous:
            base_cells = [""] * len(base_cells)  # one block per base scenario
        previous = key
        md.append("| " + " | ".join(base_cells + _variant_cells(c)) + " |")
    md.append("")
    variants = [c for c in comparisons if c.reference is not None and not c.is_reference]
    changed = sum(1 for c in variants if moved(c) or c.scenario.first_infeasible_d_model !=
                  c.reference.first_infeasible_d_model)
    differing = sum(1 for c in variants if c.rows_differ)
    md.append(f"Of {len(variants)} corrected variants, {changed} move a threshold or the first infeasible width, "
              f"and {differing} change at least one frontier row's utilization or cluster size.")
    md.append("")
    return md


def _variant_cells(c: Comparison) -> list[str]:
    """Variant, both thresholds (ratios to the reference's), first infeasible width, rows differing."""
    s = c.scenario
    name = variant_name(s)
    if c.search_label and s.params.get("search") is not None:
        name += f"; {c.search_label}"
    fid = s.first_infeasible_d_model
    if c.is_reference:
        rows = len(s.frontier)
        return [f"**reference**: {name}", fmt_flop(s.linear_scaling_ends_flop), fmt_flop(s.largest_feasible_flop),
                fmt_number(fid) if fid is not None else "-", f"({rows} row{'s' if rows != 1 else ''})"]
    if c.reference is None:
        return [name + " (no reference in this group)", fmt_flop(s.linear_scaling_ends_flop),
                fmt_flop(s.largest_feasible_flop), fmt_number(fid) if fid is not None else "-", "-"]
    ref = c.reference
    fid_text = "same" if fid == ref.first_infeasible_d_model else (fmt_number(fid) if fid is not None else "none")
    differ = f"{c.rows_differ} of {c.rows_compared}"
    detail = []
    if c.rows_differ:
        detail.append(f"utilization {c.rows_utilization}, GPUs {c.rows_gpus}")
    if c.rows_only_one:
        detail.append(f"{c.rows_only_one} on one frontier only")
    if detail:
        differ += " (" + "; ".join(detail) + ")"
    lin = fmt_ratio(c.linear_ratio, s.linear_scaling_ends_flop, ref.linear_scaling_ends_flop)
    wall = fmt_ratio(c.wall_ratio, s.largest_feasible_flop, ref.largest_feasible_flop)
    return [name, lin, wall, fid_text, differ]


def moved(c: Comparison) -> bool:
    """Whether a threshold differs from the reference's (a ratio other than 1, or reached by one only)."""
    s, ref = c.scenario, c.reference
    if ref is None or c.is_reference:
        return False
    for r, a, b in ((c.linear_ratio, s.linear_scaling_ends_flop, ref.linear_scaling_ends_flop),
                    (c.wall_ratio, s.largest_feasible_flop, ref.largest_feasible_flop)):
        if (a is None) != (b is None) or (r is not None and r != 1.0):
            return True
    return False
