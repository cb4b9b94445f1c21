"""The checker: what the rule language admits and what it rejects, with the reason."""

from __future__ import annotations

import pytest
from kit import namespace

from engine.catalog.expressions import ExpressionProblem, check_expression
from engine.catalog.facts import Kind

NS = namespace(
    entity="household",
    program="xx_demo",
    parameters={"cap": Kind.NUMBER, "rates": Kind.TABLE},
    programs={"ca_ccb": "household", "ca_oas": "person", "xx_demo": "household"},
    foreign_parameters={
        "ca_oas": {"max_65_74": Kind.NUMBER},
        "ca_ccb": {"reduction_rate_1": Kind.TABLE},
    },
    foreign_criteria={"ca_ccb": ["has_eligible_status"]},
)


@pytest.mark.parametrize(
    ("source", "kind"),
    [
        ("cap * 2", Kind.NUMBER),
        ("family_net_income <= cap < 10", Kind.BOOL),
        ('province in ("ON", "QC")', Kind.BOOL),
        ('province not in ("ON",)', Kind.BOOL),
        ("as_of - 1", Kind.DATE),
        ("as_of - month_start", Kind.NUMBER),
        ('is_eligible("ca_oas") and amount_of("ca_ccb") > 0', Kind.BOOL),
        ("applicant(age) if has_spouse else 0", Kind.NUMBER),
        ("lookup(rates, count(is_child))", Kind.NUMBER),
        ('date("2026-07-01") > as_of', Kind.BOOL),
        ('criterion("ca_ccb", "has_eligible_status")', Kind.BOOL),
        ('any(is_child) and criterion("ca_ccb", "has_eligible_status")', Kind.BOOL),
        ('parameter("ca_oas", "max_65_74") * 12', Kind.NUMBER),
        ('lookup(parameter("ca_ccb", "reduction_rate_1"), 2)', Kind.NUMBER),
    ],
)
def test_admitted_expressions_have_their_type(source: str, kind: Kind) -> None:
    assert check_expression(source, NS).kind == kind


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("age > 65", "'age' is defined per person"),
        ("net_income > 65", "person fact 'net_income' used at household level"),
        ('criterion("ca_ccb", "nope")', "ca_ccb has no criterion 'nope'"),
        ('parameter("ca_oas", "nope")', "ca_oas has no parameter 'nope'"),
        ('parameter("ca_ccb", "reduction_rate_1")', "can only be read with lookup"),
        ('is_eligible("xx_demo")', "cannot read the program's own result"),
        ('criterion("nope", "x")', "unknown program 'nope'"),
        ('province < "ON"', "cannot order text values"),
        ("as_of + as_of", "cannot combine a date and a date"),
        ("cap if has_spouse else has_spouse", "both branches of 'if' must have the same type"),
        ("lookup(cap, 1)", "lookup() needs a table parameter"),
        ("rates + 1", "table parameter 'rates' can only be read with lookup(rates, key)"),
        ('date("2026-02-30")', "date() needs YYYY-MM-DD"),
        ("min(cap)", "min() takes 2 or more arguments, got 1"),
        ("count(age)", "count() needs a bool, got a number"),
        ("applicant(age_on(as_of)) + count(applicant(age) > 1)", "cannot be used inside a person"),
        ("cap ** 2", "is not allowed"),
        ("cap | 1", "is not allowed"),
        ("max", "function 'max' must be called"),
        ("'ON'", "a quoted text is a value only when compared with a fact"),
        ("has_spouse is True", "only < <= > >= == != in and 'not in' comparisons are allowed"),
        ("province in (cap,)", "'in' needs a tuple of literal values"),
        ("print(cap)", "call of 'print' is not allowed"),
        ("{cap}", "sets is not allowed"),
        ("(x := 1)", "assignment expressions (:=) is not allowed"),
    ],
)
def test_rejected_expressions_say_why(source: str, reason: str) -> None:
    with pytest.raises(ExpressionProblem) as caught:
        check_expression(source, NS)
    assert reason in caught.value.reason, caught.value.reason
