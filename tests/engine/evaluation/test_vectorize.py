"""The rule language's semantics, one behaviour each, on a small hand-made household table.

Two households: household 0 has an applicant (40, income 30,000), a spouse whose income is
unknown and a child of 4; household 1 has only an applicant whose date of birth is unknown.
"""

from __future__ import annotations

import math
import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from kit import FACTS, code, namespace

from engine.catalog.expressions import ExpressionProblem, check_expression
from engine.catalog.facts import ROLE_CODES, Entity, Kind
from engine.catalog.program import Part
from engine.evaluation.entities import Members
from engine.evaluation.vectorize import age_at, compile_expr
from engine.kleene import Array

NAN = math.nan
DAY = 20_468.0  # 2026-01-15 as days since 1970-01-01


class FakeContext:
    """Facts in plain arrays: the EvalContext protocol without OpenFisca."""

    node_memo = None

    def __init__(self) -> None:
        role = np.array([ROLE_CODES[r] for r in ("applicant", "spouse", "child", "applicant")])
        self.members = Members.build(np.array([0, 0, 0, 1]), role, 2)
        citizen, resident = (
            code("residency_status", "citizen"),
            code("residency_status", "permanent_resident"),
        )
        self.person = {
            "role": role.astype(np.float64),
            "net_income": np.array([30_000.0, NAN, 0.0, 12_000.0]),
            "date_of_birth": np.array(
                [DAY - 40 * 365.25, DAY - 38 * 365.25, DAY - 4 * 365.25, NAN]
            ),
            "has_disability": np.array([0.0, NAN, 1.0, NAN]),
            "residency_status": np.array([citizen, resident, citizen, NAN]),
        }
        self.household = {"province": np.array([code("province", "ON"), NAN])}

    def fact(self, name: str, scope: Entity) -> Array:
        if FACTS[name].entity == "person":
            return self.person[name]
        values = self.household[name]
        return values[self.members.household_of] if scope == "person" else values

    def param(self, program: str, name: str) -> float:
        return {"cap": 1_000.0, "rate": 0.1}[name]

    def table(self, program: str, name: str) -> tuple[Array, Array]:
        return np.array([1.0, 2.0, 4.0]), np.array([0.07, 0.135, 0.23])

    def var(self, name: str, scope: Entity) -> Array:
        raise KeyError(name)

    def program(self, program_id: str, part: Part, scope: Entity) -> Array:
        raise KeyError(program_id)

    def age_on(self, scope: Entity, when: Array) -> Array:
        return age_at(self.person["date_of_birth"], when)

    def day(self, name: str) -> float:
        return DAY

    def size(self, scope: Entity) -> int:
        return 4 if scope == "person" else 2

    def constant(self, scope: Entity, value: float) -> Array:
        return np.full(self.size(scope), value)


def evaluate(source: str) -> list[float]:
    parameters = {"cap": Kind.NUMBER, "rate": Kind.NUMBER, "t": Kind.TABLE}
    ns = namespace(entity="household", program="xx", parameters=parameters)
    values: list[float] = compile_expr(check_expression(source, ns))(FakeContext()).tolist()  # type: ignore[arg-type]
    return values


def same(got: list[float], want: list[float]) -> bool:
    return all((math.isnan(g) and math.isnan(w)) or g == w for g, w in zip(got, want, strict=True))


@pytest.mark.parametrize(
    ("source", "want"),
    [
        # sums propagate unknown: the spouse's income is not known
        ("sum(net_income if is_partner else 0)", [NAN, 12_000.0]),
        # ...but a known-false condition ignores the unknown branch
        ("sum(net_income if is_child else 0)", [0.0, 0.0]),
        # any: one known true member decides; all: one known false member decides
        ("any(has_disability)", [1.0, NAN]),
        ("all(has_disability)", [0.0, NAN]),
        ("count(is_child)", [1.0, 0.0]),
        # a member function on an absent member is unknown
        ("spouse(net_income)", [NAN, NAN]),
        ("applicant(net_income)", [30_000.0, 12_000.0]),
        ("spouse(net_income) if has_spouse else 0", [NAN, 0.0]),
        # Kleene and/or over an unknown province
        ('province == "ON" and has_spouse', [1.0, 0.0]),
        ('province == "ON" or has_spouse', [1.0, NAN]),
        ('province in ("ON", "QC")', [1.0, NAN]),
        ('not province == "ON"', [0.0, NAN]),
        # arithmetic
        ("phase_out(cap, applicant(net_income), 11_000, rate)", [0.0, 900.0]),
        ("clip(applicant(net_income), 0, 20_000)", [20_000.0, 12_000.0]),
        ("round(applicant(net_income) / 7, 2)", [4285.71, 1714.29]),
        ("floor(applicant(net_income) / 7_000)", [4.0, 1.0]),
        ("lookup(t, count(is_partner))", [0.135, 0.07]),
        ("lookup(t, 9)", [0.23, 0.23]),
        ("lookup(t, 3)", [0.135, 0.135]),
        # division by zero has no answer
        ("cap / count(is_child)", [1_000.0, NAN]),
        # dates and ages
        ("applicant(age)", [40.0, NAN]),
        ('applicant(age_on(date("2066-01-16")))', [80.0, NAN]),
        ("count(is_child and age < 6)", [1.0, 0.0]),
    ],
)
def test_semantics(source: str, want: list[float]) -> None:
    got = evaluate(source)
    assert same(got, want), (source, got)


def test_round_is_half_away_from_zero_not_half_even() -> None:
    assert evaluate("round(2.5, 0)") == [3.0, 3.0]
    assert evaluate("round(-2.5, 0)") == [-3.0, -3.0]
    assert evaluate("round(0.125, 2)") == [0.13, 0.13]


_LEAVES = st.sampled_from(
    [
        "cap",
        "rate",
        "2",
        "0",
        "True",
        "as_of",
        "month_start",
        "has_spouse",
        "province",
        '"ON"',
        "applicant(age)",
        "spouse(net_income)",
        "count(is_child)",
        "any(has_disability)",
        "sum(net_income)",
        'date("2026-07-01")',
        "rates",
        "residency_status",
        "family_net_income",
    ]
)


def _combine(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    binary = st.sampled_from(["+", "-", "*", "/", "<", ">=", "==", "!=", "and", "or", "in"])
    calls = st.sampled_from(["min", "max", "abs", "floor", "round", "clip", "phase_out", "lookup"])
    return st.one_of(
        st.tuples(children, binary, children).map(
            lambda t: f"({t[0]} {t[1]} ({t[2]},))" if t[1] == "in" else f"({t[0]} {t[1]} {t[2]})"
        ),
        st.tuples(children).map(lambda t: f"(not {t[0]})"),
        st.tuples(children, children, children).map(lambda t: f"({t[0]} if {t[1]} else {t[2]})"),
        st.tuples(calls, st.lists(children, min_size=1, max_size=4)).map(
            lambda t: f"{t[0]}({', '.join(t[1])})"
        ),
    )


@settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "300")), deadline=None)
@given(st.recursive(_LEAVES, _combine, max_leaves=8))
def test_whatever_the_checker_admits_the_compiler_runs(source: str) -> None:
    parameters = {"cap": Kind.NUMBER, "rate": Kind.NUMBER, "rates": Kind.TABLE}
    ns = namespace(entity="household", program="xx", parameters=parameters)
    try:
        expr = check_expression(source, ns)
    except ExpressionProblem:
        return
    values = compile_expr(expr)(FakeContext())  # type: ignore[arg-type]
    assert values.shape == (2,) and values.dtype == np.float64
    if expr.kind == Kind.BOOL:
        assert set(values[~np.isnan(values)].tolist()) <= {0.0, 1.0}
