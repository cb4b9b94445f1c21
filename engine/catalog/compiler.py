"""Compile a catalog into one OpenFisca ``TaxBenefitSystem``.

Every stated fact is an input variable; every derived fact, program variable, criterion, amount,
scope and status is a vectorized formula. All values are ``float64`` three-valued arrays (NaN is
unknown, see :mod:`engine.kleene`). Parameters are OpenFisca parameters, so reforms are OpenFisca
reforms. Program formulas are defined per day: the rates in force on ``as_of``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
from openfisca_core import periods
from openfisca_core.parameters import ParameterNode
from openfisca_core.periods import DateUnit
from openfisca_core.taxbenefitsystems import TaxBenefitSystem
from openfisca_core.variables import Variable

from engine.catalog.entities import HOUSEHOLD, PERSON, Members
from engine.catalog.facts import FACTS, ROLES, Entity, Fact
from engine.catalog.loader import Catalog, ProgramRules
from engine.catalog.vectorize import Compiled, age_at, compile_expr
from engine.kleene import Array

__all__ = ["CompiledSystem", "compile_catalog", "context_for", "variable_name"]

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
        attrs["formula"] = formula
    return type(name, (_Float,), attrs)


def members_of(population: Any) -> Members:
    """The membership arrays the simulation was built with."""
    members: Members = population.simulation.lifeevents_members
    return members


def _days(instant: Any) -> float:
    return float((instant.date - _EPOCH).days)


class _Context:
    """An :class:`~engine.catalog.vectorize.EvalContext` over a running OpenFisca simulation."""

    def __init__(self, rules: ProgramRules, population: Any, period: Any, parameters: Any) -> None:
        self.rules = rules
        self.simulation = population.simulation
        self.members: Members = self.simulation.lifeevents_members
        self.period = period
        self.base_year = periods.period(str(rules.program.income_year.base_year(period.start.date)))
        self._parameters = parameters
        self._node: Any = None

    def size(self, scope: Entity) -> int:
        return int(self.simulation.populations[scope].count)

    def _population(self, entity: str) -> Any:
        return self.simulation.populations[entity]

    def _project(self, values: Array, source: Entity, scope: Entity) -> Array:
        if source == scope:
            return values
        if source == "household":  # household value for each of its members
            return values[self.members.household_of]
        return self.members.member_value(values, self.members.applicant)

    def fact(self, name: str, scope: Entity) -> Array:
        fact = FACTS[name]
        period = self.base_year if fact.yearly else self.period
        values = self._population(fact.entity)(name, period)
        return self._project(values, fact.entity, scope)

    def _parameter_node(self) -> Any:
        if self._node is None:
            self._node = getattr(self._parameters(self.period), self.rules.id)
        return self._node

    def param(self, name: str) -> float:
        return float(getattr(self._parameter_node(), name))

    def table(self, name: str) -> dict[int, float]:
        node = getattr(self._parameter_node(), name)
        return {int(key[1:]): float(value) for key, value in node._children.items()}

    def var(self, name: str, scope: Entity) -> Array:
        entity = self.rules.program.entity
        values = self._population(entity)(variable_name(self.rules.id, name), self.period)
        return self._project(values, entity, scope)

    def program(self, program_id: str, what: str, scope: Entity) -> Array:
        entity = self.simulation.lifeevents_programs[program_id]
        values = self._population(entity)(variable_name(program_id, what), self.period)
        return self._project(values, entity, scope)

    def day(self, name: str) -> float:
        on = self.period.start.date
        if name == "month_start":
            return float((on.replace(day=1) - _EPOCH).days)
        if name == "year_start":
            return float((on.replace(month=1, day=1) - _EPOCH).days)
        if name == "year_end":
            return float((on.replace(month=12, day=31) - _EPOCH).days)
        return float((on - _EPOCH).days)


def _formula(rules: ProgramRules, fn: Compiled) -> Any:
    def formula(population: Any, period: Any, parameters: Any) -> Array:
        return fn(_Context(rules, population, period, parameters))

    return formula


def _status_formula(rules: ProgramRules) -> Any:
    program = rules.program
    criteria = [variable_name(program.id, f"crit__{c.id}") for c in program.eligibility]

    def status(population: Any, period: Any, parameters: Any) -> Array:
        from engine import kleene

        parts = [population(name, period) for name in criteria]
        if not program.in_kind:
            amount = population(variable_name(program.id, "amount"), period)
            parts.append(kleene.compare(">", amount, np.zeros_like(amount)))
        result = kleene.and_(*parts)
        if program.scope is not None:
            inside = population(variable_name(program.id, "scope"), period)
            result = np.where(inside == 1.0, result, np.nan)
        return result

    return status


def _benefit_formula(rules: ProgramRules) -> Any:
    pid = rules.id
    in_kind = rules.program.in_kind

    def benefit(population: Any, period: Any, parameters: Any) -> Array:
        status = population(variable_name(pid, "status"), period)
        if in_kind:
            return np.where(status == 1.0, 0.0, np.where(status == 0.0, 0.0, np.nan))
        amount = population(variable_name(pid, "amount"), period)
        return np.where(status == 1.0, amount, np.where(status == 0.0, 0.0, np.nan))

    return benefit


def _program_variables(rules: ProgramRules) -> list[type]:
    entity = rules.program.entity
    out = []
    parts: list[tuple[str, Any]] = [(name, e) for name, e in rules.variables.items()]
    parts += [(f"crit__{cid}", e) for cid, e in rules.criteria.items()]
    if rules.amount is not None:
        parts.append(("amount", rules.amount))
    if rules.scope is not None:
        parts.append(("scope", rules.scope))
    for part, expr in parts:
        formula = _formula(rules, compile_expr(expr))
        out.append(_variable(variable_name(rules.id, part), entity, "day", formula))
    out.append(_variable(variable_name(rules.id, "status"), entity, "day", _status_formula(rules)))
    out.append(
        _variable(variable_name(rules.id, "benefit"), entity, "day", _benefit_formula(rules))
    )
    return out


# --- derived facts ---------------------------------------------------------------------------


def _age(population: Any, period: Any, parameters: Any) -> Array:
    births = population("date_of_birth", period)
    return age_at(births, np.full(births.shape, _days(period.start)))


def _role_is(*roles: str) -> Any:
    codes = [float(ROLES.index(role)) for role in roles]

    def formula(population: Any, period: Any, parameters: Any) -> Array:
        return np.isin(members_of(population).role, codes).astype(np.float64)

    return formula


def _custody_share(population: Any, period: Any, parameters: Any) -> Array:
    custody = population("custody", period)
    shared = float(FACTS["custody"].code("shared"))
    return np.where(np.isnan(custody), np.nan, np.where(custody == shared, 0.5, 1.0))


def _has_spouse(population: Any, period: Any, parameters: Any) -> Array:
    return (members_of(population).spouse >= 0).astype(np.float64)


def _n_members(population: Any, period: Any, parameters: Any) -> Array:
    members = members_of(population)
    return members.household_sum(np.ones(len(members.role)))


def _family_net_income(population: Any, period: Any, parameters: Any) -> Array:
    members = members_of(population)
    income = population.members("net_income", period)
    partner = np.isin(members.role, [ROLES.index("applicant"), ROLES.index("spouse")])
    return members.household_sum(np.where(partner, income, 0.0))


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


def compile_catalog(catalog: Catalog) -> CompiledSystem:
    """Build the tax-benefit system of a catalog (do it once; it is reused for every household)."""
    system = TaxBenefitSystem([PERSON, HOUSEHOLD])
    system.parameters = ParameterNode("", data={})
    for fact in FACTS.values():
        system.add_variable(_fact_variable(fact))
    for rules in catalog.programs.values():
        for variable in _program_variables(rules):
            system.add_variable(variable)
    system.parameters = _parameters(catalog)
    programs = {pid: rules.program.entity for pid, rules in catalog.programs.items()}
    return CompiledSystem(catalog, system, programs)


def context_for(simulation: Any, rules: ProgramRules, day: Any) -> Any:
    """An evaluation context over a finished simulation, at ``rules``' entity.

    Explanations evaluate sub-expressions with it, through the very functions the formulas use.
    """
    population = simulation.populations[rules.program.entity]
    parameters = simulation.tax_benefit_system.get_parameters_at_instant
    return _Context(rules, population, day, parameters)
