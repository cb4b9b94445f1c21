"""The interval operations the generated bounds code writes out (no call per operation) give
exactly what the one-row operations of ``scalar_ops`` give, on every pair of ends, infinite,
undefined and signed zeros included (``scalar_ops`` is itself property-tested against the
vectorized ``bounds``); and a table lookup's bounds taken over the slice of rows the key
reaches are the row-by-row fold's."""

from __future__ import annotations

import itertools
import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from kit import LAWS

from engine.evaluation import scalar_ops
from engine.evaluation.scalar_bounds_code import BoundsEmitter
from engine.evaluation.scalar_slots import CMP_OPS

INF = math.inf
SPECIAL = [-INF, -1.5, -1.0, -0.0, 0.0, 0.5, 1.0, 2.0, INF, math.nan]
ends = st.one_of(st.sampled_from(SPECIAL), st.floats(allow_nan=True, allow_infinity=True))


def _written(write: Any) -> Any:
    """Run what an emitter method writes, on the ends ``a, b`` (x) and ``c, d`` (y)."""
    emitter = BoundsEmitter.__new__(BoundsEmitter)
    emitter.lines, emitter.depth, emitter.count = [], 0, 0
    write(emitter)
    source = "\n".join(emitter.lines)
    code = compile(source, "<inline bounds>", "exec")

    def run(x: tuple[float, float], y: tuple[float, float]) -> tuple[float, float]:
        space = {"INF": INF, "a": x[0], "b": x[1], "c": y[0], "d": y[1]}
        exec(code, space)  # the test's own exec of what the emitter wrote
        return space["lo"], space["hi"]

    return run


def _same(got: tuple[float, float], want: tuple[float, float]) -> bool:
    return all(
        (math.isnan(g) and math.isnan(w)) or (g == w and math.copysign(1, g) == math.copysign(1, w))
        for g, w in zip(got, want, strict=True)
    )


WRITTEN = {
    "+": _written(lambda e: e.add_pair(("a", "b"), ("c", "d"), negate=False, lo="lo", hi="hi")),
    "-": _written(lambda e: e.add_pair(("a", "b"), ("c", "d"), negate=True, lo="lo", hi="hi")),
    "*": _written(lambda e: e.multiply_pair(("a", "b"), ("c", "d"), "lo", "hi")),
    **{
        op: _written(lambda e, op=op: e.compare_pair(op, ("a", "b"), ("c", "d"), "lo", "hi"))
        for op in CMP_OPS
    },
}


def _expected(op: str, x: tuple[float, float], y: tuple[float, float]) -> tuple[float, float]:
    if op == "+":
        return scalar_ops.b_add(x, y)
    if op == "-":
        return scalar_ops.b_add(x, (-y[1], -y[0]))
    if op == "*":
        return scalar_ops.b_mul(x, y)
    return scalar_ops.b_cmp(op, x, y)


@pytest.mark.parametrize("op", sorted(WRITTEN))
def test_every_pair_of_special_ends(op: str) -> None:
    for a, b, c, d in itertools.product(SPECIAL, repeat=4):
        got = WRITTEN[op]((a, b), (c, d))
        assert _same(got, _expected(op, (a, b), (c, d))), (op, a, b, c, d, got)


@LAWS
@given(op=st.sampled_from(sorted(WRITTEN)), a=ends, b=ends, c=ends, d=ends)
def test_random_ends(op: str, a: float, b: float, c: float, d: float) -> None:
    got = WRITTEN[op]((a, b), (c, d))
    assert _same(got, _expected(op, (a, b), (c, d))), (op, a, b, c, d, got)


def _lookup_row_by_row(
    keys: list[float], values: list[float], key: tuple[float, float]
) -> tuple[float, float]:
    """The reference: every row the key's ends can reach, folded one by one (mn, mx)."""
    first, last = scalar_ops._row(keys, key[0]), scalar_ops._row(keys, key[1])
    lo, hi = INF, -INF
    for row, value in enumerate(values):
        if first <= row <= last:
            lo, hi = scalar_ops.mn(lo, value), scalar_ops.mx(hi, value)
    return lo, hi


@LAWS
@given(
    rows=st.lists(st.tuples(st.integers(0, 50), ends), min_size=1, max_size=8),
    key=st.tuples(ends, ends),
)
def test_a_table_lookup_s_bounds_are_the_rows_the_key_reaches(
    rows: list[tuple[int, float]], key: tuple[float, float]
) -> None:
    ordered = sorted(dict(rows).items())
    keys, values = [float(k) for k, _ in ordered], [v for _, v in ordered]
    got = scalar_ops.b_lookup(keys, values, key)
    assert _same(got, _lookup_row_by_row(keys, values, key)), (keys, values, key, got)
