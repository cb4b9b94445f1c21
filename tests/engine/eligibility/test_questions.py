"""Questions, not paths: missing facts and the next question carry the registry's question."""

from __future__ import annotations

import copy
import re
from typing import Any

import numpy as np
import pytest
from kit import CATALOG, ENGINE, FACTS

from engine.eligibility.next_question import (
    ArrayOutcomes,
    Candidate,
    best_question,
    fact_depths,
)
from engine.eligibility.questions import question
from engine.eligibility.result import CheckResult, ProgramResult


def _program(result: CheckResult, program_id: str) -> ProgramResult:
    return next(r for r in result.results if r.program == program_id)


def _without_income(example_profile: dict[str, Any]) -> dict[str, Any]:
    data = copy.deepcopy(example_profile)
    del data["household"]["members"][0]["net_income"]
    return data


def test_a_missing_fact_is_asked_about_the_member_in_english_and_french(
    example_profile: dict[str, Any],
) -> None:
    cdb = _program(ENGINE.check(example_profile), "ca_cdb")
    asked = {m.fact: m.question for m in cdb.missing}
    assert list(asked) == cdb.missing_facts
    dtc = asked["members/leo/disability_tax_credit"]
    assert dtc.en == "Has leo been approved for the disability tax credit?"
    assert dtc.fr == (
        "Est-ce que leo a été approuvé(e) pour le crédit d'impôt pour personnes handicapées ?"
    )


def test_a_missing_income_is_asked_for_the_tax_year_the_program_reads(
    example_profile: dict[str, Any],
) -> None:
    result = ENGINE.check(_without_income(example_profile))
    ccb = _program(result, "ca_ccb")  # July 2025 to June 2026 reads 2024 income
    asked = {m.fact: m.question for m in ccb.missing}["members/maria/net_income"]
    assert asked.en == "What was maria's net income (line 23600 of the tax return) for 2024?"
    assert asked.fr.endswith("pour 2024 ?")
    cwb = _program(result, "ca_cwb")  # the workers benefit reads the current tax year
    assert cwb.income_year == 2026
    assert {m.fact: m.question for m in cwb.missing}["members/maria/net_income"].en.endswith(
        "for 2026?"
    )


def test_the_next_question_is_asked_for_every_year_the_waiting_programs_read(
    example_profile: dict[str, Any],
) -> None:
    result = ENGINE.check(_without_income(example_profile))
    assert result.next_question is not None
    assert result.next_question.fact == "members/maria/net_income"
    assert result.next_question.question is not None
    assert result.next_question.question.en.endswith("for 2024 and 2026?")
    assert result.next_question.question.fr.endswith("pour 2024 et 2026 ?")


def test_a_household_fact_is_asked_without_naming_a_member(
    example_profile: dict[str, Any],
) -> None:
    data = copy.deepcopy(example_profile)
    del data["household"]["province"]
    del data["household"]["municipality"]
    ocb = _program(ENGINE.check(data), "on_ocb")
    asked = {m.fact: m.question for m in ocb.missing}["household/province"]
    assert asked.en == "In which province or territory does the household live?"
    assert asked.fr == "Dans quelle province ou quel territoire le ménage habite-t-il ?"


def test_each_adult_of_a_person_program_is_asked_about_their_own_facts() -> None:
    data = {
        "as_of": "2026-01-15",
        "household": {
            "province": "ON",
            "members": [
                {"id": "ruth", "role": "applicant", "date_of_birth": "1950-03-03"},
                {"id": "sam", "role": "spouse", "date_of_birth": "1952-04-04"},
            ],
        },
    }
    oas = _program(ENGINE.check(data), "ca_oas")
    assert oas.by_member is not None
    sam = next(m for m in oas.by_member if m.member == "sam")
    assert sam.missing and [m.fact for m in sam.missing] == sam.missing_facts
    assert all("sam" in m.question.en and "sam" in m.question.fr for m in sam.missing)


@pytest.mark.parametrize(
    ("path", "french"),
    [
        ("members/ana/date_of_birth", "Quelle est la date de naissance d'ana ?"),
        ("members/leo/date_of_birth", "Quelle est la date de naissance de leo ?"),
        (
            "members/eve/is_student",
            "Est-ce qu'eve étudie à temps plein dans un collège, une université ou un autre "
            "établissement postsecondaire ?",
        ),
    ],
)
def test_french_questions_elide_de_and_que_before_a_member_id_that_starts_with_a_vowel(
    path: str, french: str
) -> None:
    assert question(path, FACTS)["fr"] == french


def test_a_member_id_with_a_slash_is_named_whole() -> None:
    asked = question("members/a/b/date_of_birth", FACTS)
    assert asked["en"] == "What is a/b's date of birth?"


@pytest.mark.parametrize("name", [f.name for f in FACTS.stated])
def test_every_registry_question_is_rendered_without_a_placeholder_left(name: str) -> None:
    fact = FACTS[name]
    path = f"household/{name}" if fact.entity == "household" else f"members/maria/{name}"
    asked = question(path, FACTS, (2025,))
    for lang in ("en", "fr"):
        assert not re.search(r"\{[a-z_]+\}", asked[lang]), asked[lang]
        assert "?" in asked[lang]


def _candidates(*facts: str) -> list[Candidate]:
    return [Candidate(f"members/maria/{f}", f, 0, (0.0, 1.0)) for f in facts]


def _decided_by_both() -> tuple[dict[str, Any], dict[str, Any]]:
    # row 0: the household; rows 1-2 answer the first fact, rows 3-4 the second
    status = {"p": np.array([np.nan, 1.0, 0.0, 1.0, 0.0])}
    benefit = {"p": np.array([np.nan, 100.0, 0.0, 100.0, 0.0])}
    return status, benefit


@pytest.mark.parametrize(("deep", "asked"), [("second", "first"), ("first", "second")])
def test_between_facts_deciding_the_same_programs_the_one_the_criterion_names_is_asked(
    deep: str, asked: str
) -> None:
    status, benefit = _decided_by_both()
    depth = {"first": 0.0, "second": 0.0}
    depth[deep] = 2.0
    found = _candidates("first", "second")
    outcomes = ArrayOutcomes(found, status, benefit)
    best = best_question(found, ["p"], outcomes, lambda f, _: depth[f])
    assert best is not None and best[0].fact == asked and best[1] == ["p"]


def test_more_programs_decided_still_beats_a_more_direct_fact() -> None:
    status = {
        "p": np.array([np.nan, 1.0, 0.0, 1.0, 0.0]),
        "q": np.array([np.nan, np.nan, np.nan, 1.0, 0.0]),
    }
    benefit = {k: np.nan_to_num(v) for k, v in status.items()}
    depths = {"direct": 0.0, "deep": 3.0}
    found = _candidates("direct", "deep")
    outcomes = ArrayOutcomes(found, status, benefit)
    best = best_question(found, ["p", "q"], outcomes, lambda f, _: depths[f])
    assert best is not None and best[0].fact == "deep" and best[1] == ["p", "q"]


def test_the_child_disability_benefit_asks_for_the_tax_credit_before_what_the_ccb_needs() -> None:
    cdb = CATALOG.programs["ca_cdb"]
    depths = fact_depths(CATALOG, cdb, cdb.criteria.values())
    # the CDB's own criterion names the child's approval for the disability tax credit; the
    # parent's residency only matters through the CCB the CDB reads
    assert depths["disability_tax_credit"] == 0
    assert depths["residency_status"] > depths["disability_tax_credit"]
