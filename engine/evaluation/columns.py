"""A population as named columns of readable values, for storage (Parquet, databases) and back.

Arrays inside the engine carry enum codes; anything stored carries the values themselves
(``"ON"``, ``"child"``), so a stored population never depends on the codes of the registry that
wrote it. Dates are stored as ``datetime64[D]``, unknowns as NaN (numbers), NaT (dates) or ``""``
(enums), incomes as one column per tax year (``net_income:2025``), household facts repeated on
each member, group columns as they are.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import numpy.typing as npt

from engine.catalog.facts import ROLE_CODES, Fact, FactRegistry, Kind
from engine.errors import InputError
from engine.evaluation.population import Population
from engine.kleene import Array, to_days

__all__ = ["from_columns", "to_columns"]

_EPOCH_DAYS = to_days(dt.date(1970, 1, 1))
Column = npt.NDArray[Any]


def _decode(fact: Fact, values: Array) -> Column:
    if fact.kind == Kind.ENUM:
        names = {float(code): value for value, code in fact.codes.items()}
        return np.array([names.get(float(v), "") for v in values], dtype=str)
    if fact.kind == Kind.DATE:
        days = np.where(np.isnan(values), np.iinfo(np.int64).min, values - _EPOCH_DAYS)
        return days.astype(np.int64).astype("datetime64[D]")
    return values


def _encode(fact: Fact, column: Column, name: str) -> Array:
    if fact.kind == Kind.ENUM:
        known = {**{value: float(code) for value, code in fact.codes.items()}, "": np.nan}
        unknown = sorted({str(v) for v in column} - known.keys())
        if unknown:
            raise InputError(name, f"{unknown[0]!r} is not one of {', '.join(fact.values)}")
        return np.array([known[str(v)] for v in column], dtype=float)
    if fact.kind == Kind.DATE:
        dates = np.asarray(column, dtype="datetime64[D]")
        days = dates.astype(np.int64).astype(float) + _EPOCH_DAYS
        return np.where(np.isnat(dates), np.nan, days)
    return np.asarray(column, dtype=float)


def to_columns(population: Population, facts: FactRegistry) -> dict[str, Column]:
    """Every person of ``population`` as one row: ``household`` (index), ``role``, ``id`` when the
    members have ids, each fact (enums as their values), then the group columns."""
    roles = {code: role for role, code in ROLE_CODES.items()}
    out: dict[str, Column] = {
        "household": population.household_of,
        "role": np.array([roles[int(r)] for r in population.role], dtype=str),
    }
    if population.member_ids:
        out["id"] = np.array(population.member_ids, dtype=str)
    for name, values in population.person.items():
        out[name] = _decode(facts[name], values)
    for name, by_year in population.yearly.items():
        for year, values in sorted(by_year.items()):
            out[f"{name}:{year}"] = values
    for name, values in population.household.items():
        out[name] = _decode(facts[name], values[population.household_of])
    out.update(population.groups)
    return out


def from_columns(
    columns: dict[str, Column], facts: FactRegistry, as_of: dt.date, groups: tuple[str, ...] = ()
) -> Population:
    """The population that :func:`to_columns` stored (rows ordered by household).

    A column that names no fact and is not in ``groups`` is an error, as is an enum value the
    registry does not know; errors name the column.
    """
    household_of = np.asarray(columns["household"], dtype=np.int64)
    if len(household_of) and np.any(np.diff(household_of) < 0):
        raise InputError("household", "rows must be ordered by household")
    role_names = [str(r) for r in columns["role"]]
    if bad := sorted(set(role_names) - ROLE_CODES.keys()):
        raise InputError("role", f"{bad[0]!r} is not one of {', '.join(ROLE_CODES)}")
    n_households = int(household_of.max()) + 1 if len(household_of) else 0
    first = np.searchsorted(household_of, np.arange(n_households))
    population = Population(
        as_of=as_of,
        household_of=household_of,
        role=np.array([ROLE_CODES[r] for r in role_names], dtype=np.int64),
        n_households=n_households,
        member_ids=[str(i) for i in columns["id"]] if "id" in columns else (),
    )
    for name, column in columns.items():
        if name in ("household", "role", "id"):
            continue
        if name in groups:
            population.groups[name] = np.asarray(column)
            continue
        fact_name, _, year = name.partition(":")
        fact = facts.get(fact_name)
        if fact is None or fact.derived or fact.name == "role":
            raise InputError(name, "names no stated fact and no group column")
        values = _encode(fact, np.asarray(column), name)
        if fact.yearly:
            if not year.isdigit():
                raise InputError(name, "a yearly fact's column is named <fact>:<year>")
            population.yearly.setdefault(fact_name, {})[int(year)] = values
        elif fact.entity == "household":
            population.household[fact_name] = values[first]
        else:
            population.person[fact_name] = values
    return population
