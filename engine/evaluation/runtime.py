"""What runs inside a simulation: reading variables, and each program's evaluation context.

A program's formulas share one evaluation context per (simulation, program, day): its named
variables, criteria, amount and scope are computed there once. Every read of an OpenFisca
variable goes through a per-simulation memo, and the engine's own formulas are called directly
(see :func:`read_variable`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from openfisca_core.errors import ParameterNotFoundError

from engine.catalog.facts import Entity, FactRegistry
from engine.catalog.program import (
    AMOUNT,
    BENEFIT,
    IN_FORCE,
    JURISDICTION,
    SCOPE,
    STATUS,
    Part,
)
from engine.evaluation import intervals as interval
from engine.evaluation.entities import Members
from engine.evaluation.intervals import Bounds, known_or, refined
from engine.evaluation.periods import day, period_of
from engine.evaluation.program_code import ProgramCode, own_formula
from engine.evaluation.vectorize import age_at
from engine.kleene import Array

__all__ = ["RunState", "program_context", "read_variable", "refined_status"]


@dataclass
class RunState:
    """What the engine keeps on one OpenFisca simulation (``simulation.lifeevents``).

    Attributes:
        facts: the catalog's fact registry (which variables are stated inputs).
        members: household membership arrays.
        programs: each program's entity.
        direct: call the engine's own formulas without OpenFisca's dispatch (see
            :func:`read_variable`); off, every read goes through ``Simulation.calculate``
            (for OpenFisca's tracer). Results are identical; a test runs both ways.
        node_memo: per evaluation day, the values of expression nodes (explanations reuse
            them); ``None`` in population runs, where it would hold one array per node.
        codes: every program's compiled code (bounds read other programs through it).
        as_of_days: the profiles' date, which the facts' domains are relative to.
    """

    facts: FactRegistry
    members: Members
    programs: dict[str, Entity]
    codes: dict[str, ProgramCode]
    as_of_days: float
    direct: bool = True
    node_memo: dict[Any, dict[int, Array]] | None = None
    memo: dict[tuple[str, Any], Array] = field(default_factory=dict)
    bounds_memo: dict[tuple[Any, ...], Bounds] = field(default_factory=dict)
    contexts: dict[tuple[str, Any], _Context] = field(default_factory=dict)
    constants: dict[tuple[str, float], Array] = field(default_factory=dict)


def read_variable(simulation: Any, entity: str, name: str, period: Any) -> Array:
    """An OpenFisca variable's values, computed once per simulation and period.

    Stated facts come straight from their holders (NaN where unset). A variable whose only
    formula is one the engine generated is computed by calling that formula: OpenFisca's
    dispatch (period checks, tracing, holder bookkeeping) costs tens of microseconds a call,
    which is most of a one-household check. Anything else, such as a formula a reform
    installed, goes through ``Simulation.calculate``.
    """
    state: RunState = simulation.lifeevents
    key = (name, period)
    values = state.memo.get(key)
    if values is not None:
        return values
    population = simulation.populations[entity]
    if name in state.facts.inputs:
        values = simulation.get_holder(name).get_array(period)
        if values is None:
            values = np.full(population.count, np.nan)
    else:
        formula = own_formula(simulation.tax_benefit_system, name) if state.direct else None
        if formula is not None:
            parameters = simulation.tax_benefit_system.get_parameters_at_instant
            values = np.asarray(formula(population, period, parameters), dtype=np.float64)
        else:
            values = np.asarray(simulation.calculate(name, period))
    state.memo[key] = values
    return values


class _Context:
    """An :class:`~engine.evaluation.vectorize.EvalContext` over a running OpenFisca simulation.

    One context per (simulation, program, day), kept on the simulation: a program's intermediate
    variables, criteria, amount and scope are computed once into ``values`` and ``parts``, and
    every OpenFisca read goes through :func:`read_variable`.
    """

    def __init__(self, program: ProgramCode, simulation: Any, period: Any) -> None:
        self.rules = program.rules
        self.code = program
        self.simulation = simulation
        self.state: RunState = simulation.lifeevents
        self.members: Members = self.state.members
        self.period = period
        year = self.rules.program.income_year.base_year(period.start.date)
        self.base_year = period_of(str(year))
        self.values: dict[str, Array] = {}
        self.parts: dict[Part, Array] = {}
        self.raw_parts: dict[Part, Array] = {}
        self.facts: dict[tuple[str, Entity], Array] = {}
        self.params: dict[tuple[str, str], float] = {}
        self.tables: dict[tuple[str, str], tuple[Array, Array]] = {}
        self.entity: Entity = self.rules.program.entity
        # node values are kept per day: a node's value on one date is not its value on another
        memo = self.state.node_memo
        self.node_memo: dict[int, Array] | None = (
            None if memo is None else memo.setdefault(period, {})
        )
        self._nodes: dict[str, Any] = {}
        self.bounds: dict[Part, Bounds] = {}
        self.value_bounds: dict[str, Bounds] = {}

    def size(self, scope: Entity) -> int:
        return int(self.simulation.populations[scope].count)

    def constant(self, scope: Entity, value: float) -> Array:
        constants = self.state.constants
        key = (scope, value)
        values = constants.get(key)
        if values is None:
            values = np.full(self.size(scope), value)
            values.flags.writeable = False  # shared: an accidental in-place write must fail loudly
            constants[key] = values
        return values

    def read(self, entity: str, name: str, period: Any) -> Array:
        """An OpenFisca variable, through the simulation-wide memo."""
        return read_variable(self.simulation, entity, name, period)

    def _project(self, values: Array, source: Entity, scope: Entity) -> Array:
        if source == scope:
            return values
        if source == "household":  # household value for each of its members
            return values[self.members.household_of]
        return self.members.member_value(values, self.members.applicant)

    def fact(self, name: str, scope: Entity) -> Array:
        key = (name, scope)
        values = self.facts.get(key)
        if values is None:
            fact = self.state.facts[name]
            period = self.base_year if fact.yearly else self.period
            values = self._project(self.read(fact.entity, name, period), fact.entity, scope)
            self.facts[key] = values
        return values

    def _parameter_node(self, program: str) -> Any:
        node = self._nodes.get(program)
        if node is None:
            at = self.simulation.tax_benefit_system.get_parameters_at_instant(self.period.start)
            node = self._nodes[program] = getattr(at, program)
        return node

    def param(self, program: str, name: str) -> float:
        key = (program, name)
        value = self.params.get(key)
        if value is None:
            try:
                value = float(getattr(self._parameter_node(program), name))
            except ParameterNotFoundError:  # before a program's start: no value, not in force
                value = math.nan
            self.params[key] = value
        return value

    def table(self, program: str, name: str) -> tuple[Array, Array]:
        """A table parameter as sorted keys and their values, read once per context.

        Only the rows of the value in force count: a row dropped by a later value is gone.
        """
        key = (program, name)
        cached = self.tables.get(key)
        if cached is None:
            try:
                node = getattr(self._parameter_node(program), name)
            except ParameterNotFoundError:  # before a program's start: one unknown row
                cached = self.tables[key] = (np.zeros(1), np.full(1, np.nan))
                return cached
            rows = sorted(
                (int(row[1:]), float(value))
                for row, value in node._children.items()
                if value is not None
            )
            cached = (
                np.array([k for k, _ in rows], dtype=np.float64),
                np.array([v for _, v in rows]),
            )
            self.tables[key] = cached
        return cached

    def part(self, part: Part) -> Array:
        """A criterion, the amount, the scope or the jurisdiction test, computed once.

        Where the three-valued value is unknown but every completion of the unknown facts gives
        the same value (``0 * unknown``), that value is known: see :mod:`bounds`.
        """
        values = self.parts.get(part)
        if values is None:
            values = self._raw(part)
            if np.isnan(values).any():
                values = refined(values, self.part_bounds(part))
            self.parts[part] = values
        return values

    def _raw(self, part: Part) -> Array:
        """A part's three-valued value, before bounds fill anything in."""
        values = self.raw_parts.get(part)
        if values is None:
            values = self.raw_parts[part] = self.code.parts[part](self)
        return values

    def part_at(self, part: Part, row: int) -> float:
        """A part on one row."""
        return float(self.part(part)[row])

    def part_bounds_at(self, part: Part, row: int) -> tuple[float, float]:
        """A part's bounds on one row."""
        lo, hi = self.part_bounds(part)
        return float(lo[row]), float(hi[row])

    def part_bounds(self, part: Part) -> Bounds:
        """A part's bounds over every completion of the unknown facts (computed once)."""
        found = self.bounds.get(part)
        if found is None:
            if part == STATUS:
                found = self._status_bounds()
            elif part == BENEFIT:
                found = self._benefit_bounds()
            else:
                raw = self._raw(part)
                found = known_or(raw, lambda: self.code.bounds[part](self))
            self.bounds[part] = found
        return found

    def _status_bounds(self) -> Bounds:
        """The status formula on bounds (see ``compiler._status_formula``)."""
        program = self.rules.program
        parts = [self.part_bounds(Part.criterion(c.id)) for c in program.eligibility]
        if not program.in_kind:
            amount = self.part_bounds(AMOUNT)
            parts.append(interval.compare(">", amount, (np.zeros(1), np.zeros(1))))
        lo, hi = interval.and_(*parts)
        if program.scope is not None:  # outside the scope only "not eligible" is an answer
            lo = np.where(self.part_bounds(SCOPE)[0] == 1.0, lo, 0.0)
        gates = [self.part_bounds(JURISDICTION)]
        if self.rules.in_force is not None:
            gates.append(self.part_bounds(IN_FORCE))
        return interval.and_(*gates, (lo, hi))

    def _benefit_bounds(self) -> Bounds:
        status_lo, status_hi = self.part_bounds(STATUS)
        if self.rules.program.in_kind:
            zero = np.zeros(len(status_lo))
            return zero, zero
        amount_lo, amount_hi = self.part_bounds(AMOUNT)
        always, never = status_lo == 1.0, status_hi == 0.0
        lo = np.where(always, amount_lo, np.where(never, 0.0, np.minimum(amount_lo, 0.0)))
        hi = np.where(always, amount_hi, np.where(never, 0.0, np.maximum(amount_hi, 0.0)))
        return lo, hi

    def fact_bounds(self, name: str, scope: Entity) -> Bounds:
        fact = self.state.facts[name]
        key = ("fact", name, scope, self.base_year if fact.yearly else self.period)
        found = self.state.bounds_memo.get(key)
        if found is None:
            domain = interval.domain_bounds(fact, self.state.as_of_days)
            found = interval.with_domain(self.fact(name, scope), domain)
            self.state.bounds_memo[key] = found
        return found

    def age_bounds(self, scope: Entity, when: Bounds) -> Bounds:
        """Ages on ``when``: the (memoized) ages where births are known, bounds elsewhere."""
        when_lo, when_hi = when
        if len(when_lo) == 0 or not ((when_lo == when_hi) & (when_lo == when_lo[0])).all():
            return interval.age_bounds(self.fact_bounds("date_of_birth", scope), when)
        key = ("age", scope, float(when_lo[0]))
        found = self.state.bounds_memo.get(key)
        if found is None:
            ages = self.age_on(scope, when_lo)
            unknown = np.isnan(ages)
            found = (ages, ages)
            if unknown.any():
                lo, hi = self.fact_bounds("date_of_birth", scope)
                some = interval.age_bounds(
                    (lo[unknown], hi[unknown]), (when_lo[unknown], when_hi[unknown])
                )
                found = (ages.copy(), ages.copy())
                found[0][unknown], found[1][unknown] = some
            self.state.bounds_memo[key] = found
        return found

    def var_bounds(self, name: str, scope: Entity) -> Bounds:
        found = self.value_bounds.get(name)
        if found is None:
            values = self.var(name, self.entity)
            found = known_or(values, lambda: self.code.variable_bounds[name](self))
            self.value_bounds[name] = found
        if scope == self.entity:
            return found
        return self._project(found[0], self.entity, scope), self._project(
            found[1], self.entity, scope
        )

    def program_bounds(self, program_id: str, part: Part, scope: Entity) -> Bounds:
        """Another program's part: its value where known, its bounds where not."""
        point = self.program(program_id, part, scope)
        if not np.isnan(point).any():
            return point, point
        other = program_context(self.state.codes[program_id], self.simulation, self.period)
        lo, hi = other.part_bounds(part)
        entity = self.state.programs[program_id]
        lo, hi = self._project(lo, entity, scope), self._project(hi, entity, scope)
        known = ~np.isnan(point)
        return np.where(known, point, lo), np.where(known, point, hi)

    def var(self, name: str, scope: Entity) -> Array:
        values = self.values.get(name)
        if values is None:
            values = self.code.variables[name](self)
            self.values[name] = values
        return values if scope == self.entity else self._project(values, self.entity, scope)

    def program(self, program_id: str, part: Part, scope: Entity) -> Array:
        entity = self.state.programs[program_id]
        values = self.read(entity, part.variable(program_id), self.period)
        return self._project(values, entity, scope)

    def age_on(self, scope: Entity, when: Array) -> Array:
        births = self.fact("date_of_birth", scope)
        if len(when) == 0 or not (when == when[0]).all():
            return age_at(births, when)
        memo = self.state.memo
        key = (f"age_on:{scope}", float(when[0]))
        ages = memo.get(key)
        if ages is None:
            ages = age_at(births, when)
            memo[key] = ages
        return ages

    def day(self, name: str) -> float:
        return day(self.period.start, name)


def refined_status(values: Array, context: _Context) -> Array:
    """A status array with the unknowns that bounds decide filled in."""
    if not np.isnan(values).any():
        return values
    return refined(values, context.part_bounds(STATUS))


def program_context(program: ProgramCode, simulation: Any, period: Any) -> _Context:
    """The evaluation context of a program on one day, created on first use."""
    contexts: dict[tuple[str, Any], _Context] = simulation.lifeevents.contexts
    key = (program.rules.id, period)
    context = contexts.get(key)
    if context is None:
        context = _Context(program, simulation, period)
        contexts[key] = context
    return context
