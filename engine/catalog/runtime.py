"""What runs inside a simulation: reading variables, and each program's evaluation context.

A program's formulas share one evaluation context per (simulation, program, day): its named
variables, criteria, amount and scope are computed there once. Every read of an OpenFisca
variable goes through a per-simulation memo, and the engine's own formulas are called directly
(see :func:`read_variable`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from openfisca_core import periods

from engine.catalog.entities import Members
from engine.catalog.facts import FACTS, Entity
from engine.catalog.loader import ProgramRules
from engine.catalog.vectorize import Compiled, age_at
from engine.kleene import Array, to_days

__all__ = [
    "DIRECT_DISPATCH",
    "ProgramCode",
    "days_of",
    "members_of",
    "period_of",
    "program_context",
    "read_variable",
    "variable_name",
]

_INPUTS = frozenset(f.name for f in FACTS.values() if not f.derived)


def variable_name(program_id: str, part: str) -> str:
    """The OpenFisca variable holding ``part`` of a program (``status``, ``amount``, ``crit__x``).

    Examples:
        >>> variable_name("ca_ccb", "status")
        'ca_ccb__status'
    """
    return f"{program_id}__{part}"


#: Call the engine's own formulas directly instead of through ``Simulation.calculate``.
#: Results are identical (a test runs both ways); a variable replaced by a reform always goes
#: through OpenFisca. Switch off to trace a run with OpenFisca's own tools.
DIRECT_DISPATCH = True


def read_variable(simulation: Any, entity: str, name: str, period: Any) -> Array:
    """An OpenFisca variable's values, computed once per simulation and period.

    Stated facts come straight from their holders (NaN where unset). A variable whose only
    formula is one the engine generated is computed by calling that formula: OpenFisca's
    dispatch (period checks, tracing, holder bookkeeping) costs tens of microseconds a call,
    which is most of a one-household check. Anything else, such as a formula a reform
    installed, goes through ``Simulation.calculate``.
    """
    memo: dict[tuple[str, Any], Array] = simulation.lifeevents_memo
    key = (name, period)
    values = memo.get(key)
    if values is not None:
        return values
    population = simulation.populations[entity]
    if name in _INPUTS:
        values = simulation.get_holder(name).get_array(period)
        if values is None:
            values = np.full(population.count, np.nan)
    else:
        formula = _own_formula(simulation.tax_benefit_system, name) if DIRECT_DISPATCH else None
        if formula is not None:
            parameters = simulation.tax_benefit_system.get_parameters_at_instant
            values = np.asarray(formula(population, period, parameters), dtype=np.float64)
        else:
            values = np.asarray(simulation.calculate(name, period))
    memo[key] = values
    return values


def _own_formula(system: Any, name: str) -> Any:
    formulas = system.get_variable(name).formulas
    if len(formulas) != 1:
        return None
    formula = formulas.peekitem(0)[1]
    return formula if getattr(formula, "lifeevents_own", False) else None


@lru_cache(maxsize=4096)
def period_of(text: str) -> Any:
    """An OpenFisca period from its text, parsed once (parsing costs tens of microseconds)."""
    return periods.period(text)


def members_of(population: Any) -> Members:
    """The membership arrays the simulation was built with."""
    members: Members = population.simulation.lifeevents_members
    return members


def days_of(instant: Any) -> float:
    """An OpenFisca instant as days since 1970-01-01 (the array encoding of dates)."""
    return to_days(instant.date)


class _Context:
    """An :class:`~engine.catalog.vectorize.EvalContext` over a running OpenFisca simulation.

    One context per (simulation, program, day), kept on the simulation: a program's intermediate
    variables, criteria, amount and scope are computed once into ``values`` and ``parts``, and
    every OpenFisca read goes through :func:`read_variable`.
    """

    def __init__(self, program: ProgramCode, simulation: Any, period: Any) -> None:
        self.rules = program.rules
        self.code = program
        self.simulation = simulation
        self.members: Members = simulation.lifeevents_members
        self.period = period
        year = self.rules.program.income_year.base_year(period.start.date)
        self.base_year = period_of(str(year))
        self.values: dict[str, Array] = {}
        self.parts: dict[str, Array] = {}
        self.facts: dict[tuple[str, Entity], Array] = {}
        self.params: dict[str, float] = {}
        self.tables: dict[str, tuple[Array, Array]] = {}
        self.entity: Entity = self.rules.program.entity
        self.node_memo: dict[int, Array] | None = getattr(simulation, "lifeevents_node_memo", None)
        self._node: Any = None

    def size(self, scope: Entity) -> int:
        return int(self.simulation.populations[scope].count)

    def constant(self, scope: Entity, value: float) -> Array:
        constants: dict[tuple[str, float], Array] = self.simulation.lifeevents_constants
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
            fact = FACTS[name]
            period = self.base_year if fact.yearly else self.period
            values = self._project(self.read(fact.entity, name, period), fact.entity, scope)
            self.facts[key] = values
        return values

    def _parameter_node(self) -> Any:
        if self._node is None:
            at = self.simulation.tax_benefit_system.get_parameters_at_instant(self.period.start)
            self._node = getattr(at, self.rules.id)
        return self._node

    def param(self, name: str) -> float:
        value = self.params.get(name)
        if value is None:
            value = float(getattr(self._parameter_node(), name))
            self.params[name] = value
        return value

    def table(self, name: str) -> tuple[Array, Array]:
        """A table parameter as sorted keys and their values, read once per context."""
        cached = self.tables.get(name)
        if cached is None:
            node = getattr(self._parameter_node(), name)
            rows = sorted((int(key[1:]), float(value)) for key, value in node._children.items())
            cached = (
                np.array([k for k, _ in rows], dtype=np.float64),
                np.array([v for _, v in rows]),
            )
            self.tables[name] = cached
        return cached

    def part(self, name: str) -> Array:
        """A criterion (``crit__<id>``), the ``amount`` or the ``scope``, computed once."""
        values = self.parts.get(name)
        if values is None:
            values = self.code.parts[name](self)
            self.parts[name] = values
        return values

    def var(self, name: str, scope: Entity) -> Array:
        values = self.values.get(name)
        if values is None:
            values = self.code.variables[name](self)
            self.values[name] = values
        return values if scope == self.entity else self._project(values, self.entity, scope)

    def program(self, program_id: str, what: str, scope: Entity) -> Array:
        entity = self.simulation.lifeevents_programs[program_id]
        values = self.read(entity, variable_name(program_id, what), self.period)
        return self._project(values, entity, scope)

    def age_on(self, scope: Entity, when: Array) -> Array:
        births = self.fact("date_of_birth", scope)
        if len(when) == 0 or not (when == when[0]).all():
            return age_at(births, when)
        memo: dict[tuple[str, Any], Array] = self.simulation.lifeevents_memo
        key = (f"age_on:{scope}", float(when[0]))
        ages = memo.get(key)
        if ages is None:
            ages = age_at(births, when)
            memo[key] = ages
        return ages

    def day(self, name: str) -> float:
        on = self.period.start.date
        if name == "month_start":
            return to_days(on.replace(day=1))
        if name == "year_start":
            return to_days(on.replace(month=1, day=1))
        if name == "year_end":
            return to_days(on.replace(month=12, day=31))
        return to_days(on)


@dataclass(frozen=True)
class ProgramCode:
    """A program's compiled intermediate variables (evaluated inside contexts, not OpenFisca)."""

    rules: ProgramRules
    variables: dict[str, Compiled]
    parts: dict[str, Compiled]


def program_context(program: ProgramCode, simulation: Any, period: Any) -> _Context:
    contexts: dict[tuple[str, Any], _Context] = simulation.lifeevents_contexts
    key = (program.rules.id, period)
    context = contexts.get(key)
    if context is None:
        context = _Context(program, simulation, period)
        contexts[key] = context
    return context
