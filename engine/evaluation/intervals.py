"""Interval operations on arrays: the bounds of each operator of the rule language.

A value's bounds are a pair of arrays ``(lo, hi)`` enclosing its value on every row for every
completion of the unknown facts (see :mod:`engine.evaluation.bounds`, which compiles expressions
into functions composing these operations). Here: the bounds of a stated fact (its registry
domain where unknown), arithmetic, comparisons and Kleene logic on boolean intervals, the
functions of the rule language, and ages; and where three-valued values meet their bounds (a
known value is its own bounds, an unknown one that its bounds decide is known).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from engine.catalog.facts import Fact, Kind
from engine.evaluation.vectorize import age_at
from engine.kleene import Array, maximum, minimum

__all__ = [
    "Bounds",
    "abs_",
    "add",
    "age_bounds",
    "and_",
    "as_bool",
    "clip",
    "compare",
    "decided",
    "divide",
    "domain_bounds",
    "if_",
    "isin",
    "known_or",
    "lookup",
    "monotone",
    "multiply",
    "neg",
    "not_",
    "or_",
    "refined",
    "widen_pair",
    "with_domain",
]

Bounds = tuple[Array, Array]
_INF = np.inf
_DAYS_PER_YEAR = 365.25


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


# ---------------------------------------------------------------- arithmetic


def _product(a: Array, b: Array) -> Array:
    with np.errstate(invalid="ignore"):
        out = a * b
    out[np.isnan(out)] = 0.0  # 0 * unbounded: the factor is exactly 0, so is the product
    return out


def add(x: Bounds, y: Bounds) -> Bounds:
    """Sum of two intervals: an undefined end (inf - inf) is unbounded."""
    with np.errstate(invalid="ignore"):
        lo, hi = x[0] + y[0], x[1] + y[1]
    return np.where(np.isnan(lo), -_INF, lo), np.where(np.isnan(hi), _INF, hi)


def neg(x: Bounds) -> Bounds:
    """Negation of an interval."""
    return -x[1], -x[0]


def multiply(x: Bounds, y: Bounds) -> Bounds:
    """Product of two intervals: the least and greatest corner, 0 * unbounded being 0."""
    corners = [_product(a, b) for a in x for b in y]
    return minimum(*corners), maximum(*corners)


def divide(x: Bounds, y: Bounds) -> Bounds:
    """Quotient of two intervals: unbounded where the divisor may be 0."""
    y_lo, y_hi = y
    through_zero = (y_lo <= 0.0) & (y_hi >= 0.0)
    safe_lo = np.where(through_zero, 1.0, y_lo)
    safe_hi = np.where(through_zero, 1.0, y_hi)
    with np.errstate(invalid="ignore", divide="ignore"):
        corners = [a / b for a in x for b in (safe_lo, safe_hi)]
    corners = [np.where(np.isnan(c), 0.0, c) for c in corners]  # unbounded / unbounded
    lo, hi = minimum(*corners), maximum(*corners)
    return np.where(through_zero, -_INF, lo), np.where(through_zero, _INF, hi)


# ---------------------------------------------------------------- logic


def as_bool(lo: np.ndarray, hi: np.ndarray) -> Bounds:
    """A boolean interval from two masks (surely true, possibly true)."""
    return lo.astype(np.float64), hi.astype(np.float64)


def compare(op: str, x: Bounds, y: Bounds) -> Bounds:
    """A comparison: true where it holds for every pair of values, false where for none."""
    (a, b), (c, d) = x, y  # x in [a, b], y in [c, d]
    if op == "<":
        return as_bool(b < c, ~(a >= d))
    if op == "<=":
        return as_bool(b <= c, ~(a > d))
    if op == ">":
        return as_bool(a > d, ~(b <= c))
    if op == ">=":
        return as_bool(a >= d, ~(b < c))
    same = (a == b) & (b == c) & (c == d)
    apart = (b < c) | (a > d)
    if op == "==":
        return as_bool(same, ~apart)
    return as_bool(apart, ~same)  # !=


def and_(*operands: Bounds) -> Bounds:
    """True where every operand is true for every completion; false where one is always false
    (whatever the others: the scalar code does not compute the operands after it)."""
    lo, hi = minimum(*(lo for lo, _ in operands)), minimum(*(hi for _, hi in operands))
    return _decided(operands, 1, 0.0, lo, hi)


def or_(*operands: Bounds) -> Bounds:
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


def if_(condition: Bounds, then: Bounds, otherwise: Bounds) -> Bounds:
    """``if``: the branch the condition surely takes, else the hull of both branches."""
    c_lo, c_hi = condition
    always, never = c_lo == 1.0, c_hi == 0.0
    lo = np.where(always, then[0], np.where(never, otherwise[0], np.minimum(then[0], otherwise[0])))
    hi = np.where(always, then[1], np.where(never, otherwise[1], np.maximum(then[1], otherwise[1])))
    return lo, hi


def isin(x: Bounds, codes: Array) -> Bounds:
    """Membership in ``codes``: true where the value is one, false where none is reachable."""
    lo, hi = x
    point = lo == hi
    hit = np.zeros(lo.shape, dtype=bool)
    reachable = np.zeros(lo.shape, dtype=bool)
    for code in codes:
        hit |= lo == code
        reachable |= (lo <= code) & (code <= hi)
    return as_bool(point & hit, reachable)


# ---------------------------------------------------------------- functions


def age_bounds(births: Bounds, when: Bounds) -> Bounds:
    """Completed years of age on dates in ``when`` for births in ``births``: the youngest is
    the latest birth on the earliest date, the oldest the earliest birth on the latest date."""
    youngest = age_at(_finite(births[1]), _finite(when[0]))
    oldest = age_at(_finite(births[0]), _finite(when[1]))
    return np.where(np.isnan(youngest), -_INF, youngest), np.where(np.isnan(oldest), _INF, oldest)


def widen_pair(lo: Array, hi: Array, kind: Kind) -> Bounds:
    """Bounds read from another row: an absent member's NaN widened to the kind's whole range."""
    floor, ceiling = (0.0, 1.0) if kind == Kind.BOOL else (-_INF, _INF)
    return np.where(np.isnan(lo), floor, lo), np.where(np.isnan(hi), ceiling, hi)


def _finite(values: Array) -> Array:
    return np.where(np.isfinite(values), values, np.nan)


def monotone(fn: Callable[[Array], Array], x: Bounds) -> Bounds:
    """A non-decreasing function of an interval: applied to both ends."""
    return fn(x[0]), fn(x[1])


def clip(x: Bounds, low: Bounds, high: Bounds) -> Bounds:
    """``clip(x, low, high)`` on intervals."""
    lo = np.maximum(low[0], np.minimum(x[0], high[0]))
    hi = np.maximum(low[1], np.minimum(x[1], high[1]))
    return lo, hi


def abs_(x: Bounds) -> Bounds:
    """Absolute value of an interval: from 0 where it straddles 0."""
    lo, hi = x
    straddles = (lo < 0.0) & (hi > 0.0)
    low = np.where(straddles, 0.0, np.minimum(np.abs(lo), np.abs(hi)))
    return low, np.maximum(np.abs(lo), np.abs(hi))


def lookup(table: tuple[Array, Array], key: Bounds) -> Bounds:
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


def known_or(values: Array, bounds: Callable[[], Bounds]) -> Bounds:
    """A value's bounds: the value itself where it is known (a known three-valued value is the
    value of every completion of the unknown facts), ``bounds()`` where it is not, computed only
    if some row is unknown."""
    unknown = np.isnan(values)
    if not unknown.any():
        return values, values
    lo, hi = bounds()
    return np.where(unknown, lo, values), np.where(unknown, hi, values)


def refined(values: Array, bounds: Bounds) -> Array:
    """Unknown values that every completion of the unknown facts sets to one value: that value."""
    known, point = decided(bounds)
    fill = np.isnan(values) & known
    if not fill.any():
        return values
    out = values.copy()
    out[fill] = point[fill]
    return out
