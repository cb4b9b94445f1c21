"""Explanations a caseworker can read out: they never assert what is not so."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from kit import ENGINE, household, person, sam

from engine.eligibility.formatting import money, round_cents


def _program(data: dict[str, Any], program: str) -> Any:
    return next(r for r in ENGINE.check(data).results if r.program == program)


def _criterion(result: Any, criterion: str) -> Any:
    return next(c for c in result.criteria if c.id == criterion)


def test_a_parent_with_full_custody_is_not_told_the_reduction_was_halved(
    example_profile: dict[str, Any],
) -> None:
    ccb = _program(example_profile, "ca_ccb")
    text = _criterion(ccb, "has_benefit_after_income_test")
    assert "shared custody" not in text.explain.en and "garde partagée" not in text.explain.fr


def test_a_parent_with_shared_custody_is_told_the_reduction_is_halved(
    example_profile: dict[str, Any],
) -> None:
    data = copy.deepcopy(example_profile)
    data["household"]["members"][1]["custody"] = "shared"
    text = _criterion(_program(data, "ca_ccb"), "has_benefit_after_income_test").explain
    assert "(halved for the children in shared custody)" in text.en
    assert "(réduite de moitié pour les enfants en garde partagée)" in text.fr


def test_an_unknown_age_shows_the_question_not_the_claim_that_the_applicant_is_an_adult() -> None:
    data = household("ON", person("sam", "applicant"), as_of="2025-03-01")
    adult = _criterion(_program(data, "on_ontario_works"), "is_18_or_older")
    assert adult.status == "unknown"
    assert "date of birth" in adult.explain.en and "is 18 or older." not in adult.explain.en


@given(st.integers(0, 10_000_000).map(lambda cents: cents / 1000))
def test_a_text_and_its_amount_agree_to_the_cent(value: float) -> None:
    shown = money(value, "en").replace("$", "").replace(",", "")
    assert float(shown) == round_cents(value)


def test_an_adult_with_no_child_and_no_income_is_not_told_that_an_income_of_0_is_too_high() -> None:
    data = household("ON", sam())
    for program in ("ca_ccb", "ca_cdb", "on_ocb", "ca_cwb"):
        result = _program(data, program)
        assert result.status == "ineligible"
        texts = " ".join(c.explain.en for c in result.criteria)
        assert "is too high" not in texts, program
        first_false = next(c for c in result.criteria if c.status == "false")
        assert "Not looked at further" not in first_false.explain.en  # the real reason is read
