"""Compile a catalog into one OpenFisca ``TaxBenefitSystem``.

Every stated fact is an input variable; every derived fact, program variable, criterion, amount,
scope and status is a vectorized formula. All values are ``float64`` three-valued arrays (NaN is
unknown, see :mod:`engine.kleene`). Parameters are OpenFisca parameters, so reforms are OpenFisca
reforms. Program formulas are defined per day: the rates in force on ``as_of``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from openfisca_core import periods
from openfisca_core.parameters import ParameterNode
from openfisca_core.periods import DateUnit
from openfisca_core.taxbenefitsystems import TaxBenefitSystem
from openfisca_core.variables import Variable

from engine import kleene
from engine.catalog.entities import HOUSEHOLD, PERSON, Members
from engine.catalog.facts import FACTS, ROLES, Entity, Fact
from engine.catalog.loader import Catalog, ProgramRules
from engine.catalog.vectorize import Compiled, age_at, compile_expr
from engine.kleene import Array

__all__ = [
    "CompiledSystem",
    "compile_catalog",
    "context_for",
    "period_of",
    "read_variable",
    "variable_name",
]

_EPOCH = dt.date(1970, 1, 1)
_ENTITIES = {"person": PERSON, "household": HOUSEHOLD}


def variable_name(program_id: str, part: str) -> str:
    """The OpenFisca variable holding ``part`` of a program (``status``, ``amount``, ``crit__x``).

    Examples:
        >>> variable_name("ca_ccb", "status")
        'ca_ccb__status'
    """
    return f"{program_id}__{part}"


class _Float(Variable):  # type: ignore[misc]
    """Base of every lifeevents variable: float64, NaN (unknown) by default."""

    def __init__(self, baseline_variable: Any = None) -> None:
        super().__init__(baseline_variable)
        self.dtype = np.float64  # OpenFisca's float32 would lose cents on large incomes


def _variable(name: str, entity: Entity, period: str, formula: Any = None, doc: str = "") -> type:
    attrs: dict[str, Any] = {
        "value_type": float,
        "default_value": np.nan,
        "entity": _ENTITIES[entity],
        "definition_period": DateUnit(period),
        "label": doc or name,
    }
    if formula is not None:
        formula.lifeevents_own = True  # see read_variable: safe to call without OpenFisca dispatch
        attrs["formula"] = formula
    return type(name, (_Float,), attrs)


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


def _read(population: Any, name: str, period: Any) -> Array:
    return read_variable(population.simulation, population.entity.key, name, period)


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


def _days(instant: Any) -> float:
    return float((instant.date - _EPOCH).days)


class _Context:
    """An :class:`~engine.catalog.vectorize.EvalContext` over a running OpenFisca simulation.

    One context per (simulation, program, day), kept on the simulation: a program's intermediate
    variables are computed once into ``values``, and every OpenFisca read goes through the
    simulation's memo, so formulas pay OpenFisca's dispatch cost once per variable.
    """

    def __init__(self, program: _ProgramCode, simulation: Any, period: Any) -> None:
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

    def table(self, name: str) -> dict[int, float]:
        node = getattr(self._parameter_node(), name)
        return {int(key[1:]): float(value) for key, value in node._children.items()}

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
            return float((on.replace(day=1) - _EPOCH).days)
        if name == "year_start":
            return float((on.replace(month=1, day=1) - _EPOCH).days)
        if name == "year_end":
            return float((on.replace(month=12, day=31) - _EPOCH).days)
        return float((on - _EPOCH).days)


@dataclass(frozen=True)
class _ProgramCode:
    """A program's compiled intermediate variables (evaluated inside contexts, not OpenFisca)."""

    rules: ProgramRules
    variables: dict[str, Compiled]
    parts: dict[str, Compiled]


def _context(program: _ProgramCode, simulation: Any, period: Any) -> _Context:
    contexts: dict[tuple[str, Any], _Context] = simulation.lifeevents_contexts
    key = (program.rules.id, period)
    context = contexts.get(key)
    if context is None:
        context = _Context(program, simulation, period)
        contexts[key] = context
    return context


def _part_formula(program: _ProgramCode, part: str) -> Any:
    def formula(population: Any, period: Any, parameters: Any) -> Array:
        return _context(program, population.simulation, period).part(part)

    return formula


def _status_formula(code: _ProgramCode) -> Any:
    program = code.rules.program
    criteria = [f"crit__{c.id}" for c in program.eligibility]

    def status(population: Any, period: Any, parameters: Any) -> Array:
        ctx = _context(code, population.simulation, period)
        parts = [ctx.part(name) for name in criteria]
        if not program.in_kind:
            amount = ctx.part("amount")
            parts.append(kleene.compare(">", amount, np.zeros_like(amount)))
        result = kleene.and_(*parts)
        if program.scope is not None:
            result = np.where(ctx.part("scope") == 1.0, result, np.nan)
        return result

    return status


def _benefit_formula(rules: ProgramRules) -> Any:
    pid = rules.id
    in_kind = rules.program.in_kind

    def benefit(population: Any, period: Any, parameters: Any) -> Array:
        status = _read(population, variable_name(pid, "status"), period)
        if in_kind:
            return np.where(status == 1.0, 0.0, np.where(status == 0.0, 0.0, np.nan))
        amount = _read(population, variable_name(pid, "amount"), period)
        return np.where(status == 1.0, amount, np.where(status == 0.0, 0.0, np.nan))

    return benefit


def _program_variables(code: _ProgramCode) -> list[type]:
    rules = code.rules
    entity = rules.program.entity
    out = []
    for part in code.parts:
        formula = _part_formula(code, part)
        out.append(_variable(variable_name(rules.id, part), entity, "day", formula))
    out.append(_variable(variable_name(rules.id, "status"), entity, "day", _status_formula(code)))
    out.append(
        _variable(variable_name(rules.id, "benefit"), entity, "day", _benefit_formula(rules))
    )
    return out


# --- derived facts ---------------------------------------------------------------------------


def _age(population: Any, period: Any, parameters: Any) -> Array:
    births = _read(population, "date_of_birth", period)
    return age_at(births, np.full(births.shape, _days(period.start)))


def _role_is(*roles: str) -> Any:
    codes = [float(ROLES.index(role)) for role in roles]

    def formula(population: Any, period: Any, parameters: Any) -> Array:
        return np.isin(members_of(population).role, codes).astype(np.float64)

    return formula


def _custody_share(population: Any, period: Any, parameters: Any) -> Array:
    custody = _read(population, "custody", period)
    shared = float(FACTS["custody"].code("shared"))
    return np.where(np.isnan(custody), np.nan, np.where(custody == shared, 0.5, 1.0))


def _has_spouse(population: Any, period: Any, parameters: Any) -> Array:
    return (members_of(population).spouse >= 0).astype(np.float64)


def _n_members(population: Any, period: Any, parameters: Any) -> Array:
    members = members_of(population)
    return members.household_sum(np.ones(len(members.role)))


def _family_net_income(population: Any, period: Any, parameters: Any) -> Array:
    members = members_of(population)
    income = read_variable(population.simulation, "person", "net_income", period)
    partner = np.isin(members.role, [ROLES.index("applicant"), ROLES.index("spouse")])
    return members.household_sum(np.where(partner, income, 0.0))


_INPUTS = frozenset(f.name for f in FACTS.values() if not f.derived)

_DERIVED: dict[str, tuple[str, Any]] = {
    "age": ("day", _age),
    "is_applicant": ("eternity", _role_is("applicant")),
    "is_spouse": ("eternity", _role_is("spouse")),
    "is_partner": ("eternity", _role_is("applicant", "spouse")),
    "is_child": ("eternity", _role_is("child")),
    "is_dependant": ("eternity", _role_is("dependant")),
    "custody_share": ("eternity", _custody_share),
    "has_spouse": ("eternity", _has_spouse),
    "n_members": ("eternity", _n_members),
    "family_net_income": ("year", _family_net_income),
}


def _fact_variable(fact: Fact) -> type:
    if fact.derived:
        period, formula = _DERIVED[fact.name]
        return _variable(fact.name, fact.entity, period, formula, fact.description)
    period = "year" if fact.yearly else "eternity"
    return _variable(fact.name, fact.entity, period, None, fact.description)


def _parameters(catalog: Catalog) -> ParameterNode:
    data: dict[str, Any] = {}
    for pid, rules in catalog.programs.items():
        node: dict[str, Any] = {}
        for name, parameter in rules.program.parameters.items():
            if parameter.is_table:
                keys = sorted({k for v in parameter.values.values() for k in v.value})  # type: ignore[union-attr]
                node[name] = {
                    f"k{key}": {
                        "values": {
                            date: value.value[key]  # type: ignore[index]
                            for date, value in parameter.values.items()
                            if key in value.value  # type: ignore[operator]
                        }
                    }
                    for key in keys
                }
            else:
                node[name] = {
                    "values": {date: {"value": v.value} for date, v in parameter.values.items()}
                }
        data[pid] = node
    return ParameterNode("", data=data)


@dataclass(frozen=True)
class CompiledSystem:
    """A catalog compiled to one OpenFisca tax-benefit system."""

    catalog: Catalog
    system: TaxBenefitSystem
    programs: dict[str, Entity]
    codes: dict[str, _ProgramCode]


def compile_catalog(catalog: Catalog) -> CompiledSystem:
    """Build the tax-benefit system of a catalog (do it once; it is reused for every household)."""
    system = TaxBenefitSystem([PERSON, HOUSEHOLD])
    system.parameters = ParameterNode("", data={})
    for fact in FACTS.values():
        system.add_variable(_fact_variable(fact))
    codes: dict[str, _ProgramCode] = {}
    for pid, rules in catalog.programs.items():
        shared = catalog.shared_nodes
        variables = {name: compile_expr(e, shared) for name, e in rules.variables.items()}
        parts = {f"crit__{cid}": compile_expr(e, shared) for cid, e in rules.criteria.items()}
        if rules.amount is not None:
            parts["amount"] = compile_expr(rules.amount, shared)
        if rules.scope is not None:
            parts["scope"] = compile_expr(rules.scope, shared)
        codes[pid] = _ProgramCode(rules, variables, parts)
        for variable in _program_variables(codes[pid]):
            system.add_variable(variable)
    system.parameters = _parameters(catalog)
    programs = {pid: rules.program.entity for pid, rules in catalog.programs.items()}
    return CompiledSystem(catalog, system, programs, codes)


def context_for(compiled: CompiledSystem, simulation: Any, program_id: str, day: Any) -> Any:
    """The evaluation context of a program over a simulation (shared with its formulas).

    Explanations evaluate sub-expressions with it, through the very functions the formulas use,
    and reuse every value the formulas already computed.
    """
    return _context(compiled.codes[program_id], simulation, day)
