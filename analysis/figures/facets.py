"""Grouping scenarios by the values of some parameters, and naming those values: what decides the
panels, colours and line styles of every figure family."""

from __future__ import annotations

from ..scenarios import Scenario, describe, sort_key


def values_of(s: Scenario, keys: list[str]) -> tuple:
    return tuple(s.params.get(k) for k in keys)


def distinct(scenarios: list[Scenario], keys: list[str]) -> list[tuple]:
    """Distinct value tuples of `keys` over the scenarios: numbers ascending, words in sweep order."""
    seen = list(dict.fromkeys(values_of(s, keys) for s in scenarios))
    numeric = all(v is None or isinstance(v, (int, float)) for t in seen for v in t)
    if keys and numeric:
        return sorted(seen, key=lambda t: tuple(sort_key(v) for v in t))
    return seen


def is_numeric(values: list[tuple]) -> bool:
    """One numeric parameter (so its values have an order a colour scale can show)."""
    return bool(values) and all(len(t) == 1 and isinstance(t[0], (int, float)) for t in values)


def first_with(scenarios: list[Scenario], keys: list[str], values: tuple) -> Scenario:
    return next(s for s in scenarios if values_of(s, keys) == values)


def values_label(keys: list[str], values: tuple, scenario: Scenario | None = None) -> str:
    """'H100 SXM, sparse': hardware by display name when a scenario is given."""
    return describe(keys, values, scenario.hardware_name if scenario is not None else None)


def facet_label(example: Scenario, facet_keys: list[str]) -> str:
    """A heat-map panel's title: hardware and experts (when not facets themselves), then the facets."""
    keys = [k for k in ("hardware", "experts") if k not in facet_keys] + facet_keys
    return values_label(keys, values_of(example, keys), example)
