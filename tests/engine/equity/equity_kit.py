"""Shared equity test helpers: populations of one-person households built from fixed lists
(each person is their household's reference person, so person and household figures agree),
their results, and the analysis of both."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from engine.eligibility.populations import PopulationResult
from engine.equity import GroupCounts, Layout, Policy, analyse, rows
from engine.equity.analysis import Analysis
from engine.evaluation.population import Population

ROOT = Path(__file__).resolve().parents[3]
CANADA = ROOT / "scenarios" / "populations" / "canada.yaml"
REFORMS = ROOT / "scenarios" / "reforms"
DAY = dt.date(2026, 1, 15)


def people(groups: Mapping[str, Sequence[str]], weights: Sequence[int] | None = None) -> Population:
    """One-person households with the given group values (and weights, default 1)."""
    n = len(next(iter(groups.values())))
    return Population(
        as_of=DAY,
        household_of=np.arange(n, dtype=np.int64),
        role=np.ones(n, dtype=np.int64),
        n_households=n,
        groups={k: np.asarray(v, dtype=str) for k, v in groups.items()},
        weight=np.asarray(weights if weights is not None else [1] * n, dtype=np.int64),
    )


def result(status: Sequence[float], benefit: Sequence[float] | None = None) -> PopulationResult:
    """One household program ``h`` and one person program ``p`` with the same answers."""
    s = np.asarray(status, dtype=float)
    b = np.asarray(benefit, dtype=float) if benefit is not None else np.where(s == 1, 100.0, 0.0)
    return PopulationResult(
        entity={"h": "household", "p": "person"},  # type: ignore[dict-item]
        status={"h": s, "p": s},
        benefit={"h": b, "p": b},
        person_status={"p": s},
        person_benefit={"p": b},
    )


def analysed(
    population: Population,
    results: Sequence[PopulationResult],
    *,
    policy: Policy | None = None,
    intersections: int = 1,
    reference: Mapping[str, str] | None = None,
) -> tuple[Analysis, list[dict[str, Any]]]:
    """The analysis of ``results`` on ``population`` over every group column, and its rows."""
    attributes = tuple(population.groups)
    levels = {a: set(population.groups[a].tolist()) for a in attributes}
    counts = GroupCounts(
        Layout.of(attributes, levels), ("h", "p"), ("household", "person"), len(results)
    )
    counts.add(population, list(results))
    analysis = analyse(
        counts, policy or Policy.named("default"), intersections=intersections, reference=reference
    )
    return analysis, rows(analysis)


def row(
    rows_: Sequence[dict[str, Any]],
    group: Mapping[str, str],
    program: str = "h",
    run: str = "baseline",
) -> dict[str, Any]:
    """The one row of ``group`` (a table is named by its attributes)."""
    found = [
        r
        for r in rows_
        if r["group"] == dict(group) and r["program"] == program and r["run"] == run
    ]
    assert len(found) == 1, found
    return found[0]
