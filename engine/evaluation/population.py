"""Columnar households: the one input shape the evaluator runs on, for one household or millions.

A :class:`Population` holds one float64 array per fact (NaN where the fact is unknown; enums as
their registry codes) plus the membership arrays. Profiles are converted here; synthetic
populations are generated straight into this shape. Group columns (for equity) travel beside the
facts and are never visible to the rules.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

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

    def twins(self, household: int = 0) -> dict[int, int]:
        """The persons of ``household`` with the same role and the same facts as an earlier
        one of it, each with the first such person (person indices).

        Nothing in the rule language tells such members apart (it reads roles and facts, never
        an id or an order), so they have the same values, and answering a fact for one of them
        changes every answer exactly as answering it for the earlier one does: a household of
        twenty children of whom nothing is known yet is asked about one child, not twenty, and
        a twin's own answers are the first one's, the two ids swapped.

        Persons must be ordered by household, as every constructor here lays them out.
        """
        first_row, stop = np.searchsorted(self.household_of, [household, household + 1])
        roles = self.role[first_row:stop].tolist()
        found: dict[int, int] = {}
        if len(set(roles)) == len(roles):  # every member has a role of their own: no twins
            return found
        columns = [self.role, *self.person.values()]
        columns += [v for by in self.yearly.values() for v in by.values()]
        seen: dict[tuple[object, ...], int] = {}
        for person in range(int(first_row), int(stop)):
            key = tuple(None if v != v else v for v in (float(c[person]) for c in columns))
            first = seen.setdefault(key, person)
            if first != person:
                found[person] = first
        return found

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


def _block(rows: list[list[float]], width: int) -> npt.NDArray[np.float64]:
    """Rows of floats as one array (its rows are the columns of a population)."""
    return np.array(rows, dtype=np.float64).reshape(len(rows), width)


class _Layout(NamedTuple):
    """A registry's stated facts as a profile gives them: each with its encoder, and by name
    its row among them (with the encoder)."""

    person: list[tuple[str, Callable[[object], float]]]
    yearly: list[str]
    household: list[tuple[str, Callable[[object], float]]]
    person_rows: dict[str, tuple[int, Callable[[object], float]]]
    yearly_rows: dict[str, int]
    household_rows: dict[str, tuple[int, Callable[[object], float]]]


#: layouts by registry (at most a few registries live at once)
_LAYOUTS: dict[int, tuple[FactRegistry, _Layout]] = {}


def _layout(facts: FactRegistry) -> _Layout:
    held = _LAYOUTS.get(id(facts))
    if held is None or held[0] is not facts:
        if len(_LAYOUTS) > 8:
            _LAYOUTS.clear()
        person = [
            (f.name, _encoder(facts, f.name))
            for f in facts.stated
            if f.entity == "person" and f.name != "role" and not f.yearly
        ]
        yearly = [f.name for f in facts.stated if f.entity == "person" and f.yearly]
        household = [
            (f.name, _encoder(facts, f.name)) for f in facts.stated if f.entity == "household"
        ]
        held = _LAYOUTS[id(facts)] = (
            facts,
            _Layout(
                person, yearly, household,
                {name: (i, encode) for i, (name, encode) in enumerate(person)},
                {name: i for i, name in enumerate(yearly)},
                {name: (i, encode) for i, (name, encode) in enumerate(household)},
            ),
        )  # fmt: skip
    return held[1]


def _encoder(facts: FactRegistry, name: str) -> Callable[[object], float]:
    """A fact's value as the float a column holds (NaN: unknown)."""
    fact = facts[name]
    if fact.kind == Kind.ENUM:
        return lambda v: np.nan if v is None else float(fact.code(str(v)))
    if fact.kind == Kind.DATE:
        return lambda v: np.nan if v is None else to_days(v)  # type: ignore[arg-type]
    if fact.kind == Kind.BOOL:
        return lambda v: np.nan if v is None else (1.0 if v else 0.0)
    return lambda v: np.nan if v is None else float(v)  # type: ignore[arg-type]


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
    layout = _layout(facts)
    people = [m for _, m in members]
    # a profile states a few of the registry's facts: each column starts unknown and only the
    # stated values are encoded (the models forbid extra fields: their fields are __dict__)
    rows = _stated(people, layout.person_rows, len(layout.person))
    block = _block(rows, len(people))  # one array, a row per fact: a check has many facts
    population.person = {name: block[i] for i, (name, _) in enumerate(layout.person)}
    rows = [[math.nan] * len(people) for _ in range(len(layout.yearly) * len(years))]
    for p, member in enumerate(people):
        for name, value in member.__dict__.items():
            at = layout.yearly_rows.get(name) if value is not None else None
            if at is not None:
                for j, year in enumerate(years):
                    rows[at * len(years) + j][p] = _income(value, year)
    block = _block(rows, len(people))
    population.yearly = {
        name: {year: block[i * len(years) + j] for j, year in enumerate(years)}
        for i, name in enumerate(layout.yearly)
    }
    rows = _stated([p.household for p in profiles], layout.household_rows, len(layout.household))
    block = _block(rows, len(profiles))
    population.household = {name: block[i] for i, (name, _) in enumerate(layout.household)}
    _groups(population, [m for _, m in members])
    return population


def _stated(
    models: Sequence[Any], at: dict[str, tuple[int, Callable[[object], float]]], count: int
) -> list[list[float]]:
    """``count`` columns (rows of the block) over ``models``: each stated value encoded in its
    fact's row (``at``: row and encoder by fact), every other one unknown."""
    rows = [[math.nan] * len(models) for _ in range(count)]
    for column, model in enumerate(models):
        for name, value in model.__dict__.items():
            found = at.get(name) if value is not None else None
            if found is not None:
                rows[found[0]][column] = found[1](value)
    return rows


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
