"""Columnar households: the one input shape the evaluator runs on, for one household or millions.

A :class:`Population` holds one float64 array per fact (NaN where the fact is unknown; enums as
their registry codes) plus the membership arrays. Profiles are converted here; synthetic
populations are generated straight into this shape. Group columns (for equity) travel beside the
facts and are never visible to the rules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from engine.catalog.facts import ROLE_CODES, FactRegistry, Kind
from engine.catalog.profile import Member, Profile
from engine.errors import InputError
from engine.kleene import Array, to_days

__all__ = ["Population", "from_profiles", "unknown_column"]

IntArray = npt.NDArray[np.int64]


@dataclass
class Population:
    """Households in columns.

    Attributes:
        as_of: the date the households are evaluated on unless a run names other days.
        household_of: household index of each person (0 to ``n_households - 1``).
        role: role code of each person (``ROLE_CODES``).
        n_households: number of households.
        person: person facts that do not vary by year.
        yearly: income facts by tax year.
        household: household facts.
        groups: per-person group columns for disparity checks (numpy arrays, strings as fixed
            width unicode); the rules never read them.
        member_ids: the members' ids when built from profiles (results name them); empty for
            generated populations.
        weight: how many real households each household stands for (integers, so weighted
            sums are exact whatever the partitioning); empty when the population is not a
            sample.
    """

    as_of: dt.date
    household_of: IntArray
    role: IntArray
    n_households: int
    person: dict[str, Array] = field(default_factory=dict)
    yearly: dict[str, dict[int, Array]] = field(default_factory=dict)
    household: dict[str, Array] = field(default_factory=dict)
    groups: dict[str, npt.NDArray[Any]] = field(default_factory=dict)
    member_ids: Sequence[str] = ()
    weight: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    @property
    def n_persons(self) -> int:
        """Number of persons."""
        return len(self.household_of)

    def member_id(self, person: int) -> str:
        """The id of a person (``#<index>`` in a generated population)."""
        return self.member_ids[person] if self.member_ids else f"#{person}"

    def slice(self, start: int, stop: int) -> Population:
        """Households ``start`` to ``stop - 1`` as a population of their own, memberships
        re-based to start at 0 (for memory-bounded chunks and distributed partitions).

        Persons must be ordered by household, as every constructor here lays them out.
        """
        stop = min(stop, self.n_households)
        first, last = np.searchsorted(self.household_of, [start, stop])
        persons = slice(int(first), int(last))
        return Population(
            as_of=self.as_of,
            household_of=self.household_of[persons] - start,
            role=self.role[persons],
            n_households=max(stop - start, 0),
            person={k: v[persons] for k, v in self.person.items()},
            yearly={k: {y: v[persons] for y, v in by.items()} for k, by in self.yearly.items()},
            household={k: v[start:stop] for k, v in self.household.items()},
            groups={k: v[persons] for k, v in self.groups.items()},
            member_ids=self.member_ids[persons] if self.member_ids else (),
            weight=self.weight[start:stop],
        )

    def person_rows(self, households: IntArray) -> IntArray:
        """The rows of the persons of ``households`` (ascending household indices), in order.

        Persons must be ordered by household, as every constructor here lays them out.
        """
        return self._rows(households)[0]

    def _rows(self, households: IntArray) -> tuple[IntArray, IntArray]:
        households = np.asarray(households, dtype=np.int64)
        first = np.searchsorted(self.household_of, households)
        counts = np.searchsorted(self.household_of, households + 1) - first
        starts = np.cumsum(counts) - counts  # where each household's persons start in the result
        rows = np.arange(int(counts.sum()), dtype=np.int64) + np.repeat(first - starts, counts)
        return rows, counts

    def take(self, households: IntArray) -> Population:
        """The households at ``households`` (ascending indices) as a population of their own,
        renumbered from 0 in that order (a copy, unlike :meth:`slice`)."""
        households = np.asarray(households, dtype=np.int64)
        persons, counts = self._rows(households)
        ids = self.member_ids
        taken: dict[int, Array] = {}

        def pick(values: Array, rows: IntArray) -> Array:
            # a column several facts share (one array of unknowns) is taken once, and shared
            found = taken.get(id(values))
            if found is None:
                found = taken[id(values)] = values[rows]
                found.flags.writeable = values.flags.writeable
            return found

        return Population(
            as_of=self.as_of,
            household_of=np.repeat(np.arange(len(households), dtype=np.int64), counts),
            role=self.role[persons],
            n_households=len(households),
            person={k: pick(v, persons) for k, v in self.person.items()},
            yearly={
                k: {y: pick(v, persons) for y, v in by.items()} for k, by in self.yearly.items()
            },
            household={k: pick(v, households) for k, v in self.household.items()},
            groups={k: v[persons] for k, v in self.groups.items()},
            member_ids=[ids[p] for p in persons.tolist()] if ids else (),
            weight=self.weight[households] if len(self.weight) else self.weight,
        )

    def chunks(self, households: int) -> Iterator[Population]:
        """Consecutive slices of at most ``households`` households each."""
        for start in range(0, self.n_households, households):
            yield self.slice(start, start + households)


def unknown_column(n: int) -> Array:
    """``n`` unknown values as one read-only array, for every fact a population leaves unstated
    to share (a hundred columns of NaN per population would otherwise cost most of its memory
    and of the time to build it; a write into one by mistake fails loudly)."""
    out = np.full(n, np.nan)
    out.flags.writeable = False
    return out


def _encode(facts: FactRegistry, name: str, value: object) -> float:
    fact = facts[name]
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


def from_profiles(
    profiles: Sequence[Profile], years: Iterable[int], facts: FactRegistry
) -> Population:
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
    population = Population(
        as_of=as_of,
        household_of=np.array([h for h, _ in members], dtype=np.int64),
        role=np.array([ROLE_CODES[m.role] for _, m in members], dtype=np.int64),
        n_households=len(profiles),
        member_ids=[m.id for _, m in members],
    )
    for fact in facts.stated:
        if fact.entity != "person" or fact.name == "role":
            continue
        values = [getattr(m, fact.name, None) for _, m in members]
        if fact.yearly:
            population.yearly[fact.name] = {
                year: np.array([_income(v, year) for v in values]) for year in years
            }
        else:
            population.person[fact.name] = np.array([_encode(facts, fact.name, v) for v in values])
    for fact in facts.stated:
        if fact.entity == "household":
            population.household[fact.name] = np.array(
                [_encode(facts, fact.name, getattr(p.household, fact.name, None)) for p in profiles]
            )
    _groups(population, [m for _, m in members])
    return population


def _groups(population: Population, members: list[Member]) -> None:
    """Demographics stated in the profiles, as group columns ("" where not stated)."""
    stated = [m.demographics for m in members]
    if not any(stated):
        return
    for name in (
        "gender",
        "indigenous_identity",
        "racialized",
        "newcomer",
        "official_language_minority",
        "rural_remote",
        "age_band",
    ):
        values = [
            "" if d is None or getattr(d, name) is None else str(getattr(d, name)) for d in stated
        ]
        if any(values):
            population.groups[name] = np.array(values)
