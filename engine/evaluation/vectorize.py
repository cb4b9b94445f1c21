"""Turn checked expressions into vectorized NumPy functions over three-valued arrays.

A compiled expression is a function of an :class:`EvalContext`, which supplies facts,
parameters, variables and other programs' results for every row of an entity at once. The same
function runs inside OpenFisca formulas (one household or ten million) and, for explanations, on
the finished simulation.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import methodcaller
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from engine import kleene
from engine.catalog.facts import Entity
from engine.catalog.program import Part, program_read
from engine.catalog.tree import ALWAYS_KNOWN, PROGRAM_READS, Expr
from engine.evaluation.entities import Members
from engine.kleene import Array

__all__ = [
    "EVERY_NODE",
    "Compiled",
    "EvalContext",
    "age_at",
    "compile_expr",
    "leaf_reader",
    "round_half_away",
    "table_of",
]


class EvalContext(Protocol):
    """What a compiled expression reads. Arrays are per row of ``scope``'s entity.

    A context may carry ``node_memo`` (a dict): then every node's values are kept, keyed by the
    node, so explanations reuse what the formulas computed. Population runs leave it out.
    """

    members: Members
    node_memo: dict[int, Array] | None

    def fact(self, name: str, scope: Entity) -> Array:
        """A fact (stated or derived) for every row of ``scope``."""

    def param(self, program: str, name: str) -> float:
        """A program's parameter value in force on the evaluation date."""

    def table(self, program: str, name: str) -> tuple[Array, Array]:
        """A program's table parameter in force on the evaluation date: sorted keys, values."""

    def var(self, name: str, scope: Entity) -> Array:
        """One of the program's variables for every row of ``scope``."""

    def program(self, program_id: str, part: Part, scope: Entity) -> Array:
        """Another program's status, benefit or criterion for every row of ``scope``."""

    def age_on(self, scope: Entity, when: Array) -> Array:
        """Completed years of age of every person row on the dates ``when``."""

    def day(self, name: str) -> float:
        """A built-in date (``as_of``, ``month_start``) as days since 1970-01-01."""

    def size(self, scope: Entity) -> int:
        """The number of rows of ``scope``'s entity."""

    def constant(self, scope: Entity, value: float) -> Array:
        """``value`` on every row of ``scope`` (callers never write into it)."""


Compiled = Callable[[EvalContext], Array]


def compile_expr(expr: Expr, shared: frozenset[int] = frozenset()) -> Compiled:
    """Compile a checked expression into a vectorized function.

    Nodes whose id is in ``shared`` (subtrees that appear more than once in the catalog) keep
    their values in the context's ``node_memo`` when it has one, so they are computed once.

    Examples:
        >>> from engine.catalog.tree import Expr
        >>> from engine.catalog.facts import Kind
        >>> one, two = (Expr("const", Kind.NUMBER, "household", v) for v in (1.0, 2.0))
        >>> fn = compile_expr(Expr("arith", Kind.NUMBER, "household", "+", (one, two)))
        >>> class Ctx:
        ...     node_memo = None
        ...     def constant(self, scope, value): return np.full(2, value)
        >>> fn(Ctx()).tolist()
        [3.0, 3.0]
    """
    fn = _compile(expr, shared)
    key = id(expr)
    if key not in shared or expr.op in ("const", "param", "date", "fact", "var"):
        return fn  # leaves are cheap or memoized by the context already

    def memoized(ctx: EvalContext) -> Array:
        memo = ctx.node_memo
        if memo is None:
            return fn(ctx)
        values = memo.get(key)
        if values is None:
            values = fn(ctx)
            memo[key] = values
        return values

    return memoized


def _compile(expr: Expr, shared: frozenset[int]) -> Compiled:
    op = expr.op
    scope = expr.scope
    number = _scalar(expr)
    if number is not None:  # a constant, parameter or date: the same number on every row
        return lambda ctx: ctx.constant(scope, number(ctx))
    read = leaf_reader(expr, "fact", "var", "program")
    if read is not None:
        return read
    if op == "def":
        inner = compile_expr(expr.args[0], shared)
        if expr.args[0].scope == scope:
            return inner
        # a household definition read per person: each person sees their household's value
        return lambda ctx: inner(ctx)[ctx.members.household_of]
    special = _with_scalar(expr, shared)
    if special is not None:
        return special
    args = [compile_expr(arg, shared) for arg in expr.args]
    if op == "arith":
        return _arith(expr.value, args[0], args[1])
    if op == "neg":
        return lambda ctx: -args[0](ctx)
    if op == "cmp":
        comparator: str = expr.value
        if expr.args[1].op in ALWAYS_KNOWN:  # e.g. ``age < 18``: only the left can be unknown
            return lambda ctx: kleene.compare_known(comparator, args[0](ctx), args[1](ctx))
        return lambda ctx: kleene.compare(comparator, args[0](ctx), args[1](ctx))
    if op == "isin":
        codes = np.array(expr.value)
        return lambda ctx: _isin(args[0](ctx), codes)
    if op == "and":
        return lambda ctx: kleene.and_(*(a(ctx) for a in args))
    if op == "or":
        return lambda ctx: kleene.or_(*(a(ctx) for a in args))
    if op == "not":
        return lambda ctx: kleene.not_(args[0](ctx))
    if op == "if":
        return lambda ctx: kleene.if_else(args[0](ctx), args[1](ctx), args[2](ctx))
    return _call(expr, args)


def leaf_reader(expr: Expr, fact: str, var: str, program: str) -> Callable[[Any], Any] | None:
    """The reader of a leaf every interpreter of the tree shares (a fact, one of the program's
    variables, another program's part), calling the context method named ``fact``, ``var`` or
    ``program``; None for any other node."""
    if expr.op == "fact":
        return methodcaller(fact, expr.value, expr.scope)
    if expr.op == "var":
        return methodcaller(var, expr.value, expr.scope)
    if expr.op == "call" and expr.value in PROGRAM_READS:
        program_id, part = program_read(expr)
        return methodcaller(program, program_id, part, expr.scope)
    return None


def round_half_away(values: Array, scale: float) -> Array:
    """Round to ``1 / scale`` half away from zero, as people round money (not NumPy's
    half-to-even); infinite values stay infinite."""
    with np.errstate(invalid="ignore"):
        # 1e-9 absorbs binary noise (239.745 is 239.74499... in binary), as round_cents does
        out = np.trunc(values * scale + np.copysign(0.5 + 1e-9, values)) / scale
    return np.asarray(np.where(np.isinf(values), values, out), dtype=np.float64)


def table_of(lookup: Expr) -> tuple[str, str]:
    """The program and name of the table a ``lookup(table, key)`` call reads."""
    return lookup.args[0].owner or "", lookup.args[0].value


class _Every(frozenset[int]):
    """Every node id: compile with a memo wrapper on each node."""

    def __contains__(self, item: object) -> bool:
        return True


EVERY_NODE: frozenset[int] = _Every()


_FLIPPED = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}
_SCALAR_ARITH = {"+": np.add, "-": np.subtract, "*": np.multiply}


def _scalar(expr: Expr) -> Callable[[EvalContext], float] | None:
    """A getter for a value that is one number on every row (a constant, parameter or date)."""
    if expr.op == "const":
        value = float(expr.value)
        return lambda ctx: value
    if expr.op == "param":
        name: str = expr.value
        owner: str = expr.owner or ""
        return lambda ctx: ctx.param(owner, name)
    if expr.op == "date":
        day: str = expr.value
        return lambda ctx: ctx.day(day)
    return None


def _with_scalar(expr: Expr, shared: frozenset[int]) -> Compiled | None:
    """``x + 12`` or ``age < limit``: combine the array with a plain number, which NumPy
    broadcasts, instead of building a constant array for the number."""
    if expr.op not in ("arith", "cmp") or (expr.op == "arith" and expr.value == "/"):
        return None
    left, right = expr.args
    left_scalar, right_scalar = _scalar(left), _scalar(right)
    op: str = expr.value
    if right_scalar is not None and left_scalar is None:
        array, number, number_first = compile_expr(left, shared), right_scalar, False
    elif left_scalar is not None and right_scalar is None:
        array, number, number_first = compile_expr(right, shared), left_scalar, True
    else:
        return None  # both arrays, or both numbers (keep arrays: the result must be one)
    if expr.op == "cmp":
        # ``limit > age`` is ``age < limit``: the number goes on the right
        comparator = _FLIPPED[op] if number_first else op
        return lambda ctx: kleene.compare_known(comparator, array(ctx), number(ctx))  # type: ignore[arg-type]
    ufunc = _SCALAR_ARITH[op]
    if number_first:
        return lambda ctx: np.asarray(ufunc(number(ctx), array(ctx)), dtype=np.float64)
    return lambda ctx: np.asarray(ufunc(array(ctx), number(ctx)), dtype=np.float64)


def _arith(op: str, left: Compiled, right: Compiled) -> Compiled:
    if op == "+":
        return lambda ctx: left(ctx) + right(ctx)
    if op == "-":
        return lambda ctx: left(ctx) - right(ctx)
    if op == "*":
        return lambda ctx: left(ctx) * right(ctx)

    def divide(ctx: EvalContext) -> Array:
        numerator, denominator = left(ctx), right(ctx)
        with np.errstate(divide="ignore", invalid="ignore"):
            out = numerator / denominator
        out[denominator == 0] = np.nan  # division by zero has no answer: unknown
        return out

    return divide


def _isin(values: Array, codes: Array) -> Array:
    hit: npt.NDArray[np.bool_] = np.equal(values, codes[0])
    for code in codes[1:]:
        hit |= np.equal(values, code)
    out: Array = hit.astype(np.float64)
    out[np.isnan(values)] = np.nan
    return out


def _call(expr: Expr, args: list[Compiled]) -> Compiled:
    name: str = expr.value
    if name == "min":
        return lambda ctx: kleene.minimum(*(a(ctx) for a in args))
    if name == "max":
        return lambda ctx: kleene.maximum(*(a(ctx) for a in args))
    if name == "clip":
        x, lo, hi = args
        return lambda ctx: kleene.maximum(lo(ctx), kleene.minimum(x(ctx), hi(ctx)))
    if name == "abs":
        return lambda ctx: np.abs(args[0](ctx))
    if name == "floor":
        return lambda ctx: np.floor(args[0](ctx))
    if name == "round":
        scale = 10.0 ** float(expr.args[1].value)
        return lambda ctx: round_half_away(args[0](ctx), scale)
    if name == "phase_out":
        return _phase_out(*args)
    if name == "lookup":
        owner, table = table_of(expr)
        key = args[1]
        return lambda ctx: _lookup(ctx.table(owner, table), key(ctx))
    if name in ("count", "sum"):
        inner = args[0]
        return lambda ctx: ctx.members.household_sum(inner(ctx))
    if name == "any":
        inner = args[0]
        return lambda ctx: ctx.members.kleene_any(inner(ctx))
    if name == "all":
        inner = args[0]
        return lambda ctx: kleene.not_(ctx.members.kleene_any(kleene.not_(inner(ctx))))
    if name == "applicant":
        inner = args[0]
        return lambda ctx: ctx.members.member_value(inner(ctx), ctx.members.applicant)
    if name == "spouse":
        inner = args[0]
        return lambda ctx: ctx.members.member_value(inner(ctx), ctx.members.spouse)
    if name == "partner":
        inner = args[0]
        return lambda ctx: ctx.members.partner_value(inner(ctx))
    if name == "age_on":
        when = args[0]
        scope = expr.scope
        return lambda ctx: ctx.age_on(scope, when(ctx))
    raise NotImplementedError(name)  # pragma: no cover - the checker admits only the above


def _phase_out(base: Compiled, income: Compiled, threshold: Compiled, rate: Compiled) -> Compiled:
    def phase_out(ctx: EvalContext) -> Array:
        excess = np.maximum(income(ctx) - threshold(ctx), 0.0)
        return np.maximum(base(ctx) - excess * rate(ctx), 0.0)

    return phase_out


def _lookup(table: tuple[Array, Array], key: Array) -> Array:
    """The value of the row at ``key`` (below the first row: the first; above the last: the last;
    between rows: the row below)."""
    keys, values = table
    unknown = np.isnan(key)
    index = np.searchsorted(keys, np.where(unknown, keys[0], key), side="right") - 1
    out = values[np.maximum(index, 0)]
    out[unknown] = np.nan
    return out


def _civil(days: npt.NDArray[np.int64]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Days since 1970-01-01 as (year, month * 32 + day) of the proleptic Gregorian calendar,
    in integer arithmetic (H. Hinnant's days-to-civil algorithm; several times cheaper than
    NumPy's datetime64 conversions)."""
    z = days + 719_468  # days since 0000-03-01
    era = z // 146_097
    doe = z - era * 146_097  # day of the 400-year era
    yoe = (doe - doe // 1_460 + doe // 36_524 - doe // 146_096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)  # day of the year starting in March
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = np.where(mp < 10, mp + 3, mp - 9)
    return yoe + era * 400 + (month <= 2), month * 32 + day


def age_at(birth_days: Array, on_days: Array) -> Array:
    """Completed years of age on a date, from days since 1970 (NaN stays unknown).

    Examples:
        >>> import numpy as np
        >>> d = lambda s: float((np.datetime64(s) - np.datetime64("1970-01-01")).astype(int))
        >>> age_at(np.array([d("2020-03-01")]), np.array([d("2026-02-28")])).tolist()
        [5.0]
        >>> age_at(np.array([d("2020-03-01"), np.nan]), np.array([d("2026-03-01")] * 2)).tolist()
        [6.0, nan]
        >>> leap = np.array([d("2000-02-29")])
        >>> age_at(leap, np.array([d("2001-02-28"), d("2001-03-01")])).tolist()
        [0.0, 1.0]
    """
    birth_days, on_days = np.broadcast_arrays(birth_days, on_days)
    known = ~(np.isnan(birth_days) | np.isnan(on_days))
    out = np.full(birth_days.shape, np.nan)
    if not known.any():
        return out
    birth_year, birth_day = _civil(birth_days[known].astype(np.int64))
    on = on_days[known]
    if (on == on[0]).all():  # one day for every row, as a program's dates are: convert it once
        on = on[:1]
    on_year, on_day = _civil(on.astype(np.int64))
    out[known] = on_year - birth_year - (on_day < birth_day)
    return out
