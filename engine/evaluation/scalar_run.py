"""A run of the generated one-household code with the surface of :class:`simulate.Run`.

Checks (statuses, amounts, explanations, missing facts, the next question) read a run through
``calculate``, ``per_household``, ``context`` and the node values an explanation asks for; this
run answers them from :class:`~engine.evaluation.scalar.Frame` objects, one per household and
day, instead of an OpenFisca simulation. Same answers (see tests/engine/evaluation/test_scalar.py).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np

from engine.catalog.facts import Entity
from engine.catalog.program import Part, ProgramRules
from engine.catalog.tree import Expr
from engine.errors import EvaluationError
from engine.evaluation.entities import Members
from engine.evaluation.population import Population
from engine.evaluation.scalar import DayValues, Frame, ScalarCode, frames
from engine.kleene import Array

__all__ = ["Answered", "ScalarContext", "ScalarRun", "ScalarVariants"]

Bounds = tuple[Array, Array]


class ScalarRun:
    """Households evaluated one at a time by generated code, lazily, per day."""

    def __init__(
        self, compiled: Any, population: Population, code: ScalarCode, days: DayValues
    ) -> None:
        self.compiled = compiled
        self.population = population
        self.code = code
        self.days = days
        self.members = Members.build(
            population.household_of, population.role, population.n_households
        )
        self._frames: dict[dt.date, list[Frame]] = {}

    def frames(self, on: dt.date | None = None) -> list[Frame]:
        """One frame per household on ``on`` (default: ``as_of``), built once."""
        day = on or self.population.as_of
        found = self._frames.get(day)
        if found is None:
            found = self._frames[day] = frames(self.code, self.days, self.population, day)
        return found

    def _fn(self, kind: str, program_id: str, part: Part) -> Any:
        if program_id not in self.compiled.programs:
            raise EvaluationError(program_id, f"no such program or part: '{program_id}'")
        try:
            return self.code.function(kind, ("part", program_id, part))
        except KeyError as exc:
            raise EvaluationError(program_id, f"no such program or part: {exc}") from exc

    def calculate(self, program_id: str, part: Part, on: dt.date | None = None) -> Array:
        """A program's part on every row of its entity (see ``Run.calculate``)."""
        fn = self._fn("u", program_id, part)
        if self.compiled.programs[program_id] == "household":
            return np.array([fn(f, 0) for f in self.frames(on)], dtype=np.float64)
        return np.array([fn(f, r) for f in self.frames(on) for r in f.rows], dtype=np.float64)

    def per_household(self, program_id: str, part: Part, on: dt.date | None = None) -> Array:
        """A program's part per household (for a person program, the applicant's)."""
        fn = self._fn("u", program_id, part)
        if self.compiled.programs[program_id] == "household":
            return np.array([fn(f, 0) for f in self.frames(on)], dtype=np.float64)
        return np.array(
            [fn(f, f.a) if f.a >= 0 else math.nan for f in self.frames(on)], dtype=np.float64
        )

    def context(self, program_id: str, on: dt.date | None = None) -> ScalarContext:
        """A program's context on household 0 (explanations read parts and nodes through it)."""
        return ScalarContext(self, self.compiled.catalog.programs[program_id], self.frames(on)[0])

    def variants(self, found: Sequence[Answered]) -> ScalarVariants:
        """Household 0 and one variant per representative answer of each candidate."""
        return ScalarVariants(self, found)

    def node_values(self, ctx: Any, expr: Expr) -> Array:
        """An expression node's values on every row of its scope (for explanations)."""
        return ctx.node(expr, "u")  # type: ignore[no-any-return]

    def node_bounds(self, ctx: Any, expr: Expr) -> Bounds:
        """An expression node's bounds on every row of its scope."""
        return ctx.node(expr, "b")  # type: ignore[no-any-return]


class Answered(Protocol):
    """An unknown fact and the representative answers tried for it (a next-question
    candidate: ``engine.eligibility.next_question.Candidate``)."""

    fact: str
    person: int | None
    samples: tuple[float, ...]


class ScalarVariants:
    """Household 0 followed by one variant per (candidate, answer), as ``with_variants`` lays
    them out: each variant computes only what depends on the fact it answers."""

    def __init__(self, run: ScalarRun, found: Sequence[Answered]) -> None:
        self.run = run
        self.found = found
        self._frames: dict[dt.date | None, list[Frame]] = {}

    def frames(self, on: dt.date | None) -> list[Frame]:
        """Household 0 and its variants on ``on``."""
        found = self._frames.get(on)
        if found is None:
            code = self.run.code
            base = self.run.frames(on)[0]
            found = [base]
            for candidate in self.found:
                slots = [i for (name, _), i in code.slots.facts.items() if name == candidate.fact]
                dirty = code.dirty(candidate.fact)
                found += [
                    base.variant(slots, candidate.person, sample, dirty)
                    for sample in candidate.samples
                ]
            self._frames[on] = found
        return found

    def per_household(self, program_id: str, part: Part, on: dt.date | None = None) -> Array:
        """A program's part for household 0 and each variant (a person program's applicant)."""
        fn = self.run._fn("u", program_id, part)
        frames = self.frames(on)
        if self.run.compiled.programs[program_id] == "household":
            return np.array([fn(f, 0) for f in frames], dtype=np.float64)
        return np.array([fn(f, f.a) if f.a >= 0 else math.nan for f in frames], dtype=np.float64)


class ScalarContext:
    """A program's parts and nodes on household 0 of a scalar run, as per-row arrays."""

    def __init__(self, run: ScalarRun, rules: ProgramRules, frame: Frame) -> None:
        self.run = run
        self.rules = rules
        self.frame = frame
        self.entity: Entity = rules.program.entity

    def _rows(self, scope: Entity) -> range:
        return range(1) if scope == "household" else self.frame.rows

    def part(self, part: Part) -> Array:
        """A part on every row of the program's entity."""
        fn = self.run.code.function("u", ("part", self.rules.id, part))
        return np.array([fn(self.frame, r) for r in self._rows(self.entity)], dtype=np.float64)

    def part_bounds(self, part: Part) -> Bounds:
        """A part's bounds on every row of the program's entity."""
        fn = self.run.code.function("b", ("part", self.rules.id, part))
        pairs = [fn(self.frame, r) for r in self._rows(self.entity)]
        return _split(pairs)

    def node(self, expr: Expr, kind: str) -> Any:
        """A node's values ("u") or bounds ("b") on every row of its scope."""
        code = self.run.code
        fn = code.function(kind, code.node(expr, self.rules))
        results = [fn(self.frame, r) for r in self._rows(expr.scope)]
        if kind == "b":
            return _split(results)
        return np.array(results, dtype=np.float64)


def _split(pairs: list[tuple[float, float]]) -> Bounds:
    return (
        np.array([lo for lo, _ in pairs], dtype=np.float64),
        np.array([hi for _, hi in pairs], dtype=np.float64),
    )
