"""The report: figures, thresholds.csv and report.md in one folder."""

from __future__ import annotations

import csv
import datetime as _dt
import math
import os

from . import AnalysisError
from . import figures as fig
from .results import ResultsFile, check_usable, load
from .scenarios import (BASE_PARAMS, THRESHOLD_COLUMNS, Scenario, fmt_flop, fmt_number, scenarios_of,
                        table_columns, title_of, varied_params)


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


def build(paths: list[str], out_dir: str) -> list[str]:
    """Writes the report; returns the paths written."""
    files = []
    for p in paths:
        rf = load(p)
        check_usable(rf)
        files.append(rf)
    prepare_output(out_dir)
    scenarios: list[Scenario] = []
    for i, rf in enumerate(files):
        scenarios.extend(scenarios_of(rf, i))
    if not any(not s.frontier.empty for s in scenarios):
        raise AnalysisError(f"{', '.join(paths)}: no scenario has a feasible first width, so there is no frontier")
    varied = varied_params(scenarios)
    if len(files) == 1 and "file" in varied:
        varied.remove("file")
    title = sweep_title(files)
    written = []

    def out(name):
        path = os.path.join(out_dir, name)
        written.append(path)
        return path

    try:
        u = fig.utilization_figure(scenarios, varied, f"Best achievable utilization along each frontier ({title})")
        u.savefig(out("utilization.svg"))
        fig.save(u, out("utilization.png"), dpi=100)
        fig.save(fig.parallelism_figure(scenarios, varied, f"How the cluster is split ({title})"),
                 out("parallelism.png"), dpi=100)
        fig.save(fig.breakdown_figure(scenarios, varied, f"Where the run time goes ({title})"),
                 out("breakdown.png"), dpi=100)
        heatmaps = []
        for a, b in fig.heatmap_pairs(varied):
            for metric, suffix in (("largest_feasible_flop", ""), ("linear_scaling_ends_flop", "_linear_scaling_ends")):
                what = "Largest feasible compute" if not suffix else "Compute where linear scaling ends"
                name = f"heatmap_{a}_{b}{suffix}.png"
                fig.save(fig.heatmap_figure(scenarios, varied, a, b, metric,
                                            f"{what} over {title_of(a)} × {title_of(b)} ({title})"),
                         out(name))
                heatmaps.append((a, b, metric, name))

        columns = table_columns(scenarios)
        extra = columns[len(BASE_PARAMS):]
        header = list(BASE_PARAMS) + list(THRESHOLD_COLUMNS) + extra
        rows = threshold_rows(scenarios, columns)
        write_csv(out("thresholds.csv"), header, rows)
        with open(out("report.md"), "w") as f:
            f.write(markdown(files, scenarios, varied, header, rows, heatmaps, title))
    except OSError as e:
        raise AnalysisError(f"{out_dir}: cannot write the report: {e.strerror or e}") from None
    return written


def markdown(files, scenarios, varied, header, rows, heatmaps, title) -> str:
    now = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    md = [f"# llmsweep report: {title}", ""]
    md.append(f"Made by `python3 -m analysis report` on {now} from:")
    md.append("")
    md.append("| file | sweep | points | llmsweep | git | created | spec hash |")
    md.append("|---|---|---|---|---|---|---|")
    md.extend(_file_summary(rf) for rf in files)
    md.append("")
    for rf in files:
        desc = rf.attr("description")
        if desc:
            md.append(f"- **{rf.attr('sweep_name')}**: {desc}")
    md.append("")
    notes = []
    for rf in files:
        notes.extend(f"`{rf.name}`: {n}" for n in rf.notes)
        if not rf.complete:
            notes.append(f"`{rf.name}` is an interrupted sweep: frontiers stop at the first point not computed "
                         "yet, so their thresholds may move when the sweep is resumed.")
    cut = [s for s in scenarios if s.stopped_at_pending]
    if cut:
        notes.append(f"{len(cut)} scenario(s) stop at a pending point: "
                     + "; ".join(s.label(["hardware"] + [k for k in varied if k != "hardware"]) for s in cut[:8])
                     + (" ..." if len(cut) > 8 else ""))
    if len(scenarios) > fig.MAX_LINES:
        notes.append(f"utilization.png shows the first {fig.MAX_LINES} of {len(scenarios)} scenarios.")
    if len(scenarios) > fig.MAX_PANELS:
        notes.append(f"parallelism.png and breakdown.png show the first {fig.MAX_PANELS} of "
                     f"{len(scenarios)} scenarios.")
    if notes:
        md.append("**Notes**")
        md.append("")
        md.extend(f"- {n}" for n in notes)
        md.append("")
    for rf in files:
        spec = rf.attr("spec")
        if spec:
            md.append(f"<details><summary>Sweep spec of <code>{rf.name}</code></summary>")
            md.append("")
            md.append("```toml")
            md.append(spec.rstrip("\n"))
            md.append("```")
            md.append("")
            md.append("</details>")
            md.append("")
    md.append("## Thresholds")
    md.append("")
    md.append("One row per scenario (every input but the width). Walking its widths in ascending order, the "
              "frontier stops at the first infeasible width (`first_infeasible_d_model`) or after the first "
              "utilization below 0.001. *Linear scaling ends* at the first compute whose utilization is at most "
              "0.8 × the hardware's utilization cap; the *largest feasible* compute is the latency wall "
              "(docs/MODEL.md section 9). `-`: not reached / none. Also in [thresholds.csv](thresholds.csv).")
    md.append("")
    md.append(markdown_table(header, rows[:MAX_MARKDOWN_ROWS]))
    if len(rows) > MAX_MARKDOWN_ROWS:
        md.append("")
        md.append(f"(first {MAX_MARKDOWN_ROWS} of {len(rows)} scenarios; all of them are in "
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
    md.append("## Where the time goes")
    md.append("")
    md.append("Fractions of the run time: busy (matmul, and overlapped communication where it exceeds the "
              "matmuls), exposed communication, exposed latency and pipeline bubble.")
    md.append("")
    md.append("![Run-time breakdown against training compute](breakdown.png)")
    md.append("")
    if heatmaps:
        md.append("## Heat maps")
        md.append("")
        for a, b, metric, name in heatmaps:
            what = "largest feasible compute" if metric == "largest_feasible_flop" else "compute where linear scaling ends"
            md.append(f"### log10 {what} over {title_of(a)} × {title_of(b)}")
            md.append("")
            md.append(f"![{what}]({name})")
            md.append("")
    return "\n".join(md)
