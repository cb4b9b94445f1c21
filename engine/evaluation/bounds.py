"""Bounds over every completion of the unknown facts: interval evaluation of the rule language.

The three-valued arrays of :mod:`engine.kleene` say "unknown" whenever an input is unknown, even
where no value the fact could take would change the answer: ``0 * unknown`` is unknown, and so
is ``known amount + unknown supplement > 0``. Here every value is an interval ``(lo, hi)`` that
contains the value for every completion of the unknown facts within their registry domains
(incomes ≥ 0, booleans, ages 0 to 120…): known facts are points, unknown ones their domain, and
each operator maps intervals to an interval that encloses every result (sound, possibly wide).
Booleans are intervals inside ``[0, 1]``: ``(1, 1)`` is true for every completion, ``(0, 0)``
false for every completion.

The runtime uses these bounds only where the three-valued value is unknown: a part whose bounds
are one finite point is known (``0 * unknown`` is 0), and an amount known to be at least ``lo``
is reported as "at least". Equal bounds are a proof, never a guess, so the law "a determined
answer holds for every completion of the unknown facts" holds by construction.

Here expressions are compiled into functions of a :class:`BoundsContext`; the operations on
intervals they compose are in :mod:`engine.evaluation.intervals`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Protocol

import numpy as np

from engine.catalog.facts import Entity, Kind
from engine.catalog.program import Part
from engine.catalog.tree import Expr
from engine.evaluation.entities import Members
from engine.evaluation.intervals import (
    Bounds,
    abs_,
    add,
    and_,
    as_bool,
    clip,
    compare,
    divide,
    if_,
    isin,
    lookup,
    monotone,
    multiply,
    neg,
    not_,
    or_,
    widen_pair,
)
from engine.evaluation.vectorize import leaf_reader, round_half_away, table_of
from engine.kleene import Array, maximum, minimum

__all__ = ["BoundsContext", "BoundsFn", "compile_bounds"]

_INF = np.inf


class BoundsContext(Protocol):
    """What a bounds function reads (see :class:`engine.evaluation.vectorize.EvalContext`)."""

    members: Members

    def fact_bounds(self, name: str, scope: Entity) -> Bounds:
        """A stated fact: its value where known, its domain where unknown."""

    def var_bounds(self, name: str, scope: Entity) -> Bounds:
        """One of the program's variables."""

    def program_bounds(self, program_id: str, part: Part, scope: Entity) -> Bounds:
        """Another program's status, benefit or criterion."""

    def age_bounds(self, scope: Entity, when: Bounds) -> Bounds:
        """Completed years of age of every person row on the dates ``when``."""

    def param(self, program: str, name: str) -> float:
        """A parameter value in force on the evaluation date."""

    def table(self, program: str, name: str) -> tuple[Array, Array]:
        """A table parameter in force on the evaluation date: sorted keys, values."""

    def day(self, name: str) -> float:
        """A built-in date as days since 1970-01-01."""

    def size(self, scope: Entity) -> int:
        """The number of rows of ``scope``'s entity."""

    def constant(self, scope: Entity, value: float) -> Array:
        """``value`` on every row of ``scope``'s entity (a shared, read-only array)."""


BoundsFn = Callable[[BoundsContext], Bounds]


def compile_bounds(expr: Expr) -> BoundsFn:
    """Compile a checked expression into a function computing its bounds on every row.

    Examples:
        >>> from engine.catalog.tree import Expr
        >>> zero = Expr("const", Kind.NUMBER, "household", 0.0)
        >>> income = Expr("fact", Kind.NUMBER, "household", "net_income")
        >>> class Ctx:
        ...     def size(self, scope): return 1
        ...     def constant(self, scope, value): return np.full(1, value)
        ...     def fact_bounds(self, name, scope): return np.array([0.0]), np.array([np.inf])
        >>> product = Expr("arith", Kind.NUMBER, "household", "*", (zero, income))
        >>> lo, hi = compile_bounds(product)(Ctx())
        >>> lo.tolist(), hi.tolist()
        ([0.0], [0.0])
    """
    op, scope, kind = expr.op, expr.scope, expr.kind
    if op in ("const", "param", "date"):
        number = _scalar(expr)

        def constant(ctx: BoundsContext) -> Bounds:
            value = number(ctx)
            if math.isnan(value):  # `unknown`: not modelled, so nothing bounds it
                return ctx.constant(scope, -_INF), ctx.constant(scope, _INF)
            values = ctx.constant(scope, value)  # shared and read-only, like the values'
            return values, values

        return constant
    read = leaf_reader(expr, "fact_bounds", "var_bounds", "program_bounds")
    if read is not None:
        return read
    if op == "def":
        inner = compile_bounds(expr.args[0])
        if expr.args[0].scope == scope:
            return inner

        def per_person(ctx: BoundsContext) -> Bounds:
            lo, hi = inner(ctx)
            of = ctx.members.household_of
            return lo[of], hi[of]

        return per_person
    args = [compile_bounds(arg) for arg in expr.args]
    if op == "arith":
        return _ARITH[expr.value](args[0], args[1])
    if op == "neg":
        return lambda ctx: neg(args[0](ctx))
    if op == "cmp":
        comparator: str = expr.value
        return lambda ctx: compare(comparator, args[0](ctx), args[1](ctx))
    if op == "isin":
        codes = np.array(expr.value, dtype=float)
        return lambda ctx: isin(args[0](ctx), codes)
    if op == "and":
        return lambda ctx: and_(*(a(ctx) for a in args))
    if op == "or":
        return lambda ctx: or_(*(a(ctx) for a in args))
    if op == "not":
        return lambda ctx: not_(args[0](ctx))
    if op == "if":
        return lambda ctx: if_(args[0](ctx), args[1](ctx), args[2](ctx))
    return _call(expr, args, kind)


def _scalar(expr: Expr) -> Callable[[BoundsContext], float]:
    if expr.op == "const":
        value = float(expr.value)
        return lambda ctx: value
    if expr.op == "param":
        name: str = expr.value
        owner: str = expr.owner or ""
        return lambda ctx: ctx.param(owner, name)
    day: str = expr.value
    return lambda ctx: ctx.day(day)


def _binary(combine: Callable[[Bounds, Bounds], Bounds]) -> Callable[..., BoundsFn]:
    def build(left: BoundsFn, right: BoundsFn) -> BoundsFn:
        return lambda ctx: combine(left(ctx), right(ctx))

    return build


_ARITH: dict[str, Callable[[BoundsFn, BoundsFn], BoundsFn]] = {
    "+": _binary(add),
    "-": _binary(lambda x, y: add(x, neg(y))),
    "*": _binary(multiply),
    "/": _binary(divide),
}


# ---------------------------------------------------------------- functions


def _call(expr: Expr, args: list[BoundsFn], kind: Kind) -> BoundsFn:
    name: str = expr.value
    if name in ("min", "max"):
        pick = minimum if name == "min" else maximum

        def extreme(ctx: BoundsContext) -> Bounds:
            values = [a(ctx) for a in args]
            return pick(*(lo for lo, _ in values)), pick(*(hi for _, hi in values))

        return extreme
    if name == "clip":
        x, low, high = args
        return lambda ctx: clip(x(ctx), low(ctx), high(ctx))
    if name == "abs":
        return lambda ctx: abs_(args[0](ctx))
    if name == "floor":
        return lambda ctx: monotone(np.floor, args[0](ctx))
    if name == "round":
        scale = 10.0 ** float(expr.args[1].value)
        return lambda ctx: monotone(lambda v: round_half_away(v, scale), args[0](ctx))
    if name == "phase_out":
        return _phase_out(*args)
    if name == "lookup":
        owner, table = table_of(expr)
        key = args[1]
        return lambda ctx: lookup(ctx.table(owner, table), key(ctx))
    if name in ("count", "sum"):
        inner = args[0]

        def total(ctx: BoundsContext) -> Bounds:
            lo, hi = inner(ctx)
            members = ctx.members
            return members.household_sum(lo), members.household_sum(hi)

        return total
    if name in ("any", "all"):
        inner = args[0]
        every = name == "all"

        def some(ctx: BoundsContext) -> Bounds:
            lo, hi = inner(ctx)
            if every:
                lo, hi = not_((lo, hi))
            members = ctx.members
            out = as_bool(members.household_any(lo == 1.0), members.household_any(hi == 1.0))
            return not_(out) if every else out

        return some
    if name in ("applicant", "spouse"):
        inner = args[0]
        role = name

        def member(ctx: BoundsContext) -> Bounds:
            lo, hi = inner(ctx)
            members = ctx.members
            index = members.applicant if role == "applicant" else members.spouse
            return widen_pair(
                members.member_value(lo, index), members.member_value(hi, index), kind
            )

        return member
    if name == "partner":
        inner = args[0]

        def partner(ctx: BoundsContext) -> Bounds:
            lo, hi = inner(ctx)
            members = ctx.members
            return widen_pair(members.partner_value(lo), members.partner_value(hi), kind)

        return partner
    if name == "age_on":
        when = args[0]
        scope = expr.scope
        return lambda ctx: ctx.age_bounds(scope, when(ctx))
    raise NotImplementedError(name)  # pragma: no cover - the checker admits only the above


def _phase_out(base: BoundsFn, income: BoundsFn, threshold: BoundsFn, rate: BoundsFn) -> BoundsFn:
    zero = (0.0, 0.0)

    def phase_out(ctx: BoundsContext) -> Bounds:
        excess = add(income(ctx), neg(threshold(ctx)))
        excess = (np.maximum(excess[0], zero[0]), np.maximum(excess[1], zero[1]))
        reduced = add(base(ctx), neg(multiply(excess, rate(ctx))))
        return np.maximum(reduced[0], 0.0), np.maximum(reduced[1], 0.0)

    return phase_out
