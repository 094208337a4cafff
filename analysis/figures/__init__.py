"""The report's figures (matplotlib, Agg backend), one module per family.

- style: the shared look (settings, markers, colours, heat-map cell texts) and save();
- facets: grouping scenarios by parameter values, and naming those values;
- utilization: best achievable utilization against compute (plan_utilization, then drawing);
- panels, parallelism, breakdown: one panel per scenario, bands stacked to 1;
- heatmaps: a threshold over two varied inputs; closed_form_maps: the same beside the paper's
  closed forms (batch exponent x depth exponent);
- sensitivity: the bar chart of one sensitivity file;
- run_terms: failures, sites, batch laws and ramps (the extended model's run-level terms).
"""

from . import style  # noqa: F401  (first: selects the Agg backend and the report's settings)
from .breakdown import BREAKDOWN, breakdown_figure, breakdown_fractions
from .closed_form_maps import (closed_form_applies, closed_form_cells, closed_form_inputs,
                               heatmap_closed_form_figure)
from .heatmaps import heatmap_figure, heatmap_grids, heatmap_pairs
from .panels import MAX_PANELS
from .parallelism import PARALLELISM, parallelism_figure, parallelism_shares
from .run_terms import run_term_figures
from .sensitivity import sensitivity_figure
from .style import save
from .utilization import MAX_LINES, plan_utilization, utilization_figure, utilization_layout

__all__ = ["BREAKDOWN", "MAX_LINES", "MAX_PANELS", "PARALLELISM", "breakdown_figure", "breakdown_fractions",
           "closed_form_applies", "closed_form_cells", "closed_form_inputs", "heatmap_closed_form_figure",
           "heatmap_figure", "heatmap_grids", "heatmap_pairs", "parallelism_figure", "parallelism_shares",
           "plan_utilization", "run_term_figures", "save", "sensitivity_figure", "utilization_figure",
           "utilization_layout"]
