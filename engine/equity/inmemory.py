"""A disparity check of a population held in memory (the API's: a bundled spec drawn at a
capped size), with the same counts, analysis and document as a run over a file."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from engine.engine import Engine
from engine.equity.analysis import analyse, check_options
from engine.equity.counts import GroupCounts
from engine.equity.layout import Layout, group_values
from engine.equity.report import document
from engine.equity.run import program_names
from engine.equity.suppress import Policy
from engine.evaluation.population import Population
from engine.scenarios.run import law_and_reform, programs_of

__all__ = ["equity_document"]


def equity_document(
    engine: Engine,
    population: Population,
    attributes: Sequence[str],
    *,
    policy: Policy,
    reform: Engine | None = None,
    about: Mapping[str, Any] | None = None,
    intersections: int = 1,
    reference: Mapping[str, str] | None = None,
    programs: Sequence[str] | None = None,
) -> dict[str, Any]:
    """The report of ``population`` (every figure suppressed as ``policy`` says); ``programs``
    keeps only those programs' rows and gaps.

    Raises:
        InputError: a group the population does not have, options the groups cannot serve,
            or a program the rules do not have.
    """
    fact = engine.catalog.facts["province"]
    provinces = tuple((float(fact.code(p)), p) for p in fact.values)
    levels = {a: set(group_values(population, a, provinces).tolist()) for a in attributes}
    layout = Layout.of(tuple(attributes), levels)
    chosen = dict(reference or {})
    check_options(layout, intersections, chosen)
    ids, entities = programs_of(engine, reform)
    if programs:
        from engine.errors import InputError

        for i, pid in enumerate(programs):
            if pid not in ids:
                raise InputError(f"programs/{i}", f"no program '{pid}' in the rules")
    results = law_and_reform(engine, reform, population)
    counts = GroupCounts(layout, ids, entities, len(results))
    counts.add(population, results, provinces)
    analysis = analyse(counts, policy, intersections=intersections, reference=chosen)
    doc = document(
        analysis,
        about={**counts.totals(), **(about or {}), "intersections": intersections},
        names=program_names(engine, reform),
        reference=chosen,
    )
    if programs:
        kept = set(programs)
        doc["programs"] = [p for p in doc["programs"] if p["id"] in kept]
        doc["rows"] = [r for r in doc["rows"] if r["program"] in kept]
        doc["gaps"] = [g for g in doc["gaps"] if g["program"] in kept]
    return doc
