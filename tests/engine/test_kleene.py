"""Kleene three-valued logic: the laws the engine's unknowns rest on."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from engine import kleene
from engine.kleene import to_days

values = st.sampled_from([0.0, 1.0, np.nan])


def _same(a: float, b: float) -> bool:
    return (np.isnan(a) and np.isnan(b)) or a == b


@given(values)
def test_false_and_anything_is_false(x: float) -> None:
    assert kleene.and_(np.array([0.0]), np.array([x]))[0] == 0.0


@given(values)
def test_true_or_anything_is_true(x: float) -> None:
    assert kleene.or_(np.array([1.0]), np.array([x]))[0] == 1.0


@given(values, values)
def test_de_morgan(a: float, b: float) -> None:
    left = kleene.not_(kleene.and_(np.array([a]), np.array([b])))[0]
    right = kleene.or_(kleene.not_(np.array([a])), kleene.not_(np.array([b])))[0]
    assert _same(left, right)


@given(values, values)
def test_and_is_unknown_only_without_a_false(a: float, b: float) -> None:
    result = kleene.and_(np.array([a]), np.array([b]))[0]
    assert np.isnan(result) == (0.0 not in (a, b) and (np.isnan(a) or np.isnan(b)))


# Known values are finite: profiles reject infinities and parameters are finite numbers.
@given(
    st.floats(allow_nan=True, allow_infinity=False),
    st.floats(allow_nan=False, allow_infinity=False),
)
def test_comparison_with_unknown_is_unknown(x: float, y: float) -> None:
    result = kleene.compare("<", np.array([x]), np.array([y]))[0]
    assert np.isnan(result) == np.isnan(x)


def test_if_else_with_unknown_condition_is_known_only_when_branches_agree() -> None:
    condition = np.array([np.nan, np.nan, 1.0, 0.0])
    result = kleene.if_else(
        condition, np.array([5.0, 5.0, 5.0, 5.0]), np.array([5.0, 7.0, 7.0, 7.0])
    )
    assert result[0] == 5.0 and np.isnan(result[1]) and result[2] == 5.0 and result[3] == 7.0


@given(
    st.floats(allow_nan=True, allow_infinity=False),
    st.floats(allow_nan=False, allow_infinity=False),
)
def test_compare_known_agrees_with_compare(x: float, y: float) -> None:
    for op in ("<", "<=", ">", ">=", "==", "!="):
        left, right = np.array([x]), np.array([y])
        a, b = kleene.compare(op, left, right)[0], kleene.compare_known(op, left, right)[0]
        assert _same(a, b)


@given(
    st.dates(dt.date(1850, 1, 1), dt.date(2100, 12, 31)),
    st.lists(st.dates(dt.date(1850, 1, 1), dt.date(2100, 12, 31)), min_size=1, max_size=4),
)
def test_age_at_counts_completed_years_as_the_calendar_does(
    born: dt.date, days: list[dt.date]
) -> None:
    """Integer calendar arithmetic against Python's dates, leap days and before 1970 included
    (a birthday on February 29 is reached on March 1 in a common year)."""
    from engine.evaluation.vectorize import age_at

    def expected(on: dt.date) -> int:
        return on.year - born.year - ((on.month, on.day) < (born.month, born.day))

    births = np.full(len(days), float(to_days(born)))
    found = age_at(births, np.array([float(to_days(d)) for d in days]))
    assert found.tolist() == [float(expected(d)) for d in days]
    same_day = age_at(births, np.full(len(days), float(to_days(days[0]))))
    assert same_day.tolist() == [float(expected(days[0]))] * len(days)


def _truth(values: list[float], dominant: float) -> float:
    """Kleene's table for one row: the dominant value wins, else unknown if any is unknown."""
    if dominant in values:
        return dominant
    return math.nan if any(math.isnan(v) for v in values) else 1.0 - dominant


@given(
    st.lists(
        st.lists(st.sampled_from([0.0, 1.0, math.nan]), min_size=5, max_size=5),
        min_size=1,
        max_size=4,
    )
)
def test_and_and_or_of_several_arrays_follow_kleene_row_by_row(columns: list[list[float]]) -> None:
    arrays = [np.array(c) for c in columns]
    rows = list(zip(*columns, strict=True))
    for fold, dominant in ((kleene.and_, 0.0), (kleene.or_, 1.0)):
        found = fold(*arrays).tolist()
        expected = [_truth(list(row), dominant) for row in rows]
        assert [None if math.isnan(v) else v for v in found] == [
            None if math.isnan(v) else v for v in expected
        ]
