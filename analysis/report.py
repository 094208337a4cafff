"""The report: figures, CSV tables and report.md in one folder.

Sweep files give the utilization, parallelism and breakdown figures, heat maps (with the paper's
closed forms over batch exponent x depth exponent), thresholds.csv and, where the quirk
corrections vary, corrections.csv; sensitivity files give a bar chart each and sensitivity.csv.
"""

from __future__ import annotations

import csv
import datetime as _dt
import math
import os
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from . import AnalysisError, closedforms, corrections
from . import figures as fig
from . import sensitivity as sens
from .results import ResultsFile, SensitivityFile, check_usable, load
from .scenarios import (BASE_PARAMS, THRESHOLD_COLUMNS, Scenario, constant_context, fmt_flop, fmt_number,
                        scenarios_of, table_columns, title_of, varied_params)


MAX_MARKDOWN_ROWS = 300


def prepare_output(out_dir: str) -> None:
    if os.path.exists(out_dir) and not os.path.isdir(out_dir):
        raise AnalysisError(f"{out_dir}: output path is a file, not a folder")
    try:
        os.makedirs(out_dir, exist_ok=True)
    except OSError as e:
        raise AnalysisError(f"{out_dir}: cannot create the output folder: {e.strerror or e}") from None
    if not os.access(out_dir, os.W_OK):
        raise AnalysisError(f"{out_dir}: output folder is not writable")


def _csv_value(v):
    if v is None:
        return ""
    if isinstance(v, float):
        return "" if math.isnan(v) else repr(v)
    return str(v)


def threshold_rows(scenarios: list[Scenario], columns: list[str]) -> list[dict]:
    rows = []
    for s in scenarios:
        rec = {k: s.display(k) for k in columns}
        rec["linear_scaling_ends_flop"] = s.linear_scaling_ends_flop
        rec["largest_feasible_flop"] = s.largest_feasible_flop
        rec["first_infeasible_d_model"] = s.first_infeasible_d_model
        rows.append(rec)
    return rows


def write_csv(path: str, header: list[str], rows: list[dict]) -> None:
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        for r in rows:
            w.writerow([_csv_value(r[k]) for k in header])


def markdown_table(header: list[str], rows: list[dict]) -> str:
    def cell(k, v):
        if k in ("linear_scaling_ends_flop", "largest_feasible_flop"):
            return fmt_flop(v)
        return fmt_number(v) if v is not None else "-"
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join("---:" if k in THRESHOLD_COLUMNS else "---" for k in header) + "|"]
    for r in rows:
        lines.append("| " + " | ".join(cell(k, r[k]) for k in header) + " |")
    return "\n".join(lines)


def _file_summary(rf: ResultsFile) -> str:
    done = rf.attrs.get("points_done", "?")
    points = rf.attrs.get("points", len(rf.points))
    state = "complete" if rf.complete else f"INCOMPLETE ({done} of {points} points done)"
    return (f"| `{rf.path}` | {rf.attr('sweep_name')} | {points} ({state}) | {rf.attr('llmsweep_version')} "
            f"| `{rf.attr('git_hash')}` | {rf.attr('created')} | `{rf.attr('spec_hash')[:12]}` |")


def sweep_title(files: list[ResultsFile]) -> str:
    names = [rf.attr("sweep_name") or os.path.splitext(rf.name)[0] for rf in files]
    return ("sweep " if len(names) == 1 else "sweeps ") + ", ".join(f"'{n}'" for n in names)


def _sensitivity_summary(sf: SensitivityFile) -> str:
    return (f"| `{sf.path}` | {sf.hardware_name} | {sf.experts} | {sf.batch} | ×/÷ {sens.fmt_factor(sf.factor)} "
            f"| {len(sf.table)} | {sf.attr('llmsweep_version')} | `{sf.attr('git_hash')}` |")


def sensitivity_title(files: list[SensitivityFile]) -> str:
    names = list(dict.fromkeys(sf.hardware_name for sf in files))
    return "sensitivity of " + ", ".join(names)


class SameFrontier(NamedTuple):
    later: str                         # hardware display names
    earlier: str
    equal: int                         # scenarios whose frontiers are equal
    shared: int                        # scenarios both have


def identical_frontiers(scenarios: list[Scenario]) -> list[SameFrontier]:
    """Hardware pairs whose frontiers agree row for row (compute, utilization and GPUs) in every
    scenario they share."""
    by_rest: dict[tuple, list[Scenario]] = {}
    for s in scenarios:
        rest = tuple((k, v) for k, v in s.params.items() if k != "hardware")
        by_rest.setdefault(rest, []).append(s)
    counts: dict[tuple[str, str], list[int]] = {}
    for group in by_rest.values():
        for i, s in enumerate(group):
            for t in group[:i]:
                key = (s.hardware_name, t.hardware_name)
                fs, ft = s.frontier, t.frontier
                same = (len(fs) == len(ft) and len(fs) > 0
                        and all(np.array_equal(fs[c].to_numpy(), ft[c].to_numpy())
                                for c in ("compute_flop", "utilization", "gpus")))
                n = counts.setdefault(key, [0, 0])
                n[0] += int(same)
                n[1] += 1
    return [SameFrontier(a, b, n[0], n[1]) for (a, b), n in counts.items() if n[0] == n[1]]


def linear_at_first_width(scenarios: list[Scenario]) -> list[Scenario]:
    """Scenarios whose linear scaling ends at their first (smallest) frontier row."""
    return [s for s in scenarios if s.linear_scaling_ends_flop is not None and len(s.frontier)
            and float(s.frontier["compute_flop"].iat[0]) == s.linear_scaling_ends_flop]


class HeatmapImage(NamedTuple):
    a: str
    b: str
    metric: str
    name: str                          # file name in the report folder
    closed: bool                       # beside the paper's closed forms


class SensitivityImage(NamedTuple):
    file: SensitivityFile
    name: str


@dataclass
class ReportContext:
    files: list[ResultsFile]
    sensitivity_files: list[SensitivityFile]
    scenarios: list[Scenario]
    varied: list[str]
    title: str
    header: list = field(default_factory=list)
    rows: list = field(default_factory=list)
    heatmaps: list[HeatmapImage] = field(default_factory=list)
    corrections: list = field(default_factory=list)
    sensitivity: list[SensitivityImage] = field(default_factory=list)
    run_terms: list = field(default_factory=list)  # (figure file, caption) of run-level terms


def load_inputs(paths: list[str]) -> ReportContext:
    """Reads and checks every file; sweeps give the scenarios."""
    files: list[ResultsFile] = []
    sensitivity_files: list[SensitivityFile] = []
    for p in paths:
        rf = load(p)
        if isinstance(rf, SensitivityFile):
            sensitivity_files.append(rf)
            continue
        check_usable(rf)
        files.append(rf)
    scenarios: list[Scenario] = []
    for i, rf in enumerate(files):
        scenarios.extend(scenarios_of(rf, i))
    if files and not any(not s.frontier.empty for s in scenarios):
        sweep_paths = [rf.path for rf in files]
        raise AnalysisError(f"{', '.join(sweep_paths)}: no scenario has a feasible first width, so there is no "
                            "frontier")
    varied = varied_params(scenarios) if scenarios else []
    if len(files) == 1 and "file" in varied:
        varied.remove("file")
    if files:
        title = sweep_title(files)
        if sensitivity_files:
            title += " and " + sensitivity_title(sensitivity_files)
    else:
        title = sensitivity_title(sensitivity_files)
    return ReportContext(files=files, sensitivity_files=sensitivity_files, scenarios=scenarios, varied=varied,
                         title=title)


def build(paths: list[str], out_dir: str) -> list[str]:
    """Writes the report; returns the paths written."""
    ctx = load_inputs(paths)
    prepare_output(out_dir)
    written = []

    def out(name):
        path = os.path.join(out_dir, name)
        written.append(path)
        return path

    try:
        if ctx.files:
            write_sweep_figures(ctx, out)
            write_heatmaps(ctx, out)
            write_tables(ctx, out)
        if ctx.sensitivity_files:
            write_sensitivity(ctx, out)
        with open(out("report.md"), "w") as f:
            f.write(markdown(ctx))
    except OSError as e:
        raise AnalysisError(f"{out_dir}: cannot write the report: {e.strerror or e}") from None
    return written


def figure_subtitle(ctx: ReportContext) -> str:
    stitle = sweep_title(ctx.files)
    context = constant_context(ctx.scenarios, ctx.varied)
    return stitle + (f"; {context}" if context else "")


def write_sweep_figures(ctx: ReportContext, out) -> None:
    stitle = figure_subtitle(ctx)
    u = fig.utilization_figure(ctx.scenarios, ctx.varied, f"Best achievable utilization along each frontier ({stitle})")
    u.savefig(out("utilization.svg"))
    fig.save(u, out("utilization.png"), dpi=100)
    fig.save(fig.parallelism_figure(ctx.scenarios, ctx.varied, f"How the cluster is split ({stitle})"),
             out("parallelism.png"), dpi=100)
    fig.save(fig.breakdown_figure(ctx.scenarios, ctx.varied, f"Where the run time goes ({stitle})"),
             out("breakdown.png"), dpi=100)
    for rf in ctx.files:
        for name, figure, caption in fig.run_term_figures(rf, sweep_title([rf])):
            fig.save(figure, out(name), dpi=100)
            ctx.run_terms.append((name, caption))


HEATMAP_METRICS = (("largest_feasible_flop", "", "Largest feasible compute"),
                   ("linear_scaling_ends_flop", "_linear_scaling_ends", "Compute where linear scaling ends"))


def write_heatmaps(ctx: ReportContext, out) -> None:
    stitle = figure_subtitle(ctx)
    for a, b in fig.heatmap_pairs(ctx.varied):
        closed = fig.closed_form_applies(ctx.scenarios, a, b)
        for metric, suffix, what in HEATMAP_METRICS:
            name = f"heatmap_{a}_{b}{suffix}.png"
            title = f"{what} over {title_of(a)} × {title_of(b)} ({stitle})"
            if closed:
                title += (f", beside the paper's closed form for it ({closedforms.METRIC_FORMS[metric]}, "
                          "docs/MODEL.md section 10)")
                figure = fig.heatmap_closed_form_figure(ctx.scenarios, ctx.varied, a, b, metric, title)
            else:
                figure = fig.heatmap_figure(ctx.scenarios, ctx.varied, a, b, metric, title)
            fig.save(figure, out(name))
            ctx.heatmaps.append(HeatmapImage(a, b, metric, name, closed))


def threshold_table(scenarios: list[Scenario]) -> tuple[list[str], list[dict]]:
    """thresholds.csv: its header, and a row per scenario."""
    columns = table_columns(scenarios)
    header = list(BASE_PARAMS) + list(THRESHOLD_COLUMNS) + columns[len(BASE_PARAMS):]
    return header, threshold_rows(scenarios, columns)


def write_tables(ctx: ReportContext, out) -> None:
    ctx.header, ctx.rows = threshold_table(ctx.scenarios)
    write_csv(out("thresholds.csv"), ctx.header, ctx.rows)
    if corrections.applies(ctx.varied):
        ctx.corrections = corrections.compare(ctx.scenarios, ctx.varied)
        header, rows = corrections.csv_rows(ctx.corrections)
        write_csv(out("corrections.csv"), header, rows)


def write_sensitivity(ctx: ReportContext, out) -> None:
    """A bar chart per file (_2, _3 when two would share a name) and sensitivity.csv."""
    used: set[str] = set()
    csv_rows = []
    for sf in ctx.sensitivity_files:
        stem = sens.file_stem(sf)
        name, k = f"{stem}.png", 2
        while name in used:
            name, k = f"{stem}_{k}.png", k + 1
        used.add(name)
        fig.save(fig.sensitivity_figure(sf), out(name), dpi=100)
        ctx.sensitivity.append(SensitivityImage(sf, name))
        csv_rows.extend(sens.csv_rows(sf))
    write_csv(out("sensitivity.csv"), sens.CSV_HEADER, csv_rows)


def markdown(ctx: ReportContext) -> str:
    now = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    md = [f"# llmsweep report: {ctx.title}", ""]
    md.append(f"Made by `python3 -m analysis report` on {now} from:")
    md.append("")
    md.extend(_inputs_section(ctx))
    notes = report_notes(ctx)
    if notes:
        md.append("**Notes**")
        md.append("")
        md.extend(f"- {n}" for n in notes)
        md.append("")
    for rf in ctx.files:
        spec = rf.attr("spec")
        if spec:
            md.extend([f"<details><summary>Sweep spec of <code>{rf.name}</code></summary>", "", "```toml",
                       spec.rstrip("\n"), "```", "", "</details>", ""])
    if ctx.files:
        md.extend(_sweep_sections(ctx))
    if ctx.corrections:
        md.extend(corrections.markdown(ctx.corrections))
    if ctx.sensitivity:
        md.extend(_sensitivity_sections(ctx))
    return "\n".join(md)


def _inputs_section(ctx: ReportContext) -> list[str]:
    md = []
    if ctx.files:
        md.append("| file | sweep | points | llmsweep | git | created | spec hash |")
        md.append("|---|---|---|---|---|---|---|")
        md.extend(_file_summary(rf) for rf in ctx.files)
        md.append("")
    if ctx.sensitivity_files:
        md.append("| sensitivity file | hardware | experts | batch | factor | numbers | llmsweep | git |")
        md.append("|---|---|---|---|---|---:|---|---|")
        md.extend(_sensitivity_summary(sf) for sf in ctx.sensitivity_files)
        md.append("")
    for rf in ctx.files:
        desc = rf.attr("description")
        if desc:
            md.append(f"- **{rf.attr('sweep_name')}**: {desc}")
    md.append("")
    return md


def report_notes(ctx: ReportContext) -> list[str]:
    """What a reader should know before the numbers: missing inputs, interrupted sweeps, thresholds
    at the first width, identical hardware, figures that show only part."""
    scenarios, varied = ctx.scenarios, ctx.varied
    notes = []
    if not ctx.files:
        notes.append("No sweep file among the inputs: the utilization, parallelism and run-time breakdown figures, "
                     "the heat maps and the thresholds table need one (`llmsweep sweep SPEC -o FILE.h5`), so they "
                     "are skipped; this report has the sensitivity section only.")
    for rf in ctx.files:
        notes.extend(f"`{rf.name}`: {n}" for n in rf.notes)
        if not rf.complete:
            notes.append(f"`{rf.name}` is an interrupted sweep: frontiers stop at the first point not computed "
                         "yet, so their thresholds may move when the sweep is resumed.")
    label_keys = ["hardware"] + [k for k in varied if k != "hardware"]
    cut = [s for s in scenarios if s.stopped_at_pending]
    if cut:
        notes.append(f"{len(cut)} scenario(s) stop at a pending point: "
                     + "; ".join(s.label(label_keys) for s in cut[:8]) + (" ..." if len(cut) > 8 else ""))
    first = linear_at_first_width(scenarios)
    if first:
        shown = "; ".join(f"{s.label(label_keys)} (utilization {float(s.frontier['utilization'].iat[0]):.3f}, "
                          f"cap {s.cap:g})" for s in first[:8])
        notes.append(f"In {len(first)} scenario(s) linear scaling ends at the first (smallest) swept width: its "
                     "utilization is already at most 0.8 × the hardware's cap, so the threshold only says "
                     f"'at or below this compute': {shown}" + (" ..." if len(first) > 8 else ""))
    for same in identical_frontiers(scenarios):
        where = "in the one scenario they share" if same.equal == 1 else f"in all {same.equal} scenarios they share"
        notes.append(f"{same.later} gives the same frontier as {same.earlier}, row for row (compute, utilization "
                     f"and GPUs), {where}; utilization.png draws its lines dashed over {same.earlier}'s.")
    if len(scenarios) > fig.MAX_LINES:
        notes.append(f"utilization.png shows the first {fig.MAX_LINES} of {len(scenarios)} scenarios.")
    if len(scenarios) > fig.MAX_PANELS:
        notes.append(f"parallelism.png and breakdown.png show the first {fig.MAX_PANELS} of "
                     f"{len(scenarios)} scenarios.")
    return notes


def _sweep_sections(ctx: ReportContext) -> list[str]:
    md = ["## Thresholds", ""]
    md.append("One row per scenario (every input but the width). Walking its widths in ascending order, the "
              "frontier stops at the first infeasible width (`first_infeasible_d_model`) or after the first "
              "utilization below 0.001. *Linear scaling ends* at the first compute whose utilization is at most "
              "0.8 × the hardware's utilization cap; the *largest feasible* compute is the latency wall "
              "(docs/MODEL.md section 9). `-`: not reached / none. Also in [thresholds.csv](thresholds.csv).")
    md.append("")
    md.append(markdown_table(ctx.header, ctx.rows[:MAX_MARKDOWN_ROWS]))
    if len(ctx.rows) > MAX_MARKDOWN_ROWS:
        md.append("")
        md.append(f"(first {MAX_MARKDOWN_ROWS} of {len(ctx.rows)} scenarios; all of them are in "
                  "[thresholds.csv](thresholds.csv))")
    md.append("")
    md.append("## Best achievable utilization")
    md.append("")
    md.append("Utilization of the smallest cluster that trains each width within the run time, against its "
              "training compute. Open circles: linear scaling ends; crosses: largest feasible run. "
              "([SVG](utilization.svg))")
    md.append("")
    md.append("![Best achievable utilization against training compute](utilization.png)")
    md.append("")
    md.append("## Parallelism")
    md.append("")
    md.append("Share of the cluster given to each kind of parallelism, log(degree) / log(GPUs), "
              "so the four shares add up to 1.")
    md.append("")
    md.append("![Parallelism shares against training compute](parallelism.png)")
    md.append("")
    if ctx.run_terms:
        md.append("## Failures, sites, batch laws and ramps")
        md.append("")
        md.append("The extended model's run-level terms (docs/MODEL-EXTENDED.md E5-E7): utilization against the "
                  "wall time, which adds checkpoints, lost work and restarts to the compute time.")
        md.append("")
        for name, caption in ctx.run_terms:
            md.extend([caption, "", f"![{caption}]({name})", ""])
    md.append("## Where the time goes")
    md.append("")
    md.append("Fractions of the run time: busy (matmul, and overlapped communication where it exceeds the "
              "matmuls), exposed communication, exposed latency and pipeline bubble.")
    md.append("")
    md.append("![Run-time breakdown against training compute](breakdown.png)")
    md.append("")
    md.extend(_heatmap_sections(ctx))
    return md


def _heatmap_sections(ctx: ReportContext) -> list[str]:
    if not ctx.heatmaps:
        return []
    md = ["## Heat maps", ""]
    if any(h.closed for h in ctx.heatmaps):
        md.extend(_closed_form_text(ctx))
    for h in ctx.heatmaps:
        what = ("largest feasible compute" if h.metric == "largest_feasible_flop"
                else "compute where linear scaling ends")
        extra = f", beside the closed form ({closedforms.METRIC_FORMS[h.metric]})" if h.closed else ""
        md.append(f"### log10 {what} over {title_of(h.a)} × {title_of(h.b)}{extra}")
        md.append("")
        if h.closed:
            md.append(_closed_form_summary(ctx, h.a, h.b, h.metric))
            md.append("")
        md.append(f"![{what}]({h.name})")
        md.append("")
    return md


def _closed_form_text(ctx: ReportContext) -> list[str]:
    md = ["The heat maps over batch exponent × depth exponent put the paper's closed forms (docs/MODEL.md "
          "section 10) beside the simulation: left, the simulated threshold with dashed contour lines of the closed "
          "form (log10 FLOP); middle, the closed form per cell on the same colour scale (with α); right, "
          "simulated − closed form in decades. α = g − e/(2(1+e)) for batch exponent g (tokens ∝ C^g) and depth "
          "exponent e (L ∝ (d·f)^e, so L ∝ C^(e/(2(1+e))) since C ∝ (d·f·L)²). The largest feasible compute is "
          "compared with the latency limit, the end of linear scaling with the critical compute. Node numbers: "
          "one 8-GPU node, Rn = 8·Fpeak/2 MAC/s, one-way bandwidth = half the profile's HBM figure and half its "
          "per-GPU bidirectional scale-out figure; T0 = 3e23 FLOP enters as 1.5e23 MAC (analysis/closedforms.py)."]
    md.append("")
    nodes = {}
    for s in ctx.scenarios:
        inputs = fig.closed_form_inputs(s)
        if inputs:
            nodes.setdefault(s.hardware_name, inputs)
    for name, (node, months, b0, l0) in nodes.items():
        critical = fmt_flop(closedforms.critical_flop(0, node, months, b0, l0))
        md.append(f"- {name}: at α = 0 the critical compute is {critical}"
                  f" FLOP and the latency limit {fmt_flop(closedforms.latency_limit_flop(0, months, b0=b0, l0=l0))} "
                  f"FLOP (Rn = {node.rn:.4g} MAC/s, n = {node.nanobatch:.1f}, a = {node.shard:.0f}, "
                  f"{months:g}-month run).")
    md.append("")
    return md


def _closed_form_summary(ctx: ReportContext, a: str, b: str, metric: str) -> str:
    sim, cf, bound = fig.closed_form_cells(ctx.scenarios, ctx.varied, a, b, metric)
    ok = np.isfinite(sim) & np.isfinite(cf) & ~bound
    d = sim[ok] - cf[ok]
    form = closedforms.METRIC_FORMS[metric]
    if not d.size:
        return f"No cell has both a simulated threshold and a finite {form} to compare."
    text = (f"Simulated − {form} over {int(ok.sum())} cells: median {np.median(d):+.2f} decades, from "
            f"{d.min():+.2f} to {d.max():+.2f}; within ±0.5 decades in {int((np.abs(d) <= 0.5).sum())} of "
            f"{int(ok.sum())} cells.")
    if bound.any():
        text += (f" {int(bound.sum())} cells are lower bounds (the wall lies beyond the widest swept compute) and "
                 "are left out.")
    missing = int((~np.isfinite(sim)).sum())
    if missing:
        text += f" {missing} cells have no simulated value."
    return text


def _sensitivity_sections(ctx: ReportContext) -> list[str]:
    md = ["## What moves the wall: sensitivity to each hardware number", ""]
    md.append("From `llmsweep sensitivity`: each hardware number is divided and multiplied by the factor and both "
              "thresholds are found again (refined between the paper's widths). Elasticity = ln(T(×f) / T(÷f)) / "
              "(2 ln f) ≈ d ln(threshold) / d ln(number): −1 means halving the number doubles the threshold. Ranked "
              "by |wall elasticity|. n/a: the threshold is not reached within the widths. Also in "
              "[sensitivity.csv](sensitivity.csv).")
    md.append("")
    for image in ctx.sensitivity:
        md.extend(sens.markdown(image.file, image.name))
    return md
