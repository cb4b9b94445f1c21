"""Programs that exclude each other: a family receives one of them, not both.

Rule files declare them (``exclusions``: Ontario Works and ODSP income support; later the GIS
and the Allowance, EI and QPIP…); the declaration binds both ways. When two programs that
exclude each other both come out eligible, each result names the other (``exclusive_with``) and
the one that pays less names the one that pays more (``excluded_by``), so the answer never adds
up two benefits nobody can receive together.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["apply_exclusions"]


def _paid(result: Mapping[str, Any]) -> float | None:
    amount = result.get("amount")
    if amount is None or amount.get("minimum") is not None:
        return None  # in kind, or only a lower bound: which pays more is not known
    return float(amount["annual"])


def apply_exclusions(results: list[dict[str, Any]], pairs: Iterable[frozenset[str]]) -> None:
    """Mark, in place, the eligible results that exclude each other (``pairs``:
    ``Catalog.exclusive_pairs``)."""
    eligible = {r["program"]: r for r in results if r["status"] == "eligible"}
    for pair in sorted(pairs, key=sorted):
        first, second = sorted(pair)
        if first not in eligible or second not in eligible:
            continue
        for this, other in ((first, second), (second, first)):
            eligible[this].setdefault("exclusive_with", []).append(other)
        paid = {pid: _paid(eligible[pid]) for pid in (first, second)}
        if paid[first] is not None and paid[second] is not None and paid[first] != paid[second]:
            lower, higher = sorted((first, second), key=lambda pid: paid[pid] or 0.0)
            eligible[lower].setdefault("excluded_by", []).append(higher)
