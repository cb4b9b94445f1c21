"""Run a compiled catalog on a population: build the OpenFisca simulation and calculate.

One run can be asked about several days (a life event's follow-ups, a timeline): every value is
kept per day, so the answer for one date never leaks into another.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import cached_property
from typing import Any

import numpy as np
from openfisca_core.simulations import Simulation

from engine.catalog.program import Part
from engine.catalog.tree import Expr
from engine.errors import EvaluationError, LifeEventsError
from engine.evaluation.compiler import CompiledSystem
from engine.evaluation.entities import MemberLists, Members
from engine.evaluation.periods import period_of
from engine.evaluation.population import Population
from engine.evaluation.runtime import RunState, program_context, read_variable
from engine.evaluation.scalar_run import ScalarRun
from engine.kleene import Array, to_days

__all__ = ["HouseholdRun", "Run", "household_run", "simulate"]

_RESULTS = ("status", "benefit")


class Run:
    """A simulation of one population, evaluated lazily on any day and cached per day."""

    def __init__(
        self,
        compiled: CompiledSystem,
        population: Population,
        *,
        explain: bool = False,
    ) -> None:
        self.compiled = compiled
        self.population = population
        self.members = Members.build(
            population.household_of, population.role, population.n_households
        )
        self.state = RunState(
            compiled.catalog.facts,
            self.members,
            compiled.programs,
            compiled.codes,
            to_days(population.as_of),
            direct=compiled.direct_dispatch,
            node_memo={} if explain else None,
        )
        self.simulation = _build(compiled, population, self.state)

    def _day(self, on: dt.date | None) -> object:
        return period_of((on or self.population.as_of).isoformat())

    def calculate(self, program_id: str, part: Part, on: dt.date | None = None) -> Array:
        """A program's part (status, benefit, a criterion…) on ``on`` (default: ``as_of``).

        Raises:
            EvaluationError: the program or part does not exist, or OpenFisca failed.
        """
        try:
            entity = self.compiled.programs[program_id]
            if part.kind not in _RESULTS:  # computed once in the program's context
                code = self.compiled.codes[program_id]
                return np.asarray(program_context(code, self.simulation, self._day(on)).part(part))
            return read_variable(self.simulation, entity, part.variable(program_id), self._day(on))
        except LifeEventsError:
            raise
        except KeyError as exc:
            raise EvaluationError(program_id, f"no such program or part: {exc}") from exc
        except Exception as exc:  # openfisca-core errors must not cross the engine boundary
            raise EvaluationError(program_id, f"{type(exc).__name__}: {exc}") from exc

    def calculate_at(
        self, program_id: str, part: Part, rows: list[int], on: dt.date | None = None
    ) -> list[float]:
        """A program's part on some rows of its entity (see :meth:`calculate`)."""
        return [float(v) for v in self.calculate(program_id, part, on)[rows]]

    def release(self) -> None:
        """Drop every array the run holds (its memos and OpenFisca's holders).

        A simulation, its populations and the engine's contexts refer to one another, so a
        finished run is freed only by a full collection of the cyclic garbage collector, which
        comes rarely once a large catalog is loaded: a population evaluated chunk after chunk
        would otherwise keep each chunk's arrays (about 0.2 GiB per 10,000 households) until
        then. Results already read stay valid.
        """
        state = self.state
        for memo in (state.memo, state.bounds_memo, state.contexts, state.constants):
            memo.clear()
        if state.node_memo is not None:
            state.node_memo.clear()
        for population in self.simulation.populations.values():
            population._holders.clear()

    def first(self, program_id: str, part: Part, on: dt.date | None = None) -> float:
        """Household 0's value of a program's part (for a person program, its applicant's)."""
        return float(self.per_household(program_id, part, on)[0])

    def per_household(self, program_id: str, part: Part, on: dt.date | None = None) -> Array:
        """A program's part per household (for a person program, the applicant's)."""
        values = self.calculate(program_id, part, on)
        if self.compiled.programs[program_id] == "person":
            return self.members.member_value(values, self.members.applicant)
        return values

    def context(self, program_id: str, on: dt.date | None = None) -> object:
        """A program's evaluation context on a day (explanations evaluate sub-expressions in it)."""
        return program_context(self.compiled.codes[program_id], self.simulation, self._day(on))

    @cached_property
    def member_lists(self) -> MemberLists:
        """The membership indices as lists (explanations go one row at a time)."""
        return self.members.lists()

    def node_values(self, ctx: Any) -> Callable[[Expr, int], float]:
        """A reader of node values by row of their scope, in a program's context (each node
        computed once, for every row)."""
        arrays: dict[int, Array] = {}
        explain_fn = self.compiled.explain_fn

        def read(expr: Expr, row: int) -> float:
            values = arrays.get(id(expr))
            if values is None:
                values = arrays[id(expr)] = explain_fn(expr)(ctx)
            return float(values[row])

        return read

    def node_bound(self, ctx: Any, expr: Expr, row: int) -> tuple[float, float]:
        """An expression node's bounds on one row of its scope, in a program's context."""
        lo, hi = self.compiled.bounds_fn(expr)(ctx)
        return float(lo[row]), float(hi[row])


def _build(compiled: CompiledSystem, population: Population, state: RunState) -> Simulation:
    populations = compiled.system.instantiate_entities()
    persons, households = populations["person"], populations["household"]
    persons.ids = np.arange(population.n_persons)
    persons.count = population.n_persons
    households.ids = np.arange(population.n_households)
    households.count = population.n_households
    households.members_entity_id = population.household_of
    simulation = Simulation(compiled.system, populations)
    simulation.lifeevents = state
    eternity = period_of("eternity")
    simulation.set_input("role", eternity, population.role.astype(np.float64))
    for name, values in population.person.items():
        simulation.set_input(name, eternity, values)
    for name, by_year in population.yearly.items():
        for year, values in by_year.items():
            simulation.set_input(name, period_of(str(year)), values)
    for name, values in population.household.items():
        simulation.set_input(name, eternity, values)
    return simulation


def simulate(compiled: CompiledSystem, population: Population, *, explain: bool = False) -> Run:
    """Prepare a run; nothing is calculated until a result is asked for.

    ``explain`` keeps every expression node's values (per day) so explanations reuse them; leave
    it off for populations, where it would hold one array per node.
    """
    return Run(compiled, population, explain=explain)


#: a run of a few households: generated one-household code, or OpenFisca where it must
HouseholdRun = Run | ScalarRun

#: past this many households a vectorized run is cheaper than one household at a time
SCALAR_HOUSEHOLDS = 64


def household_run(
    compiled: CompiledSystem, population: Population, *, explain: bool = True
) -> HouseholdRun:
    """A run of a few households: the generated one-household code (the same answers, many
    times faster on one household), or a vectorized run (keeping every node for explanations
    if ``explain``) when the code cannot be used: OpenFisca's dispatch asked for, a reformed
    formula, more than :data:`SCALAR_HOUSEHOLDS` households."""
    scalar = compiled.scalar() if population.n_households <= SCALAR_HOUSEHOLDS else None
    if scalar is None:
        return Run(compiled, population, explain=explain)
    return ScalarRun(compiled, population, *scalar)
