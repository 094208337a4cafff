"""Option names as the results file spells them, and the few it does not carry yet.

Each categorical /points column (experts_rule, batch_rule, zb_latency, cluster_sizes, hardware,
status) carries its names in a `labels` attribute: code i is labels[i], and code 0 is the
reference model's choice (src/grid/schema.cpp; analysis/tests/test_vocabulary.py checks this
against the defaults `llmsweep frontier --json` prints). The analysis reads the names from
there and repeats none of them, except where the file does not carry a name yet:

- the experts rule: files call the paper's rule `width-scaled`; the name users read (report,
  README, `--experts`) is `sparse`, so ALIASES renames it on reading;
- the plan-search variant: files store its two settings (prune_flattened, microbatch_candidates)
  and a description per /axes/search value, not its name. SEARCH_VARIANTS names the four
  settings with the CLI's `--search` words, until the file carries a `search` column with labels
  (then those are read instead).
"""

from __future__ import annotations

from typing import Optional

# Names the file spells differently from what users read: column -> {file's name: name shown}.
ALIASES = {"experts_rule": {"width-scaled": "sparse"}}

# (prune_flattened, microbatch_candidates) -> the `--search` word (src/config/spec.cpp), for files
# without a `search` column. The first entry is the reference search.
SEARCH_VARIANTS = {(1, 4): "reference", (0, 4): "exhaustive", (1, 0): "all-microbatches", (0, 0): "corrected"}


def names(labels: dict[str, list[str]], column: str) -> list[str]:
    """The names of a categorical column's codes (aliases applied); [] when the file has none."""
    alias = ALIASES.get(column, {})
    return [alias.get(n, n) for n in labels.get(column, [])]


def name_of(labels: dict[str, list[str]], column: str, code) -> str:
    """The name of one code, or '<column><code>' for a code the file does not name."""
    known = names(labels, column)
    code = int(code)
    return known[code] if 0 <= code < len(known) else f"{column}{code}"


def reference_name(labels: dict[str, list[str]], column: str) -> Optional[str]:
    """The reference model's choice for a categorical column (its code 0), if the file names it."""
    known = names(labels, column)
    return known[0] if known else None


def search_name(labels: dict[str, list[str]], row: dict) -> str:
    """The plan-search variant of one row: from the file's `search` column when it has one, else
    from its two settings (defaults: the reference search, for files older than those columns)."""
    if "search" in row and names(labels, "search"):
        return name_of(labels, "search", row["search"])
    prune = int(row.get("prune_flattened", 1))
    candidates = int(row.get("microbatch_candidates", 4))
    return SEARCH_VARIANTS.get((prune, candidates), f"prune={prune},m={candidates}")


def reference_search(labels: dict[str, list[str]]) -> str:
    return reference_name(labels, "search") or next(iter(SEARCH_VARIANTS.values()))


def quirks_corrected(row: dict) -> tuple[bool, bool]:
    """(Q2, Q3) corrected in this row's search: no flattened-profile pruning; every microbatch count."""
    return not int(row.get("prune_flattened", 1)), int(row.get("microbatch_candidates", 4)) == 0
