"""Evaluate one household at a time with the generated code (see :mod:`scalar_code`).

A :class:`Frame` is one household on one day: its facts by slot, the parameters in force that
day (read from the compiled system, so a reformed parameter changes the answer here too), the
built-in dates, who is applicant, spouse and partner, and the memo of every unit's values and
bounds. The answers are the vectorized path's, row for row (an equality property test checks
it on random households, unknowns included).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any

from openfisca_core.errors import ParameterNotFoundError

from engine.catalog.facts import ROLE_CODES
from engine.catalog.schema import base_year
from engine.evaluation.periods import period_of
from engine.evaluation.population import Population
from engine.evaluation.scalar_units import ScalarCode
from engine.kleene import to_days

__all__ = ["DayValues", "Frame", "ScalarCode", "frames"]

_NAN = math.nan


class DayValues:
    """Parameter and table values in force on each day, read once per day from one system."""

    def __init__(self, system: Any, code: ScalarCode) -> None:
        self.system = system
        self.code = code
        self._days: dict[tuple[dt.date, int, int], tuple[list[float], list[Any]]] = {}

    def on(self, day: dt.date) -> tuple[list[float], list[Any]]:
        """The parameter values (by slot) and tables (keys, values by slot) in force on ``day``."""
        slots = self.code.slots
        key = (day, len(slots.params), len(slots.tables))
        found = self._days.get(key)
        if found is None:
            at = self.system.get_parameters_at_instant(period_of(day.isoformat()).start)
            params = [_param(at, owner, name) for owner, name in slots.params]
            tables = [_table(at, owner, name) for owner, name in slots.tables]
            found = self._days[key] = (params, tables)
        return found


def _param(at: Any, owner: str, name: str) -> float:
    try:
        return float(getattr(getattr(at, owner), name))
    except ParameterNotFoundError:  # before a program's start: no value, not in force
        return _NAN


def _table(at: Any, owner: str, name: str) -> tuple[list[float], list[float]]:
    try:
        node = getattr(getattr(at, owner), name)
    except ParameterNotFoundError:  # before a program's start: one unknown row
        return [0.0], [_NAN]
    rows = sorted(
        (int(row[1:]), float(value)) for row, value in node._children.items() if value is not None
    )
    return [float(k) for k, _ in rows], [v for _, v in rows]


def _dates(day: dt.date) -> list[float]:
    return [
        to_days(day),
        to_days(day.replace(day=1)),
        to_days(day.replace(month=1, day=1)),
        to_days(day.replace(month=12, day=31)),
    ]


class Frame:
    """One household on one day, for the generated code (attribute names are the code's)."""

    __slots__ = (
        "a", "b", "base", "d", "db", "du", "f", "h", "m", "n", "p", "pt", "q", "rows", "s", "t",
        "w", "x", "z",
    )  # fmt: skip

    def __init__(
        self,
        facts: list[Any],
        values: tuple[list[float], list[Any]],
        day: dt.date,
        as_of_days: float,
        roles: list[int],
        twins: list[int] | None = None,
    ) -> None:
        self.f = facts
        self.p, self.t = values
        self.d = _dates(day)
        self.z = as_of_days
        self.n = len(roles)
        self.rows = range(self.n)
        #: per person, the row of the first member with the same role and facts (what an
        #: aggregate's loop reads: see ``Emitter.loop``)
        self.w: Sequence[int] = twins if twins is not None else self.rows
        applicant, spouse = ROLE_CODES["applicant"], ROLE_CODES["spouse"]
        self.a = roles.index(applicant) if applicant in roles else -1
        self.s = roles.index(spouse) if spouse in roles else -1
        self.pt = [-1] * self.n
        if self.a >= 0 and self.s >= 0:
            self.pt[self.a], self.pt[self.s] = self.s, self.a
        self.m: dict[int, float] = {}
        self.b: dict[int, tuple[float, float]] = {}
        self.x: dict[int, frozenset[int]] = {}  # the facts a unit misses (explanations)
        self.base: Frame | None = None
        self.q = -1  # in a variant: the person whose fact it answers (-1: a household fact)
        self.du: frozenset[int] = frozenset()
        self.db: frozenset[int] = frozenset()
        #: the frame's native state, where the code's units are native (see ``native``)
        self.h: Any = None

    def variant(
        self,
        slots: list[int],
        person: int | None,
        value: float,
        dirty: tuple[frozenset[int], frozenset[int]],
    ) -> Frame:
        """This household with one fact (in every slot it has) answered ``value``: the units
        in ``dirty`` (those that depend on the fact) are computed in the variant, every other
        one is this frame's (computed once, here)."""
        copy = Frame.__new__(Frame)
        copy.a, copy.s, copy.pt, copy.n, copy.rows = self.a, self.s, self.pt, self.n, self.rows
        # the answered person is nobody's twin any more
        copy.w = self.w if person is None else _untwinned(self.w, person)
        copy.p, copy.t, copy.d, copy.z = self.p, self.t, self.d, self.z
        facts = list(self.f)
        for slot in slots:
            if person is None:
                facts[slot] = value
            else:
                column = list(facts[slot])
                column[person] = value
                facts[slot] = column
        copy.f = facts
        copy.m, copy.b, copy.x = {}, {}, {}
        copy.base = self
        copy.q = -1 if person is None else person
        copy.du, copy.db = dirty
        copy.h = None
        return copy


def frames(code: ScalarCode, days: DayValues, population: Population, day: dt.date) -> list[Frame]:
    """A frame per household of ``population`` on ``day`` (persons ordered by household)."""
    values = days.on(day)
    as_of = to_days(population.as_of)
    layout = _layout(code)
    years = {rule: base_year(rule[0], rule[1], day) for rule in layout[1]}
    columns: list[Any] = []
    for name, rule, where in layout[0]:
        if where == _ROLE:
            columns.append([float(r) for r in population.role.tolist()])
            continue
        if where == _HOUSEHOLD:
            column = population.household.get(name)
        elif where == _YEARLY:
            column = population.yearly.get(name, {}).get(years[rule]) if rule else None
        else:
            column = population.person.get(name)
        columns.append(None if column is None else column.tolist())
    roles = population.role.tolist()
    bounds = [0]
    household_of = population.household_of.tolist()
    for h in range(1, population.n_households + 1):
        start = bounds[-1]
        while start < len(household_of) and household_of[start] < h:
            start += 1
        bounds.append(start)
    out = []
    for h in range(population.n_households):
        lo, hi = bounds[h], bounds[h + 1]
        facts = []
        for (_, _, where), column in zip(layout[0], columns, strict=True):
            household = where == _HOUSEHOLD
            if column is None:
                facts.append(_NAN if household else [_NAN] * (hi - lo))
            else:
                facts.append(column[h] if household else column[lo:hi])
        twin_of = population.twins(h)
        first_twins = [twin_of.get(p, p) - lo for p in range(lo, hi)] if twin_of else None
        out.append(Frame(facts, values, day, as_of, roles[lo:hi], first_twins))
    if code.native is not None:
        native_day = code.native.day(values)
        for frame in out:
            frame.h = code.native.frame(
                native_day, frame.f, frame.d, frame.z, frame.a, frame.s, frame.pt, frame.w
            )
    return out


def _untwinned(twins: Sequence[int], person: int) -> Sequence[int]:
    """``twins`` once ``person`` has answered a fact: nobody's twin any more, and the members
    whose first twin they were now have the next of them as their first."""
    first = twins[person]
    others = [r for r, f in enumerate(twins) if f == first and r != person]
    if not others:
        return twins  # had no twin
    out = list(twins)
    for r in others:
        out[r] = others[0]
    out[person] = person
    return out


_ROLE, _HOUSEHOLD, _YEARLY, _PERSON = range(4)
_Layout = tuple[list[tuple[str, Any, int]], list[Any]]
_LAYOUTS: dict[tuple[int, int], tuple[ScalarCode, _Layout]] = {}


def _layout(code: ScalarCode) -> _Layout:
    """The fact slots of ``code`` as (name, income-year rule, where the column is), and the
    income-year rules they use, worked out once per set of slots."""
    key = (id(code), len(code.slots.facts))
    found = _LAYOUTS.get(key)
    if found is None or found[0] is not code:
        registry = code.catalog.facts
        slots = []
        for name, rule in code.slots.facts:
            fact = registry[name]
            if name == "role":
                where = _ROLE
            elif fact.entity == "household":
                where = _HOUSEHOLD
            else:
                where = _YEARLY if fact.yearly else _PERSON
            slots.append((name, rule, where))
        rules = sorted({rule for _, rule in code.slots.facts if rule is not None})
        if len(_LAYOUTS) > 16:
            _LAYOUTS.clear()
        found = _LAYOUTS[key] = (code, (slots, rules))
    return found[1]
