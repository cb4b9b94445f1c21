"""Columnar households: the one input shape the evaluator runs on, for one household or millions.

A :class:`Population` holds one float64 array per fact (NaN where the fact is unknown) plus the
membership arrays. Profiles are converted here; synthetic populations are generated straight into
this shape.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from engine.catalog.facts import FACTS, ROLES, Kind
from engine.eligibility.profile import Member, Profile
from engine.errors import InputError
from engine.kleene import Array, to_days

__all__ = ["Population", "from_profiles"]


@dataclass
class Population:
    """Households in columns.

    Attributes:
        as_of: the date every household is evaluated on.
        household_of: household index of each person.
        role: role code of each person (position in ``ROLES``).
        person: person facts that do not vary by year.
        yearly: income facts by tax year (the years the catalog reads on ``as_of``).
        household: household facts.
        person_ids / household_ids: labels for results (member ids; household keys).
    """

    as_of: dt.date
    household_of: npt.NDArray[np.int64]
    role: npt.NDArray[np.int64]
    person: dict[str, Array] = field(default_factory=dict)
    yearly: dict[str, dict[int, Array]] = field(default_factory=dict)
    household: dict[str, Array] = field(default_factory=dict)
    person_ids: list[str] = field(default_factory=list)
    household_ids: list[str] = field(default_factory=list)

    @property
    def n_persons(self) -> int:
        """Number of persons."""
        return len(self.household_of)

    @property
    def n_households(self) -> int:
        """Number of households."""
        return len(self.household_ids)


def _encode(name: str, value: object) -> float:
    fact = FACTS[name]
    if value is None:
        return np.nan
    if fact.kind == Kind.ENUM:
        return float(fact.code(str(value)))
    if fact.kind == Kind.DATE:
        return to_days(value)  # type: ignore[arg-type]
    if fact.kind == Kind.BOOL:
        return 1.0 if value else 0.0
    return float(value)  # type: ignore[arg-type]


def _income(value: object, year: int) -> float:
    if value is None:
        return np.nan
    if isinstance(value, dict):
        found = value.get(str(year))
        return np.nan if found is None else float(found)
    return float(value)  # type: ignore[arg-type]


def from_profiles(profiles: Sequence[Profile], years: Iterable[int]) -> Population:
    """Columns for a list of profiles sharing one ``as_of``.

    ``years`` are the tax years whose incomes to lay out (``Catalog.base_years``).
    """
    as_of = profiles[0].as_of
    for index, profile in enumerate(profiles):
        if profile.as_of != as_of:
            raise InputError(
                f"{index}/as_of",
                f"every household of one run is evaluated on the same date ({as_of.isoformat()})",
            )
    members: list[tuple[int, Member]] = [
        (h, m) for h, profile in enumerate(profiles) for m in profile.household.members
    ]
    years = sorted(set(years))
    person_facts = [f for f in FACTS.values() if f.entity == "person" and not f.derived]
    population = Population(
        as_of=as_of,
        household_of=np.array([h for h, _ in members], dtype=np.int64),
        role=np.array([ROLES.index(m.role) for _, m in members], dtype=np.int64),
        person_ids=[m.id for _, m in members],
        household_ids=[str(i) for i in range(len(profiles))],
    )
    for fact in person_facts:
        values = [getattr(m, fact.name) for _, m in members]
        if fact.yearly:
            population.yearly[fact.name] = {
                year: np.array([_income(v, year) for v in values]) for year in years
            }
        else:
            population.person[fact.name] = np.array([_encode(fact.name, v) for v in values])
    for name in ("province", "municipality"):
        population.household[name] = np.array(
            [_encode(name, getattr(p.household, name)) for p in profiles]
        )
    return population
