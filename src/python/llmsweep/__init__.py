"""llmsweep from Python: the reference model of Erdil & Schneider-Joseph (2024), "Data movement
limits to frontier model training", as the llmsweep commands compute it.

    import llmsweep
    f = llmsweep.frontier("h100-sxm")                 # llmsweep frontier --hardware h100-sxm
    f.linear_scaling_ends_flop, f.largest_feasible_flop, f.first_infeasible_d_model
    f.to_frame()                                       # the rows as a pandas DataFrame
    llmsweep.best_plan("h100-sxm", d_model=12288, gpus=2048).plan
    llmsweep.evaluate("a100-sxm", d_model=8192, dp=[2, 1], tp_model=[2, 2], pp=[2, 24])
    llmsweep.sensitivity("h100-sxm", widths=[12288, 196608, 212992])
    llmsweep.profiles(), llmsweep.profile("H100 SXM")
    df = llmsweep.open_results("paper.h5")             # a sweep's points, labels decoded

evaluate, best_plan, frontier and sensitivity take the options of `llmsweep eval`, `plan`,
`frontier` and `sensitivity` as keyword arguments named like them (--d-model as d_model), with
the same defaults and the same checks (src/api is the one home of both). Bad input raises
ValueError subclasses with the CLI's one-line message (llmsweep.errors). The searches release
the GIL: threads run several at once.
"""

import inspect
import os

from . import _core
from .errors import ArgumentError, ConfigError, Error, InternalError, ResultFileError, UsageError
from .records import (Evaluation, Frontier, FrontierRow, Hardware, Model, Plan, Profile, Record, Run,
                      Sensitivity, SensitivityRow, Thresholds)
from .results import open_results

__version__ = _core.__version__
git_hash = _core.git_hash

__all__ = ["evaluate", "best_plan", "frontier", "sensitivity", "matmul_time", "profiles", "profile",
           "open_results", "option_table", "Error", "UsageError", "ArgumentError", "ConfigError",
           "ResultFileError", "InternalError", "Record", "Model", "Plan", "Evaluation", "Hardware",
           "Profile", "Run", "Frontier", "FrontierRow", "Sensitivity", "SensitivityRow", "Thresholds"]

_OPTIONS = _core.options()


def option_table(function):
    """The keyword arguments of evaluate, best_plan, frontier or sensitivity:
    [(keyword, CLI option, default, help, required)], in the order the command lists them."""
    return list(_OPTIONS[function])


def _keywords(function, args, keywords):
    """hardware may come first, by position, as in llmsweep.frontier("h100-sxm")."""
    if len(args) > 1:
        raise ArgumentError(f"{function}() takes 1 positional argument (hardware) but {len(args)} were given")
    if args:
        if "hardware" in keywords:
            raise ArgumentError(f"{function}() got multiple values for argument 'hardware'")
        keywords["hardware"] = args[0]
    return keywords


def _command(cli_name):
    """Gives a wrapper of _core.<function> its signature and its options' documentation, both
    from the C++ option lists."""
    def wrap(function):
        table = _OPTIONS[function.__name__]
        params = []
        for keyword, _, default, _, required in table:
            kind = (inspect.Parameter.POSITIONAL_OR_KEYWORD if keyword == "hardware"
                    else inspect.Parameter.KEYWORD_ONLY)
            params.append(inspect.Parameter(keyword, kind,
                                            default=inspect.Parameter.empty if required else default))
        function.__signature__ = inspect.Signature(params)
        lines = [f"    {keyword}{'' if required else '=' + repr(default)}: {help_text} ({option})"
                 for keyword, option, default, help_text, required in table]
        function.__doc__ = (inspect.cleandoc(function.__doc__) + f"\n\nOptions (as `llmsweep {cli_name}`; "
                            "None: not given):\n" + "\n".join(lines))
        return function
    return wrap


@_command("eval")
def evaluate(*args, **options):
    """One training run on one plan, with its whole breakdown (`llmsweep eval`).

    Degrees (dp, tp_model, tp_ff, pp, ep) are lists with one entry per network level, inside a
    node first; sizes not given follow the paper's laws. Returns a Run with hardware, model,
    plan and evaluation (per-step and per-run times, utilization, memory), and run: the
    WholeRun under the extended model's run-level terms (recovery, sites, ramp, ...; None
    without them).
    """
    return _core.evaluate(_keywords("evaluate", args, options))


@_command("plan")
def best_plan(*args, **options):
    """The best plan for a model on `gpus` GPUs (`llmsweep plan`, MODEL.md section 6).

    Returns a Run with hardware, model, gpus, status and found; plan and evaluation are None
    when no plan fits (status says why: memory, no_plan, ...), where the CLI exits with 1.
    """
    return _core.best_plan(_keywords("best_plan", args, options))


@_command("frontier")
def frontier(*args, **options):
    """For each of the paper's widths, the smallest cluster that trains it in time
    (`llmsweep frontier`, MODEL.md section 9).

    Returns a Frontier: the scenario, rows (FrontierRow, with the fields of `frontier --json`
    rows and the row's model, plan and evaluation, and with run-level terms its WholeRun as
    `run`), linear_scaling_ends_flop,
    largest_feasible_flop and first_infeasible_d_model (None where the walk has none);
    .to_frame() gives the rows as a DataFrame.
    """
    return _core.frontier(_keywords("frontier", args, options))


@_command("sensitivity")
def sensitivity(*args, **options):
    """The elasticity of both frontier thresholds to each hardware number (`llmsweep
    sensitivity`): which single improvement moves the wall most?

    Returns a Sensitivity: the scenario, baseline thresholds and rows ranked by the wall's
    elasticity; .to_frame() gives the rows as a DataFrame. With output=PATH it also writes the
    HDF5 file the analysis report reads (refusing an existing file unless overwrite=True).
    """
    return _core.sensitivity(_keywords("sensitivity", args, options))


def matmul_time(hardware, d1, d2, b, weight_grads=False):
    """Seconds of one (b x d1) by (d1 x d2) matmul on one GPU of `hardware` (MODEL.md section 2),
    as the golden vectors' matmul section has it; weight_grads adds the weight-gradient pass."""
    return _core.matmul_time(os.fspath(hardware), d1, d2, b, weight_grads)


def profiles():
    """Every hardware profile of the profile folder ($LLMSWEEP_PROFILE_DIR, else the source
    tree's hardware_profiles/), sorted by stem, as Profile objects (`llmsweep profiles`)."""
    return _core.profiles()


def profile(name_or_path):
    """One hardware profile: by file stem ("h100-sxm"), display name ("H100 SXM", any case) or
    path to a profile file. An unknown name raises UsageError, a broken file ConfigError."""
    return _core.profile(os.fspath(name_or_path))
