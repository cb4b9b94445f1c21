"""Compile a catalog into one OpenFisca ``TaxBenefitSystem``.

Every stated fact is an input variable; every derived fact, program variable, criterion, amount,
scope and status is a vectorized formula. All values are ``float64`` three-valued arrays (NaN is
unknown, see :mod:`engine.kleene`). Parameters are OpenFisca parameters, so reforms are OpenFisca
reforms. Program formulas are defined per day: the rates in force on ``as_of``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from openfisca_core.parameters import ParameterNode
from openfisca_core.periods import DateUnit
from openfisca_core.taxbenefitsystems import TaxBenefitSystem
from openfisca_core.variables import Variable

from engine import kleene
from engine.catalog.derived import DERIVED
from engine.catalog.entities import HOUSEHOLD, PERSON
from engine.catalog.facts import FACTS, Entity, Fact
from engine.catalog.loader import Catalog, ProgramRules
from engine.catalog.runtime import ProgramCode, program_context, read_variable, variable_name
from engine.catalog.vectorize import compile_expr
from engine.kleene import Array

__all__ = ["CompiledSystem", "compile_catalog", "context_for", "variable_name"]

_ENTITIES = {"person": PERSON, "household": HOUSEHOLD}


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


def _part_formula(program: ProgramCode, part: str) -> Any:
    def formula(population: Any, period: Any, parameters: Any) -> Array:
        return program_context(program, population.simulation, period).part(part)

    return formula


def _status_formula(code: ProgramCode) -> Any:
    program = code.rules.program
    criteria = [f"crit__{c.id}" for c in program.eligibility]

    def status(population: Any, period: Any, parameters: Any) -> Array:
        ctx = program_context(code, population.simulation, period)
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
    entity = rules.program.entity

    def benefit(population: Any, period: Any, parameters: Any) -> Array:
        status = read_variable(population.simulation, entity, variable_name(pid, "status"), period)
        if in_kind:
            return np.where(status == 1.0, 0.0, np.where(status == 0.0, 0.0, np.nan))
        amount = read_variable(population.simulation, entity, variable_name(pid, "amount"), period)
        return np.where(status == 1.0, amount, np.where(status == 0.0, 0.0, np.nan))

    return benefit


def _program_variables(code: ProgramCode) -> list[type]:
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


def _fact_variable(fact: Fact) -> type:
    if fact.derived:
        period, formula = DERIVED[fact.name]
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
    codes: dict[str, ProgramCode]


def compile_catalog(catalog: Catalog) -> CompiledSystem:
    """Build the tax-benefit system of a catalog (do it once; it is reused for every household)."""
    system = TaxBenefitSystem([PERSON, HOUSEHOLD])
    system.parameters = ParameterNode("", data={})
    for fact in FACTS.values():
        system.add_variable(_fact_variable(fact))
    codes: dict[str, ProgramCode] = {}
    for pid, rules in catalog.programs.items():
        shared = catalog.shared_nodes
        variables = {name: compile_expr(e, shared) for name, e in rules.variables.items()}
        parts = {f"crit__{cid}": compile_expr(e, shared) for cid, e in rules.criteria.items()}
        if rules.amount is not None:
            parts["amount"] = compile_expr(rules.amount, shared)
        if rules.scope is not None:
            parts["scope"] = compile_expr(rules.scope, shared)
        codes[pid] = ProgramCode(rules, variables, parts)
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
    return program_context(compiled.codes[program_id], simulation, day)
