"""An equity run over a population file: row group by row group (memory stays bounded by a row
group), in this process, on forked workers or on a Dask cluster, each row group returning only
its :class:`~engine.equity.counts.GroupCounts` (integer sums), merged here.

Everything that can be wrong is checked before any household is evaluated: the reform file,
the population file, the attributes asked for (their levels are read once from the whole file,
so every row group codes a person the same way).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.compute as pc
import pyarrow.parquet as pq

from engine.engine import Engine
from engine.equity.counts import GroupCounts
from engine.equity.layout import FROM_FACTS, NOT_STATED, Layout, Provinces
from engine.errors import InputError
from engine.scenarios.parquet import PopulationFile
from engine.scenarios.run import (
    changed_of,
    engines,
    gather,
    law_and_reform,
    opened,
    programs_of,
)

__all__ = [
    "EquityPlan", "count_group", "engines", "plan_equity", "program_names", "programs_of",
    "run_equity",
]  # fmt: skip

Progress = Callable[[int], None]


@dataclass(frozen=True)
class EquityPlan:
    """What every partition needs (small and picklable: paths, not engines)."""

    population: Path
    rules: Path | None
    reform: Path | None
    on: dt.date
    layout: Layout
    programs: tuple[str, ...]
    entities: tuple[str, ...]
    provinces: Provinces
    row_groups: int
    changed: tuple[str, ...] = ()  # programs the reform may change (the rest: the law's answers)


def program_names(engine: Engine, reform: Engine | None) -> dict[str, dict[str, str]]:
    """Every program's name in English and French (the reform's new ones too)."""
    out: dict[str, dict[str, str]] = {}
    for catalog in [engine.catalog] + ([reform.catalog] if reform is not None else []):
        for pid, rules in catalog.programs.items():
            out.setdefault(pid, {"en": rules.program.name.en, "fr": rules.program.name.fr})
    return out


def _levels(path: Path, attributes: tuple[str, ...]) -> dict[str, set[str]]:
    """Every level each attribute takes in the whole file."""
    names = set(pq.ParquetFile(path).schema_arrow.names)
    out: dict[str, set[str]] = {}
    for attribute in attributes:
        column = "group:" + attribute
        if column in names:
            values = pc.unique(pq.read_table(path, columns=[column])[column].combine_chunks())
            if hasattr(values, "dictionary_decode"):
                values = values.dictionary_decode()
            words = {NOT_STATED if v in (None, "") else str(v) for v in values.to_pylist()}
            out[attribute] = words
        elif attribute in FROM_FACTS:
            fact = FROM_FACTS[attribute]
            if fact not in names:
                out[attribute] = {NOT_STATED}
                continue
            data = pq.read_table(path, columns=[fact])[fact].combine_chunks()
            if hasattr(data, "dictionary_decode"):
                data = data.dictionary_decode()
            words = {str(v) for v in pc.unique(data.drop_null()).to_pylist()}
            out[attribute] = words | ({NOT_STATED} if data.null_count else set())
        else:
            groups = sorted(n.removeprefix("group:") for n in names if n.startswith("group:"))
            known = ", ".join([*groups, *FROM_FACTS])
            raise InputError(
                "by",
                f"the population has no group '{attribute}' (it has: {known})",
                fr=f"la population n'a pas de groupe '{attribute}' (elle a : {known})",
            )
    return out


def plan_equity(
    population: Path,
    attributes: tuple[str, ...],
    *,
    reform: Path | None = None,
    rules: Path | None = None,
    on: dt.date | None = None,
) -> EquityPlan:
    """Check the inputs and fix what every partition shares (day, layout, programs).

    Raises:
        RuleSchemaError: the reform file is malformed or names what the rules do not have.
        InputError: the population file cannot be used, or an attribute it does not have.
    """
    engine, reformed_engine, file, day = opened(population, rules, reform, on)
    fact = engine.catalog.facts["province"]
    provinces = tuple((float(fact.code(p)), p) for p in fact.values)
    layout = Layout.of(attributes, _levels(population, attributes))
    programs, entities = programs_of(engine, reformed_engine)
    return EquityPlan(
        population=population,
        rules=rules,
        reform=reform,
        on=day,
        layout=layout,
        programs=programs,
        entities=entities,
        provinces=provinces,
        row_groups=file.row_groups,
        changed=changed_of(engine, reformed_engine),
    )


def count_group(plan: EquityPlan, group: int) -> GroupCounts:
    """One row group's counts (run where the partition is: a worker loads the engines once
    and reads its row group from the file)."""
    engine, reform = engines(plan.rules, plan.reform)
    population = PopulationFile(plan.population, engine.catalog.facts).read(group)
    results = law_and_reform(engine, reform, population, plan.on, plan.changed)
    counts = GroupCounts(plan.layout, plan.programs, plan.entities, len(results))
    counts.add(population, results, plan.provinces)
    return counts


def run_equity(
    plan: EquityPlan,
    *,
    client: Any | None = None,
    workers: int = 1,
    progress: Progress | None = None,
) -> GroupCounts:
    """The whole population's counts: row group by row group, in this process, on ``workers``
    forked processes (sharing the engines loaded here), or on ``client`` (a
    ``distributed.Client``)."""
    total = GroupCounts(plan.layout, plan.programs, plan.entities, 2 if plan.reform else 1)
    return gather(count_group, plan, total, client=client, workers=workers, progress=progress)
