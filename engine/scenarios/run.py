"""Baseline and reform on the same population, one row group at a time (memory stays bounded
by a row group), in this process or on a Dask cluster.

Everything that can be wrong is checked before any household is evaluated: the reform file,
the population file's columns, the day. The income deciles are cut once, from the whole file,
so every partition puts a household in the same decile wherever it is evaluated. A partition
returns only its :class:`~engine.scenarios.tally.Tally` (integer sums), which is why the
distributed run equals the in-memory one to the cent.
"""

from __future__ import annotations

import datetime as dt
import functools
import multiprocessing
from collections.abc import Callable, Collection
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

import numpy as np
import pyarrow.parquet as pq

from engine.eligibility.populations import PopulationResult
from engine.engine import Engine
from engine.errors import InputError
from engine.evaluation.population import Population
from engine.kleene import Array
from engine.scenarios.parquet import PopulationFile
from engine.scenarios.reforms import reformed
from engine.scenarios.tally import Tally, income_deciles

__all__ = [
    "Plan",
    "changed_of",
    "changed_programs",
    "engines",
    "gather",
    "law_and_reform",
    "opened",
    "plan",
    "programs_of",
    "run",
    "tally_group",
]

Progress = Callable[[int], None]


class _Plan(Protocol):
    @property
    def rules(self) -> Path | None: ...
    @property
    def reform(self) -> Path | None: ...
    @property
    def row_groups(self) -> int: ...


class _Addable(Protocol):
    def __iadd__(self, other: Any, /) -> Any: ...  # adds in place


P = TypeVar("P", bound=_Plan)
A = TypeVar("A", bound=_Addable)


@dataclass(frozen=True)
class Plan:
    """What every partition needs (small and picklable: paths, not engines)."""

    population: Path
    rules: Path | None
    reform: Path | None
    on: dt.date
    year: int
    cuts: tuple[float, ...]
    programs: tuple[str, ...]
    provinces: tuple[str, ...]
    row_groups: int
    changed: tuple[str, ...] = ()  # programs the reform may change (the rest: the law's answers)


@functools.lru_cache(maxsize=4)
def engines(rules: Path | None, reform: Path | None) -> tuple[Engine, Engine | None]:
    """The law's engine and the reformed one (None without a reform), loaded once per process
    (a Dask worker or a forked one reuses them for every row group it is given)."""
    engine = Engine.load(rules)
    return engine, (reformed(engine, reform)[1] if reform is not None else None)


def programs_of(engine: Engine, reform: Engine | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The programs of a run (the baseline's, then any the reform adds) and their entities."""
    programs = list(engine.compiled.programs)
    if reform is not None:
        programs += [p for p in reform.compiled.programs if p not in programs]
    catalogs = [engine.catalog] + ([reform.catalog] if reform is not None else [])
    entities = []
    for pid in programs:
        found = next(c.programs[pid] for c in catalogs if pid in c.programs)
        entities.append(str(found.program.entity))
    return tuple(programs), tuple(entities)


def changed_programs(law: Engine, reform: Engine) -> frozenset[str]:
    """The programs whose answers a reform may change: those it adds or whose rules differ,
    and every program that reads one of them (directly or not). The others give the law's
    answers on any population, so a run evaluates them once for both.

    Examples:
        >>> law = Engine.load()
        >>> sorted(changed_programs(law, law))
        []
    """
    changed = {
        pid
        for pid, rules in reform.catalog.programs.items()
        if pid not in law.catalog.programs or law.catalog.programs[pid].program != rules.program
    }
    grew = True
    while grew:
        grew = False
        for pid, rules in reform.catalog.programs.items():
            if pid not in changed and rules.depends_on() & changed:
                changed.add(pid)
                grew = True
    return frozenset(changed)


def opened(
    population: Path, rules: Path | None, reform: Path | None, on: dt.date | None
) -> tuple[Engine, Engine | None, PopulationFile, dt.date]:
    """The engines, the checked population file and the day a run is on (default: the
    file's ``as_of``), every parameter checked to have a value that day.

    Raises:
        RuleSchemaError: the reform file is malformed or names what the rules do not have.
        InputError: the population file cannot be used (the column and the reason).
        ParameterValueMissing: a parameter has no value on the day.
    """
    engine, reformed_engine = engines(rules, reform)
    file = PopulationFile(population, engine.catalog.facts)
    day = on or file.as_of
    engine.catalog.check_parameters(day)
    return engine, reformed_engine, file, day


def plan(
    population: Path,
    *,
    reform: Path | None = None,
    rules: Path | None = None,
    on: dt.date | None = None,
) -> Plan:
    """Check the inputs and fix what every partition shares (day, tax year, decile cuts).

    Raises:
        RuleSchemaError: the reform file is malformed or names what the rules do not have.
        InputError: the population file cannot be used (the column and the reason).
    """
    engine, reformed_engine, file, day = opened(population, rules, reform, on)
    year = max(engine.catalog.base_years(day))
    cuts = income_deciles(*_household_incomes(population, year))
    return Plan(
        population=population,
        rules=rules,
        reform=reform,
        on=day,
        year=year,
        cuts=tuple(float(c) for c in cuts),
        programs=programs_of(engine, reformed_engine)[0],
        changed=changed_of(engine, reformed_engine),
        provinces=tuple(engine.catalog.facts["province"].values),
        row_groups=file.row_groups,
    )


def _household_incomes(path: Path, year: int) -> tuple[Array, Any]:
    """Every household's net income in ``year`` and its weight, read from two columns."""
    column = f"net_income@{year}"
    names = pq.ParquetFile(path).schema_arrow.names
    table = pq.read_table(
        path, columns=["household", "weight"] + ([column] if column in names else [])
    )
    household = table["household"].to_numpy()
    if len(household) == 0:
        raise InputError("household", "the population file holds no household")
    first = np.r_[True, household[1:] != household[:-1]]
    index = np.cumsum(first) - 1
    income = (
        np.nan_to_num(table[column].to_numpy(zero_copy_only=False).astype(float))
        if column in names
        else np.zeros(len(household))
    )
    totals = np.asarray(np.bincount(index, weights=income), dtype=float)
    return totals, table["weight"].to_numpy()[first]


def tally_group(plan: Plan, group: int) -> Tally:
    """One row group's contribution (run where the partition is: a Dask worker loads the
    engines once and reads its row group from the file)."""
    engine, reform = engines(plan.rules, plan.reform)
    population = PopulationFile(plan.population, engine.catalog.facts).read(group)
    code_to_index = {
        float(engine.catalog.facts["province"].code(p)): i for i, p in enumerate(plan.provinces)
    }
    province = population.household["province"]
    province_index = np.full(population.n_households, len(plan.provinces), dtype=np.int64)
    for code, i in code_to_index.items():
        province_index[province == code] = i
    results = law_and_reform(engine, reform, population, plan.on, plan.changed)
    tally = Tally(plan.programs, plan.provinces)
    tally.add(population, province_index, np.asarray(plan.cuts), plan.year, results)
    return tally


def gather(
    task: Callable[[P, int], A],
    plan: P,
    total: A,
    *,
    client: Any | None = None,
    workers: int = 1,
    progress: Progress | None = None,
) -> A:
    """``total`` plus ``task(plan, group)`` for every row group of ``plan``: in this process,
    on ``workers`` forked processes (which share the engines already loaded here), or on
    ``client`` (a ``distributed.Client``), each worker given row groups to read itself. The
    parts are added as they come; being integer sums, their order does not matter."""
    row_groups: int = plan.row_groups
    groups = range(row_groups)

    def done(part: A) -> None:
        total.__iadd__(part)  # in place: a tally's sums are its arrays
        if progress:
            progress(1)

    if client is not None:
        from distributed import as_completed

        for future in as_completed(client.map(task, [plan] * row_groups, groups, pure=False)):
            done(future.result())
    elif workers > 1 and row_groups > 1:
        for loaded in engines(plan.rules, plan.reform):  # loaded and compiled before the fork
            if loaded is not None:
                loaded.compiled.compile_vectorized()
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            for part in pool.map(task, [plan] * row_groups, groups):
                done(part)
    else:
        for group in groups:
            done(task(plan, group))
    return total


def changed_of(law: Engine, reform: Engine | None) -> tuple[str, ...]:
    """:func:`changed_programs` as a plan keeps it (sorted; empty without a reform)."""
    return tuple(sorted(changed_programs(law, reform))) if reform is not None else ()


def law_and_reform(
    law: Engine,
    reform: Engine | None,
    population: Population,
    on: dt.date | None = None,
    changed: Collection[str] | None = None,
) -> list[PopulationResult]:
    """The law's results on ``population`` and, with a reform, the reform's: only the
    programs it may change (``changed``, default :func:`changed_programs`) are evaluated
    again, the others keep the law's answers."""
    first = law.evaluate(population, on)
    if reform is None:
        return [first]
    again = reform.evaluate(
        population, on, programs=changed_programs(law, reform) if changed is None else changed
    )
    second = PopulationResult(
        {**first.entity, **again.entity},
        {**first.status, **again.status},
        {**first.benefit, **again.benefit},
        {**first.person_status, **again.person_status},
        {**first.person_benefit, **again.person_benefit},
    )
    return [first, second]


def run(
    plan: Plan, *, client: Any | None = None, workers: int = 1, progress: Progress | None = None
) -> Tally:
    """The whole population's tally (see :func:`gather` for where the row groups run)."""
    total = Tally(plan.programs, plan.provinces)
    return gather(tally_group, plan, total, client=client, workers=workers, progress=progress)
