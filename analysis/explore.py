"""The interactive explorer: `python3 -m analysis explore FILE.h5 [...] -o DIR`.

Writes DIR/index.html, a page that works from the file system with no server and no network:
the scenarios' rows are embedded in it as JSON, and its JavaScript sits beside it (explorer.js
and explorer.css from analysis/explorer/, plotly.js copied from Debian's python3-plotly). The
page walks each scenario's rows itself (the walk of analysis/frontier.py, so that the utilization
threshold can change in the page); tests/browser checks it in Chromium against thresholds.csv.
"""

from __future__ import annotations

import json
import math
import os
import shutil

import numpy as np

from . import AnalysisError, frontier
from .figures.breakdown import BREAKDOWN, breakdown_fractions
from .figures.facets import distinct
from .figures.heatmaps import heatmap_pairs
from .figures.parallelism import PARALLELISM
from .report import figure_subtitle, load_inputs, prepare_output, threshold_table
from .scenarios import Scenario, fmt_number, title_of

PLOTLY_JS = "/usr/share/python3-plotly/plotly.js"   # Debian's python3-plotly
ASSETS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "explorer")
PAGE_FILES = ("explorer.js", "explorer.css")

# Per-row fields the page shows (hover, parallelism, CSV download), besides the walk's four.
ROW_FIELDS = ("d_ff", "layers", "experts", "batch_seqs", "batch_tokens", "seq_len", "gpus", "years", "run_s",
              "dp", "tp_model", "tp_ff", "pp", "ep", "microbatches", "interleave", "zero_bubble")
WALK_FIELDS = ("status", "d_model", "compute_flop", "utilization")
# The walk itself compares the wall-time utilization (analysis.frontier.threshold_utilization),
# sent as walk_utilization; the plots show utilization.


def _json_value(v):
    """Plain JSON: NumPy scalars as Python numbers, NaN as null."""
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return None if math.isnan(v) else float(v)
    return v


def walk_rows(s: Scenario):
    """The rows the walk reads: the frontier and the row that ended it, if any (the page walks them
    again, with its own threshold)."""
    return s.rows.iloc[:min(s.keep + 1, len(s.rows))]


def scenario_record(s: Scenario, index: int, varied: list[str], table_row: dict) -> dict:
    rows = walk_rows(s)
    fractions = breakdown_fractions(rows)
    columns = {c: [_json_value(v) for v in rows[c].to_numpy()] for c in WALK_FIELDS + ROW_FIELDS if c in rows}
    columns["walk_utilization"] = [_json_value(v) for v in frontier.threshold_utilization(rows)]
    columns.update({"time_" + k: [_json_value(v) for v in fractions[k]] for k in fractions})
    label_keys = ["hardware"] + [k for k in varied if k != "hardware"]
    return {
        "index": index,
        "label": s.label(label_keys),
        "hardware_name": s.hardware_name,
        "cap": s.cap,
        "params": {k: _picker_value(s, k) for k in varied},
        "table": {k: _json_value(v) for k, v in table_row.items()},
        "rows": columns,
    }


def _picker_value(s: Scenario, key: str) -> str:
    return s.hardware_name if key == "hardware" else fmt_number(s.params.get(key))


def pickers(scenarios: list[Scenario], varied: list[str]) -> list[dict]:
    """A picker per varied parameter: its values in the report's order (numbers ascending)."""
    out = []
    for k in varied:
        values = []
        for t in distinct(scenarios, [k]):
            example = next(s for s in scenarios if s.params.get(k) == t[0])
            values.append(_picker_value(example, k))
        out.append({"key": k, "title": title_of(k), "values": values})
    return out


def page_data(ctx) -> dict:
    header, rows = threshold_table(ctx.scenarios)
    return {
        "title": f"llmsweep explorer: {figure_subtitle(ctx)}",
        "files": [{"path": rf.path, "sweep": rf.attr("sweep_name"), "version": rf.attr("llmsweep_version"),
                   "git": rf.attr("git_hash"), "complete": rf.complete} for rf in ctx.files],
        "rules": {"linear_scaling_fraction": frontier.LINEAR_SCALING_FRACTION,
                  "frontier_min_utilization": frontier.FRONTIER_MIN_UTILIZATION,
                  "status_ok": frontier.STATUS_OK, "pending": frontier.PENDING},
        "pickers": pickers(ctx.scenarios, ctx.varied),
        "table_columns": header,
        "threshold_columns": ["linear_scaling_ends_flop", "largest_feasible_flop", "first_infeasible_d_model"],
        "heatmaps": [{"a": a, "b": b, "a_title": title_of(a), "b_title": title_of(b)}
                     for a, b in heatmap_pairs(ctx.varied)],
        "breakdown": [{"key": "time_" + b.key, "label": b.label, "color": b.color} for b in BREAKDOWN],
        "parallelism": degree_lines(),
        "scenarios": [scenario_record(s, i, ctx.varied, r) for i, (s, r) in enumerate(zip(ctx.scenarios, rows))],
    }


def degree_lines() -> list[dict]:
    """The parallelism tab's lines, coloured like the report's parallelism figure (tensor parallelism
    there is one band; here its two degrees get two shades)."""
    color = {b.key: b.color for b in PARALLELISM}
    return [{"key": "dp", "label": "data (DP)", "color": color["dp"]},
            {"key": "tp_model", "label": "tensor over d_model", "color": color["tp"]},
            {"key": "tp_ff", "label": "tensor over d_ff", "color": "#f2b880"},
            {"key": "pp", "label": "pipeline (PP)", "color": color["pp"]},
            {"key": "ep", "label": "expert (EP)", "color": color["ep"]}]


def page_html(data: dict) -> str:
    with open(os.path.join(ASSETS, "index.html"), encoding="utf-8") as f:
        template = f.read()
    # JSON inside a <script> element: only '</' could end it early.
    payload = json.dumps(data, separators=(",", ":"), allow_nan=False).replace("</", "<\\/")
    return template.replace("{{TITLE}}", _html_escape(data["title"])).replace("{{DATA}}", payload)


def _html_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def build(paths: list[str], out_dir: str, plotly_js: str = PLOTLY_JS) -> list[str]:
    """Writes the page and its scripts into out_dir; returns the paths written."""
    if not os.path.isfile(plotly_js):
        raise AnalysisError(f"{plotly_js}: plotly.js not found (install Debian's python3-plotly, or give "
                            "--plotly-js PATH)")
    ctx = load_inputs(paths)
    if ctx.sensitivity_files:
        raise AnalysisError(f"{ctx.sensitivity_files[0].path}: a sensitivity file; the explorer shows sweep files "
                            "(analysis report draws sensitivity files)")
    prepare_output(out_dir)
    written = []
    try:
        for name in PAGE_FILES:
            written.append(shutil.copyfile(os.path.join(ASSETS, name), os.path.join(out_dir, name)))
        written.append(shutil.copyfile(plotly_js, os.path.join(out_dir, "plotly.js")))
        page = os.path.join(out_dir, "index.html")
        with open(page, "w", encoding="utf-8") as f:
            f.write(page_html(page_data(ctx)))
        written.append(page)
    except OSError as e:
        raise AnalysisError(f"{out_dir}: cannot write the explorer: {e.strerror or e}") from None
    return written
