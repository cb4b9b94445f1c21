"""A run of the generated one-household code with the surface of :class:`simulate.Run`.

Checks (statuses, amounts, explanations, missing facts, the next question) read a run through
``calculate``, ``per_household``, ``context`` and the node values an explanation asks for; this
run answers them from :class:`~engine.evaluation.scalar.Frame` objects, one per household and
day, instead of an OpenFisca simulation. Same answers (see tests/engine/evaluation/test_scalar.py).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Collection
from functools import cached_property
from typing import Any, Protocol

import numpy as np

from engine.catalog.facts import Entity
from engine.catalog.program import BENEFIT, STATUS, Part, ProgramRules
from engine.catalog.tree import Expr
from engine.errors import EvaluationError
from engine.evaluation.entities import MemberLists, Members
from engine.evaluation.population import Population
from engine.evaluation.scalar import DayValues, Frame, ScalarCode, frames
from engine.kleene import Array

__all__ = ["Answered", "DayVariants", "ScalarContext", "ScalarRun"]

Bounds = tuple[Array, Array]
#: at most this many (fact, program) hints kept (see ``DayVariants.decided``)
_HINTS = 16384


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
        self._variants: dict[dt.date | None, DayVariants] = {}
        #: per (program, part): its value function and whether it is a household's, the
        #: code's (shared by every run of it)
        self._firsts = code.firsts

    def release(self) -> None:
        """Drop the frames and next-question variants (a variant refers back to its run, so a
        finished run would otherwise wait for the cyclic garbage collector)."""
        self._frames.clear()
        self._variants.clear()

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
            return self.code.part_function(kind, program_id, part)
        except KeyError as exc:
            raise EvaluationError(program_id, f"no such program or part: {exc}") from exc

    def calculate(self, program_id: str, part: Part, on: dt.date | None = None) -> Array:
        """A program's part on every row of its entity (see ``Run.calculate``)."""
        fn = self._fn("u", program_id, part)
        if self.compiled.programs[program_id] == "household":
            return np.array([fn(f, 0) for f in self.frames(on)], dtype=np.float64)
        return np.array([fn(f, r) for f in self.frames(on) for r in f.rows], dtype=np.float64)

    def calculate_at(
        self, program_id: str, part: Part, rows: list[int], on: dt.date | None = None
    ) -> list[float]:
        """A program's part on some rows of its entity only (household 0's persons: a check
        reports a person program for the adults, not the children)."""
        fn, frame = self._fn("u", program_id, part), self.frames(on)[0]
        return [float(fn(frame, row)) for row in rows]

    def first(self, program_id: str, part: Part, on: dt.date | None = None) -> float:
        """Household 0's value of a program's part (for a person program, its applicant's):
        ``per_household(...)[0]`` without an array (a check reads it for every program, for
        two parts: one lookup finds the function and the row)."""
        found = self._firsts.get((program_id, part))
        if found is None:
            household = self.compiled.programs.get(program_id) == "household"
            found = self._firsts[(program_id, part)] = (
                self._fn("u", program_id, part),
                household,
            )
        frames = self._frames.get(on or self.population.as_of)
        frame = (frames or self.frames(on))[0]
        if found[1]:
            return float(found[0](frame, 0))
        return float(found[0](frame, frame.a)) if frame.a >= 0 else math.nan

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

    def results(
        self, on: dt.date | None = None, programs: Collection[str] | None = None
    ) -> dict[str, dict[str, Array]]:
        """Every program's (or only ``programs``') status and benefit per household, and per
        person for person programs (a household is eligible when a member is, Kleene; its
        benefit is the sum), as ``evaluate_population`` lays them out."""
        frames = self.frames(on)
        out: dict[str, dict[str, Array]] = {
            "status": {},
            "benefit": {},
            "person_status": {},
            "person_benefit": {},
        }
        for pid, entity in self.compiled.programs.items():
            if programs is not None and pid not in programs:
                continue
            status, benefit = self._fn("u", pid, STATUS), self._fn("u", pid, BENEFIT)
            if entity == "household":
                out["status"][pid] = np.array([status(f, 0) for f in frames])
                out["benefit"][pid] = np.array([benefit(f, 0) for f in frames])
                continue
            statuses = [[status(f, r) for r in f.rows] for f in frames]
            benefits = [[benefit(f, r) for r in f.rows] for f in frames]
            out["person_status"][pid] = np.array([v for one in statuses for v in one])
            out["person_benefit"][pid] = np.array([v for one in benefits for v in one])
            out["status"][pid] = np.array([_kleene_any(one) for one in statuses])
            out["benefit"][pid] = np.array(
                [sum(one, 0.0) for one in benefits]
            )  # in order, as bincount
        return out

    def variants(self, on: dt.date | None) -> DayVariants:
        """Household 0 on ``on`` and its variants, one per answer tried for a next-question
        candidate, each made when an outcome asks for it."""
        found = self._variants.get(on)
        if found is None:
            found = self._variants[on] = DayVariants(self, on)
        return found

    @cached_property
    def member_lists(self) -> MemberLists:
        """The membership indices as lists (explanations go one row at a time)."""
        return self.members.lists()

    def node_values(self, ctx: Any) -> Callable[[Expr, int], float]:
        """A reader of node values by row of their scope, in a program's context (for
        explanations): the node's generated function on the context's frame."""
        rules, frame = ctx.rules, ctx.frame
        functions = self.code.node_functions("u", rules)

        def read(expr: Expr, row: int) -> float:
            fn = functions.get(id(expr)) or self.code.node_function("u", expr, rules)
            return float(fn(frame, row))

        return read

    def node_bound(self, ctx: Any, expr: Expr, row: int) -> tuple[float, float]:
        """An expression node's bounds on one row of its scope."""
        lo, hi = ctx.node_fn(expr, "b")(ctx.frame, row)
        return float(lo), float(hi)


class Answered(Protocol):
    """An unknown fact and the representative answers tried for it (a next-question
    candidate: ``engine.eligibility.next_question.Candidate``)."""

    @property
    def fact(self) -> str:
        """The fact's name."""

    @property
    def person(self) -> int | None:
        """The person it is about (None: a household fact)."""

    @property
    def samples(self) -> tuple[float, ...]:
        """The answers tried."""


class DayVariants:
    """The variants of household 0 on one day (``next_question.Outcomes``)."""

    def __init__(self, run: ScalarRun, day: dt.date | None) -> None:
        self.run = run
        self.base = run.frames(day)[0]
        self._frames: dict[tuple[int, int], Frame] = {}
        self._dirty: dict[int, tuple[frozenset[int], frozenset[int]]] = {}
        self._programs: dict[str, tuple[Any, Any, int, int]] = {}
        self._slots: dict[str, list[int]] = {}

    def _program(self, program: str) -> tuple[Any, Any, int, int]:
        found = self._programs.get(program)
        if found is None:
            run = self.run
            row = 0 if run.compiled.programs[program] == "household" else self.base.a
            found = self._programs[program] = (
                run._fn("u", program, STATUS),
                run._fn("u", program, BENEFIT),
                run.code.unit_of(("part", program, STATUS)),
                row,
            )
        return found

    def _variant(self, index: int, candidate: Answered, sample: int) -> Frame:
        found = self._frames.get((index, sample))
        if found is None:
            slots = self._slots.get(candidate.fact)
            if slots is None:
                slots = self._slots[candidate.fact] = self.run.code.fact_slots(candidate.fact)
            dirty = self._dirty[index]
            found = self._frames[(index, sample)] = self.base.variant(
                slots, candidate.person, candidate.samples[sample], dirty
            )
            native = self.run.code.native
            if native is not None and self.base.h is not None:
                found.h = native.variant(
                    self.base.h,
                    slots,
                    -1 if candidate.person is None else candidate.person,
                    candidate.samples[sample],
                    *native.dirty(dirty),
                    found.w,
                )
        return found

    def decided(self, index: int, candidate: Answered, program: str) -> list[float] | None:
        """The program's benefit under each of the candidate's answers when every one of them
        determines it; None as soon as one does not (the rest are not computed)."""
        status, benefit, unit, row = self._program(program)
        if row < 0:
            return None
        dirty = self._dirty.get(index)
        if dirty is None:
            dirty = self._dirty[index] = self.run.code.dirty(candidate.fact)
        if unit not in dirty[0]:  # no answer of this fact changes the program
            if math.isnan(status(self.base, row)):
                return None
            return [float(benefit(self.base, row))] * len(candidate.samples)
        # the answer that left the program undetermined last time is tried first: most pairs
        # are not decided, and one undetermined answer is enough to know it (the same result
        # whatever the order: each answer is a frame of its own)
        hints = self.run.code.hints
        hint = hints.get((candidate.fact, program))
        if (
            hint is not None
            and hint < len(candidate.samples)
            and math.isnan(status(self._variant(index, candidate, hint), row))
        ):
            return None
        out = []
        for sample in range(len(candidate.samples)):
            frame = self._variant(index, candidate, sample)
            if math.isnan(status(frame, row)):
                if len(hints) >= _HINTS:
                    hints.clear()
                hints[(candidate.fact, program)] = sample
                return None
            out.append(float(benefit(frame, row)))
        return out


class ScalarContext:
    """A program's parts and nodes on household 0 of a scalar run, as per-row arrays."""

    def __init__(self, run: ScalarRun, rules: ProgramRules, frame: Frame) -> None:
        self.run = run
        self.rules = rules
        self.frame = frame
        self.entity: Entity = rules.program.entity
        self._values = run.code.part_functions("u", rules.id)

    def _rows(self, scope: Entity) -> range:
        return range(1) if scope == "household" else self.frame.rows

    def part_at(self, part: Part, row: int) -> float:
        """A part on one row."""
        fn = self._values.get(part)
        if fn is None:
            fn = self.run.code.part_function("u", self.rules.id, part)
        return float(fn(self.frame, row))

    def part_bounds_at(self, part: Part, row: int) -> tuple[float, float]:
        """A part's bounds on one row."""
        lo, hi = self.run.code.part_function("b", self.rules.id, part)(self.frame, row)
        return float(lo), float(hi)

    def node_fn(self, expr: Expr, kind: str) -> Any:
        """A node's value ("u") or bounds ("b") function."""
        return self.run.code.node_function(kind, expr, self.rules)


def _kleene_any(values: list[float]) -> float:
    """``Members.kleene_any`` for one household."""
    if 1.0 in values:
        return 1.0
    return math.nan if any(v != v for v in values) else 0.0
