"""Compile a catalog into one OpenFisca ``TaxBenefitSystem``.

Every stated fact is an input variable; each program's criteria, amount, scope, jurisdiction
test, status and benefit are vectorized formulas (derived facts and shared definitions are
inlined in the expressions that use them). All values are ``float64`` three-valued arrays (NaN is
unknown, see :mod:`engine.kleene`). Parameters are OpenFisca parameters, so reforms are OpenFisca
reforms. Program formulas are defined per day: the rates in force on ``as_of``.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
from openfisca_core.parameters import ParameterNode
from openfisca_core.periods import DateUnit
from openfisca_core.taxbenefitsystems import TaxBenefitSystem
from openfisca_core.variables import Variable

from engine import kleene
from engine.catalog.facts import Entity, Fact
from engine.catalog.program import (
    AMOUNT,
    BENEFIT,
    IN_FORCE,
    JURISDICTION,
    SCOPE,
    STATUS,
    Catalog,
    Part,
)
from engine.catalog.tree import Expr
from engine.evaluation.bounds import BoundsFn, compile_bounds
from engine.evaluation.entities import HOUSEHOLD, PERSON
from engine.evaluation.program_code import OnFirstUse, ProgramCode, own_formula
from engine.evaluation.runtime import program_context, read_variable, refined_status
from engine.evaluation.scalar import DayValues, ScalarCode
from engine.evaluation.vectorize import EVERY_NODE, Compiled, compile_expr
from engine.kleene import Array

__all__ = ["CompiledSystem", "compile_catalog"]

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


def _part_formula(program: ProgramCode, part: Part) -> Any:
    def formula(population: Any, period: Any, parameters: Any) -> Array:
        return program_context(program, population.simulation, period).part(part)

    return formula


def _status_formula(code: ProgramCode) -> Any:
    program = code.rules.program
    criteria = [Part.criterion(c.id) for c in program.eligibility]

    def status(population: Any, period: Any, parameters: Any) -> Array:
        ctx = program_context(code, population.simulation, period)
        parts = [ctx.part(part) for part in criteria]
        if not program.in_kind:
            amount = ctx.part(AMOUNT)
            parts.append(kleene.compare(">", amount, np.zeros_like(amount)))
        result = kleene.and_(*parts)
        if program.scope is not None:
            # outside the file's scope a criterion that fails still decides "not eligible";
            # anything else is not an answer the file can give
            result = np.where((ctx.part(SCOPE) == 1.0) | (result == 0.0), result, np.nan)
        # outside the program's jurisdiction, or before it starts or after it ends, it is not
        # eligible, whatever the rule file says
        gates = [ctx.part(JURISDICTION)]
        if code.rules.in_force is not None:
            gates.append(ctx.part(IN_FORCE))
        return refined_status(kleene.and_(*gates, result), ctx)

    return status


def _benefit_formula(code: ProgramCode) -> Any:
    pid = code.rules.id
    in_kind = code.rules.program.in_kind
    entity = code.rules.program.entity
    status_name, amount_name = STATUS.variable(pid), AMOUNT.variable(pid)

    def benefit(population: Any, period: Any, parameters: Any) -> Array:
        status = read_variable(population.simulation, entity, status_name, period)
        if in_kind:
            return np.where(status == 1.0, 0.0, np.where(status == 0.0, 0.0, np.nan))
        amount = read_variable(population.simulation, entity, amount_name, period)
        return np.where(status == 1.0, amount, np.where(status == 0.0, 0.0, np.nan))

    return benefit


def _program_variables(code: ProgramCode) -> list[type]:
    pid = code.rules.id
    entity = code.rules.program.entity
    out = [
        _variable(part.variable(pid), entity, "day", _part_formula(code, part))
        for part, _ in code.rules.parts()
    ]
    out.append(_variable(STATUS.variable(pid), entity, "day", _status_formula(code)))
    out.append(_variable(BENEFIT.variable(pid), entity, "day", _benefit_formula(code)))
    return out


def _input_variable(fact: Fact) -> type:
    period = "year" if fact.yearly else "eternity"
    return _variable(fact.name, fact.entity, period, None, fact.label["en"])


def _parameters(catalog: Catalog) -> ParameterNode:
    data: dict[str, Any] = {}
    for pid, rules in catalog.programs.items():
        node: dict[str, Any] = {}
        for name, parameter in rules.program.parameters.items():
            if parameter.is_table:
                tables = {date: v.value for date, v in parameter.values.items()}
                keys = sorted({k for table in tables.values() for k in table})  # type: ignore[union-attr]
                # a dated table replaces the whole table: a row it leaves out ends (None)
                node[name] = {
                    f"k{key}": {
                        "values": {date: table.get(key) for date, table in tables.items()}  # type: ignore[union-attr]
                    }
                    for key in keys
                }
            else:
                node[name] = {
                    "values": {date: {"value": v.value} for date, v in parameter.values.items()}
                }
        data[pid] = node
    return ParameterNode("", data=data)


@dataclass(frozen=True, eq=False)
class CompiledSystem:
    """A catalog compiled to one OpenFisca tax-benefit system.

    ``explain_fn`` compiles expression nodes for explanations once, in this system's own cache
    (no process-wide cache pins a catalog after its engine is gone).
    """

    catalog: Catalog
    system: TaxBenefitSystem
    programs: dict[str, Entity]
    codes: dict[str, ProgramCode]
    direct_dispatch: bool = True
    _explained: dict[int, tuple[Expr, Compiled]] = field(default_factory=dict, repr=False)
    _bounded: dict[int, tuple[Expr, BoundsFn]] = field(default_factory=dict, repr=False)
    #: the generated one-household code, shared by this system's reforms (same catalog)
    _generated: dict[str, ScalarCode] = field(default_factory=dict, repr=False)
    _generating: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @cached_property
    def own_formulas(self) -> bool:
        """Whether every program variable still has the engine's own formula (a reform that
        replaced one must go through OpenFisca, so the generated code is not used)."""
        return all(
            own_formula(self.system, variable)
            for variable in self.system.variables
            if variable not in self.catalog.facts.inputs
        )

    def scalar(self) -> tuple[ScalarCode, DayValues] | None:
        """The generated code and this system's parameter values by day, for one-household
        runs; None where answers must come from OpenFisca (its dispatch is asked for, or a
        reform replaced a formula)."""
        if not (self.direct_dispatch and self.own_formulas):
            return None
        with self._generating:
            code = self._generated.get("code")
            if code is None:
                code = self._generated["code"] = ScalarCode(self.catalog)
        return code, self._day_values

    def compile_vectorized(self) -> None:
        """Compile every program's vectorized functions and bounds now (otherwise each is
        compiled when first read): before forking workers, which then share them instead of
        each compiling them again."""
        for code in self.codes.values():
            for table in (code.variables, code.parts, code.variable_bounds, code.bounds):
                table.compile_all()

    @cached_property
    def _day_values(self) -> DayValues:
        """This system's parameter values by day, over the (shared) generated code's slots."""
        return DayValues(self.system, self._generated["code"])

    def explain_fn(self, expr: Expr) -> Compiled:
        """``expr`` compiled with every node memoized in the context's per-day node memo, so
        explanations compute each value once and reuse what the formulas computed."""
        entry = self._explained.get(id(expr))
        if entry is None or entry[0] is not expr:
            entry = (expr, compile_expr(expr, EVERY_NODE))
            self._explained[id(expr)] = entry
        return entry[1]

    def bounds_fn(self, expr: Expr) -> BoundsFn:
        """``expr`` compiled to bounds (see :mod:`engine.evaluation.bounds`), once per system."""
        entry = self._bounded.get(id(expr))
        if entry is None or entry[0] is not expr:
            entry = (expr, compile_bounds(expr))
            self._bounded[id(expr)] = entry
        return entry[1]

    @cached_property
    def facts_read(self) -> dict[str, frozenset[str]]:
        """The stated facts each program reads (through its definitions and derived facts)."""
        out: dict[str, frozenset[str]] = {}
        for pid, rules in self.catalog.programs.items():
            names: set[str] = set()
            for expr in rules.expressions():
                for node in expr.walk():
                    if node.op == "fact":
                        names.add(node.value)
                    elif node.op == "call" and node.value == "age_on":
                        names.add("date_of_birth")
            out[pid] = frozenset(n for n in names if not self.catalog.facts[n].required)
        return out

    def with_system(self, system: TaxBenefitSystem) -> CompiledSystem:
        """The same catalog over another tax-benefit system (an OpenFisca reform of this one)."""
        return CompiledSystem(
            self.catalog,
            system,
            self.programs,
            self.codes,
            self.direct_dispatch,
            _generated=self._generated,
            _generating=self._generating,
        )


def compile_catalog(catalog: Catalog, *, direct_dispatch: bool = True) -> CompiledSystem:
    """Build the tax-benefit system of a catalog (do it once; it is reused for every household).

    ``direct_dispatch``: runs call the engine's own formulas without OpenFisca's dispatch (the
    same answers; off routes every read through ``Simulation.calculate``, for its tracer).
    """
    system = TaxBenefitSystem([PERSON, HOUSEHOLD])
    system.parameters = ParameterNode("", data={})
    for fact in catalog.facts.stated:
        system.add_variable(_input_variable(fact))
    codes: dict[str, ProgramCode] = {}
    shared = catalog.shared_nodes

    def vectorized(expr: Expr) -> Compiled:
        return compile_expr(expr, shared)

    # compiled when first read: a one-household check runs the generated code instead
    for pid, rules in catalog.programs.items():
        parts = dict(rules.parts())
        codes[pid] = ProgramCode(
            rules,
            OnFirstUse(rules.variables, vectorized),
            OnFirstUse(parts, vectorized),
            OnFirstUse(rules.variables, compile_bounds),
            OnFirstUse(parts, compile_bounds),
        )
        for variable in _program_variables(codes[pid]):
            system.add_variable(variable)
    system.parameters = _parameters(catalog)
    programs = {pid: rules.program.entity for pid, rules in catalog.programs.items()}
    return CompiledSystem(catalog, system, programs, codes, direct_dispatch)
