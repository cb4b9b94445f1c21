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
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Protocol

import numpy as np

from engine.catalog.facts import Entity, Fact, Kind
from engine.catalog.program import Part
from engine.catalog.tree import Expr
from engine.evaluation.entities import Members
from engine.evaluation.vectorize import age_at, leaf_reader, round_half_away, table_of
from engine.kleene import Array, maximum, minimum

__all__ = [
    "Bounds",
    "BoundsContext",
    "BoundsFn",
    "age_bounds",
    "compile_bounds",
    "decided",
    "domain_bounds",
]

Bounds = tuple[Array, Array]
_INF = np.inf
_DAYS_PER_YEAR = 365.25


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


def decided(bounds: Bounds) -> tuple[np.ndarray, Array]:
    """Where the bounds are one finite point, and that point."""
    lo, hi = bounds
    return (lo == hi) & np.isfinite(lo), lo


def domain_bounds(fact: Fact, as_of_days: float) -> tuple[float, float]:
    """The values a stated fact may take: its registry domain (dates relative to ``as_of``)."""
    if fact.kind == Kind.BOOL:
        return 0.0, 1.0
    if fact.kind == Kind.ENUM:
        codes = fact.codes.values()
        return float(min(codes)), float(max(codes))
    domain = fact.domain
    if fact.kind == Kind.DATE:
        lo, hi = -_INF, _INF
        if domain is not None and domain.max_years_before_as_of is not None:
            lo = as_of_days - (domain.max_years_before_as_of + 1) * _DAYS_PER_YEAR
        if domain is not None and domain.not_after_as_of:
            hi = as_of_days
        return lo, hi
    lo = domain.min if domain is not None and domain.min is not None else -_INF
    hi = domain.max if domain is not None and domain.max is not None else _INF
    return float(lo), float(hi)


def with_domain(values: Array, bounds: tuple[float, float]) -> Bounds:
    """A fact's values where known and its domain where unknown."""
    unknown = np.isnan(values)
    if not unknown.any():
        return values, values
    return np.where(unknown, bounds[0], values), np.where(unknown, bounds[1], values)


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
        return lambda ctx: _neg(args[0](ctx))
    if op == "cmp":
        comparator: str = expr.value
        return lambda ctx: compare(comparator, args[0](ctx), args[1](ctx))
    if op == "isin":
        codes = np.array(expr.value, dtype=float)
        return lambda ctx: _isin(args[0](ctx), codes)
    if op == "and":
        return lambda ctx: and_(*(a(ctx) for a in args))
    if op == "or":
        return lambda ctx: _or(*(a(ctx) for a in args))
    if op == "not":
        return lambda ctx: not_(args[0](ctx))
    if op == "if":
        return lambda ctx: _if(args[0](ctx), args[1](ctx), args[2](ctx))
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


# ---------------------------------------------------------------- arithmetic


def _product(a: Array, b: Array) -> Array:
    with np.errstate(invalid="ignore"):
        out = a * b
    out[np.isnan(out)] = 0.0  # 0 * unbounded: the factor is exactly 0, so is the product
    return out


def _add(x: Bounds, y: Bounds) -> Bounds:
    with np.errstate(invalid="ignore"):
        lo, hi = x[0] + y[0], x[1] + y[1]
    return np.where(np.isnan(lo), -_INF, lo), np.where(np.isnan(hi), _INF, hi)


def _neg(x: Bounds) -> Bounds:
    return -x[1], -x[0]


def _multiply(x: Bounds, y: Bounds) -> Bounds:
    corners = [_product(a, b) for a in x for b in y]
    return minimum(*corners), maximum(*corners)


def _divide(x: Bounds, y: Bounds) -> Bounds:
    y_lo, y_hi = y
    through_zero = (y_lo <= 0.0) & (y_hi >= 0.0)
    safe_lo = np.where(through_zero, 1.0, y_lo)
    safe_hi = np.where(through_zero, 1.0, y_hi)
    with np.errstate(invalid="ignore", divide="ignore"):
        corners = [a / b for a in x for b in (safe_lo, safe_hi)]
    corners = [np.where(np.isnan(c), 0.0, c) for c in corners]  # unbounded / unbounded
    lo, hi = minimum(*corners), maximum(*corners)
    return np.where(through_zero, -_INF, lo), np.where(through_zero, _INF, hi)


def _binary(combine: Callable[[Bounds, Bounds], Bounds]) -> Callable[..., BoundsFn]:
    def build(left: BoundsFn, right: BoundsFn) -> BoundsFn:
        return lambda ctx: combine(left(ctx), right(ctx))

    return build


_ARITH: dict[str, Callable[[BoundsFn, BoundsFn], BoundsFn]] = {
    "+": _binary(_add),
    "-": _binary(lambda x, y: _add(x, _neg(y))),
    "*": _binary(_multiply),
    "/": _binary(_divide),
}


# ---------------------------------------------------------------- logic


def _as_bool(lo: np.ndarray, hi: np.ndarray) -> Bounds:
    return lo.astype(np.float64), hi.astype(np.float64)


def compare(op: str, x: Bounds, y: Bounds) -> Bounds:
    """A comparison: true where it holds for every pair of values, false where for none."""
    (a, b), (c, d) = x, y  # x in [a, b], y in [c, d]
    if op == "<":
        return _as_bool(b < c, ~(a >= d))
    if op == "<=":
        return _as_bool(b <= c, ~(a > d))
    if op == ">":
        return _as_bool(a > d, ~(b <= c))
    if op == ">=":
        return _as_bool(a >= d, ~(b < c))
    same = (a == b) & (b == c) & (c == d)
    apart = (b < c) | (a > d)
    if op == "==":
        return _as_bool(same, ~apart)
    return _as_bool(apart, ~same)  # !=


def and_(*operands: Bounds) -> Bounds:
    """True where every operand is true for every completion; false where one is always false
    (whatever the others: the scalar code does not compute the operands after it)."""
    lo, hi = minimum(*(lo for lo, _ in operands)), minimum(*(hi for _, hi in operands))
    return _decided(operands, 1, 0.0, lo, hi)


def _or(*operands: Bounds) -> Bounds:
    """True where one operand is always true (whatever the others); false where every one is
    false for every completion."""
    lo, hi = maximum(*(lo for lo, _ in operands)), maximum(*(hi for _, hi in operands))
    return _decided(operands, 0, 1.0, lo, hi)


def _decided(operands: tuple[Bounds, ...], end: int, value: float, lo: Array, hi: Array) -> Bounds:
    """``(lo, hi)``, but ``(value, value)`` where an operand's ``end`` is ``value``."""
    hit = operands[0][end] == value
    for operand in operands[1:]:
        hit = hit | (operand[end] == value)
    if not np.any(hit):
        return lo, hi
    return np.where(hit, value, lo), np.where(hit, value, hi)


def not_(x: Bounds) -> Bounds:
    """Negation of a boolean interval."""
    return 1.0 - x[1], 1.0 - x[0]


def _if(condition: Bounds, then: Bounds, otherwise: Bounds) -> Bounds:
    c_lo, c_hi = condition
    always, never = c_lo == 1.0, c_hi == 0.0
    lo = np.where(always, then[0], np.where(never, otherwise[0], np.minimum(then[0], otherwise[0])))
    hi = np.where(always, then[1], np.where(never, otherwise[1], np.maximum(then[1], otherwise[1])))
    return lo, hi


def _isin(x: Bounds, codes: Array) -> Bounds:
    lo, hi = x
    point = lo == hi
    hit = np.zeros(lo.shape, dtype=bool)
    reachable = np.zeros(lo.shape, dtype=bool)
    for code in codes:
        hit |= lo == code
        reachable |= (lo <= code) & (code <= hi)
    return _as_bool(point & hit, reachable)


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
        return lambda ctx: _clip(x(ctx), low(ctx), high(ctx))
    if name == "abs":
        return lambda ctx: _abs(args[0](ctx))
    if name == "floor":
        return lambda ctx: _monotone(np.floor, args[0](ctx))
    if name == "round":
        scale = 10.0 ** float(expr.args[1].value)
        return lambda ctx: _monotone(lambda v: round_half_away(v, scale), args[0](ctx))
    if name == "phase_out":
        return _phase_out(*args)
    if name == "lookup":
        owner, table = table_of(expr)
        key = args[1]
        return lambda ctx: _lookup(ctx.table(owner, table), key(ctx))
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
            out = _as_bool(members.household_any(lo == 1.0), members.household_any(hi == 1.0))
            return not_(out) if every else out

        return some
    if name in ("applicant", "spouse"):
        inner = args[0]
        role = name

        def member(ctx: BoundsContext) -> Bounds:
            lo, hi = inner(ctx)
            members = ctx.members
            index = members.applicant if role == "applicant" else members.spouse
            return _widen_pair(
                members.member_value(lo, index), members.member_value(hi, index), kind
            )

        return member
    if name == "partner":
        inner = args[0]

        def partner(ctx: BoundsContext) -> Bounds:
            lo, hi = inner(ctx)
            members = ctx.members
            return _widen_pair(members.partner_value(lo), members.partner_value(hi), kind)

        return partner
    if name == "age_on":
        when = args[0]
        scope = expr.scope
        return lambda ctx: ctx.age_bounds(scope, when(ctx))
    raise NotImplementedError(name)  # pragma: no cover - the checker admits only the above


def age_bounds(births: Bounds, when: Bounds) -> Bounds:
    """Completed years of age on dates in ``when`` for births in ``births``: the youngest is
    the latest birth on the earliest date, the oldest the earliest birth on the latest date."""
    youngest = age_at(_finite(births[1]), _finite(when[0]))
    oldest = age_at(_finite(births[0]), _finite(when[1]))
    return np.where(np.isnan(youngest), -_INF, youngest), np.where(np.isnan(oldest), _INF, oldest)


def _widen_pair(lo: Array, hi: Array, kind: Kind) -> Bounds:
    floor, ceiling = (0.0, 1.0) if kind == Kind.BOOL else (-_INF, _INF)
    return np.where(np.isnan(lo), floor, lo), np.where(np.isnan(hi), ceiling, hi)


def _finite(values: Array) -> Array:
    return np.where(np.isfinite(values), values, np.nan)


def _monotone(fn: Callable[[Array], Array], x: Bounds) -> Bounds:
    return fn(x[0]), fn(x[1])


def _clip(x: Bounds, low: Bounds, high: Bounds) -> Bounds:
    lo = np.maximum(low[0], np.minimum(x[0], high[0]))
    hi = np.maximum(low[1], np.minimum(x[1], high[1]))
    return lo, hi


def _abs(x: Bounds) -> Bounds:
    lo, hi = x
    straddles = (lo < 0.0) & (hi > 0.0)
    low = np.where(straddles, 0.0, np.minimum(np.abs(lo), np.abs(hi)))
    return low, np.maximum(np.abs(lo), np.abs(hi))


def _phase_out(base: BoundsFn, income: BoundsFn, threshold: BoundsFn, rate: BoundsFn) -> BoundsFn:
    zero = (0.0, 0.0)

    def phase_out(ctx: BoundsContext) -> Bounds:
        excess = _add(income(ctx), _neg(threshold(ctx)))
        excess = (np.maximum(excess[0], zero[0]), np.maximum(excess[1], zero[1]))
        reduced = _add(base(ctx), _neg(_multiply(excess, rate(ctx))))
        return np.maximum(reduced[0], 0.0), np.maximum(reduced[1], 0.0)

    return phase_out


def _lookup(table: tuple[Array, Array], key: Bounds) -> Bounds:
    """The rows a key anywhere in its bounds can reach: their least and greatest values."""
    keys, values = table
    first = np.maximum(np.searchsorted(keys, key[0], side="right") - 1, 0)
    last = np.maximum(np.searchsorted(keys, key[1], side="right") - 1, 0)
    lo = np.full(key[0].shape, _INF)
    hi = np.full(key[0].shape, -_INF)
    for row, value in enumerate(values):
        reached = (first <= row) & (row <= last)
        lo = np.where(reached, np.minimum(lo, value), lo)
        hi = np.where(reached, np.maximum(hi, value), hi)
    return lo, hi
