"""partner(x): a person-level program reads the spouse's or partner's value (GIS and the
Allowance read the partner's OAS)."""

from __future__ import annotations

from pathlib import Path

import pytest
from kit import household, namespace, person

from engine import Engine
from engine.catalog.expressions import ExpressionProblem, check_expression

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "rules"
ENGINE = Engine.load(FIXTURES / "partner")


def test_each_member_of_a_couple_reads_the_other_ones_value() -> None:
    data = household(
        None,
        person("ana", "applicant", net_income=30000),
        person("ben", "spouse", net_income=12000),
        person("kid", "child", "2020-01-01"),
    )
    result = ENGINE.check(data).results[0]
    members = {m.member: m for m in result.by_member or []}
    assert members["ana"].amount is not None and members["ana"].amount.annual == 12000.0
    assert members["ben"].amount is not None and members["ben"].amount.annual == 30000.0


def test_an_unknown_partner_value_is_asked_about_the_partner() -> None:
    data = household(None, person("ana", "applicant", net_income=30000), person("ben", "spouse"))
    result = ENGINE.check(data).results[0]
    assert result.status == "undetermined"
    assert result.missing_facts == ["members/ben/net_income"]


def test_partner_is_a_person_level_function() -> None:
    expr = check_expression("partner(net_income)", namespace(entity="person"))
    assert expr.scope == "person"
    with pytest.raises(ExpressionProblem, match="person-level function"):
        check_expression("partner(net_income) > 0", namespace(entity="household"))
