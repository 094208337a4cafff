"""The results of llmsweep's functions: plain objects whose attributes are the fields of the
CLI's --json output (src/api/records.hpp names them for both), compared by value.

Run (evaluate, best_plan): hardware, model, plan, evaluation (and for best_plan gpus, status,
found). Frontier: the scenario, rows and the thresholds; each FrontierRow has the flat fields of
`frontier --json` rows (times per run) and its model, plan and evaluation (times per step, as
`eval --json`, plus the step's split into busy, bubble, exposed network and exposed latency).
Sensitivity: the scenario, baseline thresholds and ranked rows, each with its steps. Profile: stem, name, path,
text, hardware (every number in SI units), peak_flops and flops.
"""

import pandas as pd


class Record:
    """A plain result object: attributes in the order the model gives them."""

    def __init__(self, **fields):
        self.__dict__.update(fields)

    def __eq__(self, other):
        return type(self) is type(other) and self.__dict__ == other.__dict__

    def __repr__(self):
        def short(value):
            if isinstance(value, list) and value and isinstance(value[0], Record):
                return f"[{len(value)} {type(value[0]).__name__}]"
            return repr(value)

        inner = ", ".join(f"{k}={short(v)}" for k, v in self.__dict__.items())
        return f"{type(self).__name__}({inner})"

    def to_dict(self):
        """The fields as a dict, nested records and lists of records as dicts too."""
        def plain(value):
            if isinstance(value, Record):
                return value.to_dict()
            if isinstance(value, list):
                return [plain(v) for v in value]
            return value

        return {k: plain(v) for k, v in self.__dict__.items()}

    def _flat(self):
        """The fields that are not records (what a row of a table shows)."""
        return {k: v for k, v in self.__dict__.items()
                if not isinstance(v, Record) and not (isinstance(v, list) and v and isinstance(v[0], Record))}


class Model(Record):
    """One model: sizes, parameters, tokens and training compute (MODEL.md section 4)."""


class Plan(Record):
    """A parallelism plan: each degree in total and per network level (inside a node first)."""


class Evaluation(Record):
    """One run on one plan (MODEL.md sections 3 to 5): per-step times, per-run totals, memory."""


class Hardware(Record):
    """A hardware profile's numbers in SI units."""


class Profile(Record):
    """A hardware profile file: stem, display name, path, text and its Hardware."""


class Run(Record):
    """What evaluate and best_plan give: the hardware, model, plan and evaluation, and `run`:
    the WholeRun under the extended model's run-level terms (None without them)."""


class FrontierRow(Record):
    """One width of a frontier: the smallest cluster that trains it in time (with the extended
    model's run-level terms also `run`, a WholeRun)."""


class RunTerms(Record):
    """The extended model's run-level terms in use (docs/MODEL-EXTENDED.md E5-E7): failure
    recovery and its numbers, sites, the batch ramp; NaN where a term is off."""


class WholeRun(Record):
    """A whole run under run-level terms: compute time summed over the ramp's phases, the
    failure overhead as its own term (checkpoint_s + lost_work_s + restart_s), the wall time the
    deadline limits, the useful cluster cap under failures, its terms and its phases."""


class RampPhase(Record):
    """One phase of a batch ramp: its share of the tokens, batch, compute time, plan and
    evaluation."""


class Thresholds(Record):
    """A sensitivity's thresholds: refined and on the widths walked (coarse)."""


class SensitivityRow(Record):
    """One hardware number: its value, the primary step's elasticities and thresholds with it
    divided (down) and multiplied (up), and every step asked for in `steps`."""


class SensitivityStep(Record):
    """One factor a number is divided and multiplied by: central and one-sided elasticities,
    whether the sides differ by more than 2x (a regime change) and both sides' thresholds."""


class Frontier(Record):
    """A frontier (MODEL.md section 9): the scenario, one row per feasible width and the
    thresholds linear_scaling_ends_flop, largest_feasible_flop and first_infeasible_d_model."""

    def to_frame(self):
        """The rows as a DataFrame, with the columns of `frontier --json` rows (times per run);
        the scenario and the thresholds are in df.attrs."""
        frame = pd.DataFrame([row._flat() for row in self.rows])
        frame.attrs.update(self._flat())
        return frame


class Sensitivity(Record):
    """What moves the wall: the elasticity of both thresholds to each hardware number, ranked."""

    def to_frame(self):
        """One row per hardware number, ranked, with its down/up thresholds as down_*/up_*
        columns; the scenario and the baseline thresholds are in df.attrs."""
        rows = []
        for row in self.rows:
            flat = row._flat()
            for side in ("down", "up"):
                flat.update({f"{side}_{k}": v for k, v in getattr(row, side).to_dict().items()})
            for step in row.steps:
                flat.update({f"{k}_x{step.factor:g}": v for k, v in step._flat().items() if k != "factor"})
            rows.append(flat)
        frame = pd.DataFrame(rows)
        frame.attrs.update(self._flat())
        frame.attrs["baseline"] = self.baseline.to_dict()
        return frame
