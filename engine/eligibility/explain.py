"""Explanations: criterion texts with actual values, and the facts an unknown answer hinges on."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from engine.catalog.facts import Entity, Kind
from engine.catalog.program import Part, ProgramRules
from engine.catalog.tree import AGGREGATES, ALWAYS_KNOWN, Expr
from engine.eligibility.formatting import Placeholder
from engine.evaluation.scalar_run import ScalarRun
from engine.evaluation.simulate import HouseholdRun as Run

__all__ = ["Explainer", "Explanations"]

_NONE: frozenset[str] = frozenset()
#: the ops whose facts are not simply their arguments' (see ``Explainer._walk``)
_SPECIAL = frozenset({"fact", "def", "var", "call", "if"})


class Explanations:
    """The explainers of one finished run, one per program and day, so what one computes (node
    values, the facts a node misses) serves every later explanation of the run: each member of
    a person program, and the programs another one reads."""

    def __init__(self, run: Run, twins: dict[int, int] | None = None) -> None:
        self.run = run
        self._explainers: dict[tuple[str, dt.date | None], Explainer] = {}
        #: the household's twins (``Population.twins``): given, or once a person program asks
        self.twins = twins
        # what a shared definition misses on some rows and day: the same for every program
        # (a definition reads facts and other definitions, never a program's own variables)
        self.definitions: dict[tuple[int, tuple[int, ...], dt.date | None], frozenset[str]] = {}
        #: household 0's members who are not children (a person program's answers by member):
        #: their rows, the first twin of each twin among them, those who are nobody's twin, and
        #: the applicant's row; worked out when first asked, the same for every person program
        self.adults: tuple[list[int], dict[int, int], list[int], int] | None = None

    def release(self) -> None:
        """Drop the explainers (each refers back to this object: without this, a finished
        check's explainers are freed only by the cyclic garbage collector)."""
        self._explainers.clear()
        self.definitions.clear()

    def of(self, rules: ProgramRules, on: dt.date | None = None) -> Explainer:
        """The program's explainer on ``on`` (default: the run's ``as_of``), made once."""
        found = self._explainers.get((rules.id, on))
        if found is None:
            found = self._explainers[(rules.id, on)] = Explainer(self, rules, on)
        return found


class Explainer:
    """Evaluates a program's sub-expressions on a finished run, for one household at a time
    (made by :meth:`Explanations.of`)."""

    def __init__(self, shared: Explanations, rules: ProgramRules, on: dt.date | None) -> None:
        self.run = shared.run
        self.rules = rules
        self.on = on
        self.ctx: Any = self.run.context(rules.id, on)
        self._shared = shared
        # the facts each visited node misses on the rows it was visited for
        self._walked: dict[tuple[int, int | tuple[int, ...]], frozenset[str]] = {}
        #: the expression's value on one row of its scope (computed once per node and day)
        self.value: Callable[[Expr, int], float] = self.run.node_values(self.ctx)

    def value_bounds(self, expr: Expr, row: int) -> tuple[float, float]:
        """The least and greatest value of ``expr`` for one row over every completion of the
        unknown facts."""
        return self.run.node_bound(self.ctx, expr, row)

    def placeholder_values(self, row: int) -> Mapping[str, Placeholder]:
        """The program's placeholder values for one row of its entity (a household, or a
        person for person programs), evaluated when a text asks."""
        return _Placeholders(self, row)

    def part(self, row: int, part: Part) -> float:
        """A criterion, the amount, the scope or the jurisdiction test for one row."""
        return float(self.ctx.part_at(part, row))

    def bounds(self, row: int, part: Part) -> tuple[float, float]:
        """A part's least and greatest value for one row over every completion of the unknown
        facts (see :mod:`engine.evaluation.bounds`)."""
        lo, hi = self.ctx.part_bounds_at(part, row)
        return float(lo), float(hi)

    def missing_facts(self, row: int, exprs: list[Expr]) -> set[str]:
        """The unknown stated facts that leave any of ``exprs`` unknown for ``row``: on a run
        of the generated code, its missing-facts functions (:mod:`scalar_missing_code`); on a
        vectorized run, a walk down the tree that follows the same definition."""
        if isinstance(self.run, ScalarRun):
            code = self.run.code
            functions = code.part_missing(self.rules)  # the parts: what is asked of a check
            codes: frozenset[int] = frozenset()
            for expr in exprs:
                fn = functions.get(id(expr)) or code.node_function("x", expr, self.rules)
                codes = codes | fn(self.ctx.frame, row)
            return code.missing_paths(codes, self.run.population.member_id) if codes else set()
        found: set[str] = set()
        for expr in exprs:
            found |= self._missing(expr, [row])
        return found

    def _missing(self, expr: Expr, rows: list[int]) -> frozenset[str]:
        """The facts ``expr`` misses on ``rows``, walked once per node and rows in a run (a
        variable read by several criteria, members or programs is explained once)."""
        if not rows or expr.op in ALWAYS_KNOWN or expr.kind == Kind.TABLE:
            return _NONE
        visit: tuple[int, int | tuple[int, ...]]
        if len(rows) == 1:  # most nodes of a household's check: no list to filter
            if not math.isnan(self.value(expr, rows[0])):
                return _NONE
            visit = (id(expr), rows[0])
        else:
            rows = [r for r in rows if math.isnan(self.value(expr, r))]
            if not rows:
                return _NONE
            visit = (id(expr), tuple(rows))
        found = self._walked.get(visit)
        if found is None:
            self._walked[visit] = _NONE  # while it is walked
            out: set[str] = set()
            self._walk(expr, rows, out)
            found = self._walked[visit] = frozenset(out) if out else _NONE
        return found

    def _walk(self, expr: Expr, rows: list[int], found: set[str]) -> None:
        op = expr.op
        if op not in _SPECIAL:  # arithmetic, comparisons, and/or/not: what most nodes are
            for arg in expr.args:
                found |= self._missing(arg, rows)
            return
        members = self.run.member_lists
        if op == "fact":
            fact = self.run.compiled.catalog.facts[expr.value]
            if fact.entity == "household" and expr.scope == "person":
                rows = sorted({members.household_of[r] for r in rows})
            self._fact(expr.value, fact.entity, rows, found)
        elif op == "def":
            inner = expr.args[0]
            rows = self._convert(rows, expr.scope, inner.scope)
            key = (id(inner), tuple(rows), self.on)
            known = self._shared.definitions.get(key)
            if known is None:
                known = self._shared.definitions[key] = self._missing(inner, rows)
            found |= known
        elif op == "var":
            target = self.rules.variables[expr.value]
            found |= self._missing(target, self._convert(rows, expr.scope, target.scope))
        elif op == "call" and expr.value in AGGREGATES:
            households = set(rows)
            persons = [p for p, h in enumerate(members.household_of) if h in households]
            found |= self._missing(expr.args[0], persons)
        elif op == "call" and expr.value in ("applicant", "spouse", "partner"):
            index = getattr(members, expr.value)
            found |= self._missing(expr.args[0], [index[r] for r in rows if index[r] >= 0])
        elif op == "call" and expr.value == "age_on":  # a known date of birth is not missing
            born = self.run.population.person["date_of_birth"]
            self._fact("date_of_birth", "person", [r for r in rows if born[r] != born[r]], found)
            found |= self._missing(expr.args[0], rows)
        elif op == "call" and expr.value in ("is_eligible", "amount_of"):
            self._program(expr.args[0].value, expr.scope, rows, found)
        elif op == "call" and expr.value == "criterion":
            other = self.run.compiled.catalog.programs[expr.args[0].value]
            criterion = other.criteria[expr.args[1].value]
            explainer = self._shared.of(other, self.on)
            found |= explainer._missing(
                criterion, self._convert(rows, expr.scope, other.program.entity)
            )
        elif op == "if":
            condition = expr.args[0]
            found |= self._missing(condition, rows)
            values = {r: self.value(condition, r) for r in rows}
            found |= self._missing(expr.args[1], [r for r in rows if values[r] != 0.0])
            found |= self._missing(expr.args[2], [r for r in rows if values[r] != 1.0])
        else:
            for arg in expr.args:
                found |= self._missing(arg, rows)

    def _convert(self, rows: list[int], source: Entity, target: Entity) -> list[int]:
        if source == target:
            return rows
        members = self.run.member_lists
        if source == "person":  # a person's row -> their household's row
            return sorted({members.household_of[r] for r in rows})
        applicants = [members.applicant[r] for r in rows]  # a household's row -> its applicant's
        return [a for a in applicants if a >= 0]

    def _program(self, program_id: str, scope: Entity, rows: list[int], found: set[str]) -> None:
        other = self.run.compiled.catalog.programs[program_id]
        explainer = self._shared.of(other, self.on)
        rows = self._convert(rows, scope, other.program.entity)
        for expr in _deciding(other):
            found |= explainer._missing(expr, rows)

    def _fact(self, name: str, entity: Entity, rows: list[int], found: set[str]) -> None:
        if entity == "household":
            found.add(f"household/{name}")
            return
        population = self.run.population
        for person in rows:
            found.add(f"members/{population.member_id(person)}/{name}")


class _Placeholders(Mapping[str, Placeholder]):
    """Placeholder values, each computed on first use (most templates use only a few). An
    unknown value is given as its bounds over the completions of the unknown facts."""

    def __init__(self, explainer: Explainer, row: int) -> None:
        self._explainer = explainer
        self._row = row
        self._cache: dict[str, Placeholder] = {}

    def get(self, name: str, default: Any = None) -> Any:  # without Mapping's KeyError
        """The placeholder's value, or ``default`` when the program has no such name (an
        unknown value: its bounds)."""
        value = self._cache.get(name)
        if value is None:
            explainer = self._explainer
            rules = explainer.rules
            expr = rules.amount if name == "amount" else rules.texts.get(name)
            if expr is None:
                return default
            number = explainer.value(expr, self._row)
            value = self._cache[name] = (
                explainer.value_bounds(expr, self._row) if number != number else number
            )
        return value

    def __getitem__(self, name: str) -> Placeholder:
        value = self.get(name)
        if value is None:
            raise KeyError(name)
        return value  # type: ignore[no-any-return]

    def __iter__(self) -> Iterator[str]:
        names = list(self._explainer.rules.texts)
        return iter([*names, "amount"] if self._explainer.rules.amount is not None else names)

    def __len__(self) -> int:
        return len(list(iter(self)))


def _deciding(rules: ProgramRules) -> list[Expr]:
    """The expressions a program's status depends on."""
    return [expr for _, expr in rules.parts()]
