"""The generated one-household code gives the vectorized formulas' answers, row for row.

Every part of every program (criteria, amount, scope, jurisdiction, status, benefit) and every
part's bounds, on random households with unknowns, on several days.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import strategies
from hypothesis import given
from kit import CATALOG, ENGINE, FACTS, LAWS

from engine.catalog.program import BENEFIT, STATUS, Part
from engine.evaluation.population import from_profiles
from engine.evaluation.runtime import program_context
from engine.evaluation.scalar import DayValues, ScalarCode, frames
from engine.evaluation.simulate import simulate

AS_OF = (dt.date(2024, 7, 1), dt.date(2025, 1, 15), dt.date(2026, 1, 15), dt.date(2026, 11, 24))
YEARS = tuple(sorted(CATALOG.base_years(*AS_OF)))
SETTINGS = LAWS
CODE = ScalarCode(CATALOG)
DAYS = DayValues(ENGINE.compiled.system, CODE)


def _same(a: float, b: float) -> bool:
    return a == b or (np.isnan(a) and np.isnan(b))


def _parts(pid: str) -> list[Part]:
    return [*(part for part, _ in CATALOG.programs[pid].parts()), STATUS, BENEFIT]


@SETTINGS
@given(strategies.profiles(FACTS, AS_OF, YEARS))
def test_every_part_and_its_bounds_equal_the_vectorized_ones(data: dict[str, Any]) -> None:
    _compare(data)


@SETTINGS
@given(strategies.twinned(FACTS, AS_OF, YEARS))
def test_members_who_are_twins_are_read_through_the_first_one(data: dict[str, Any]) -> None:
    # an aggregate's loop reads a twin's values on the first twin's row (Frame.w)
    frame = _compare(data)
    assert list(frame.w) != list(frame.rows)


def _compare(data: dict[str, Any]) -> Any:
    """Every part and its bounds, generated code against vectorized; the household's frame."""
    profile = ENGINE.parse(data)
    population = from_profiles([profile], CATALOG.base_years(profile.as_of), FACTS)
    run = simulate(ENGINE.compiled, population)
    frame = frames(CODE, DAYS, population, profile.as_of)[0]
    mismatches = []
    for pid in CATALOG.programs:
        ctx = run.context(pid)
        for part in _parts(pid):
            expected = run.calculate(pid, part)
            lo, hi = program_context(
                ENGINE.compiled.codes[pid], run.simulation, ctx.period
            ).part_bounds(part)  # type: ignore[attr-defined]
            value_fn = CODE.function("u", ("part", pid, part))
            bounds_fn = CODE.function("b", ("part", pid, part))
            for row, want in enumerate(expected.tolist()):
                got = value_fn(frame, row)
                got_lo, got_hi = bounds_fn(frame, row)
                if not (_same(got, want) and _same(got_lo, lo[row]) and _same(got_hi, hi[row])):
                    mismatches.append(
                        (pid, part, row, (want, lo[row], hi[row]), (got, got_lo, got_hi))
                    )
    assert not mismatches, mismatches[:5]
    return frame


def test_a_unit_that_only_forwards_another_ones_value_is_that_units_function() -> None:
    # e.g. a variable defined as another variable: no call, memo entry or base-frame switch
    # of its own (the equality tests above run through such units)
    aliases = [
        line.split(" = ")
        for source in CODE.sources
        for line in source.splitlines()
        if line.startswith("u") and " = u" in line
    ]
    defined = {
        line[4:].split("(")[0]
        for source in CODE.sources
        for line in source.splitlines()
        if line.startswith("def ")
    }
    assert aliases
    for name, target in aliases:
        assert CODE.namespace[name] is CODE.namespace[target]
        assert name not in defined and CODE.namespace[name].__name__ in defined
