"""One household checked against the bundled catalog: statuses, amounts, explanations."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from kit import ENGINE, FACTS
from strategies import profiles

from engine.catalog.program import JURISDICTION
from engine.eligibility import evaluate
from engine.eligibility.result import CheckResult, ProgramResult
from engine.evaluation.population import from_profiles
from engine.evaluation.simulate import household_run


def _run(data: dict[str, Any]) -> CheckResult:
    return ENGINE.check(data)


def _program(result: CheckResult, program_id: str) -> ProgramResult:
    return next(r for r in result.results if r.program == program_id)


def test_contract_example_gets_the_ccb_in_force_on_as_of(example_profile: dict[str, Any]) -> None:
    # July 2025-June 2026 benefit year, 2024 AFNI $35,000 <= first threshold $37,487:
    # no reduction, one child under 6 -> maximum $7,997.
    ccb = _program(_run(example_profile), "ca_ccb")
    assert ccb.status == "eligible"
    assert ccb.amount is not None and ccb.amount.annual == 7997.00 and not ccb.amount.estimate
    assert all(c.status == "true" for c in ccb.criteria)
    assert ccb.references and ccb.references[0].url.startswith("https://")
    assert ccb.name.fr == "Allocation canadienne pour enfants"


def test_ontario_programs_apply_only_in_ontario(example_profile: dict[str, Any]) -> None:
    in_bc = copy.deepcopy(example_profile)
    in_bc["household"]["province"] = "BC"
    in_bc["household"].pop("municipality")
    programs = {r.program for r in _run(in_bc).results}
    assert "ca_ccb" in programs and not any(p.startswith("on_") for p in programs)


def test_missing_income_leaves_income_tested_programs_undetermined(
    example_profile: dict[str, Any],
) -> None:
    data = copy.deepcopy(example_profile)
    del data["household"]["members"][0]["net_income"]
    result = _run(data)
    ccb = _program(result, "ca_ccb")
    assert ccb.status == "undetermined"
    assert ccb.amount is None
    assert "members/maria/net_income" in ccb.missing_facts
    assert any(c.status == "unknown" for c in ccb.criteria)
    assert result.next_question is not None
    assert result.next_question.fact == "members/maria/net_income"
    assert {"ca_ccb", "on_ocb"} <= set(result.next_question.would_decide)


def test_explanations_carry_the_households_values_in_both_languages(
    example_profile: dict[str, Any],
) -> None:
    data = copy.deepcopy(example_profile)
    data["household"]["members"][0]["net_income"] = 41000
    ccb = _program(_run(data), "ca_ccb")
    # 41,000 is above the first threshold 37,487: 7% of 3,513 = 245.91 -> 7,997 - 245.91 = 7,751.09
    assert ccb.amount is not None and ccb.amount.annual == 7751.09
    text = " ".join(c.explain.en for c in ccb.criteria)
    assert "$41,000" in text and "$37,487" in text
    assert "41\u00a0000\u00a0$" in " ".join(c.explain.fr for c in ccb.criteria)


def test_eligible_never_comes_with_zero_amount_and_zero_is_ineligible(
    example_profile: dict[str, Any],
) -> None:
    data = copy.deepcopy(example_profile)
    data["household"]["members"][0]["net_income"] = 400000
    ccb = _program(_run(data), "ca_ccb")
    # 400,000: reduction 7% x (81,222 - 37,487) + 3.2% x (400,000 - 81,222) = 3,061.45 + 10,200.90
    # = 13,262.35 > 7,997, so the amount is zero and the family is not eligible.
    assert ccb.status == "ineligible" and ccb.amount is None
    assert any(c.status == "false" for c in ccb.criteria)


def test_person_programs_report_the_applicant(example_profile: dict[str, Any]) -> None:
    oas = _program(_run(example_profile), "ca_oas")
    assert oas.member == "maria" and oas.status == "ineligible"


def test_scope_outside_the_model_is_undetermined_with_the_reason(
    example_profile: dict[str, Any],
) -> None:
    ow = _program(_run(example_profile), "on_ontario_works")
    assert ow.status == "undetermined"
    assert ow.scope is not None and "single" in ow.scope.en


def test_amount_known_while_eligibility_undetermined_is_an_estimate() -> None:
    data = {
        "as_of": "2026-01-15",
        "household": {
            "province": "ON",
            "members": [
                {
                    "id": "ana",
                    "role": "applicant",
                    "date_of_birth": "1990-01-01",
                    "net_income": 20000,
                },
                {"id": "bo", "role": "child", "date_of_birth": "2022-02-02", "custody": "full"},
            ],
        },
    }
    ccb = _program(_run(data), "ca_ccb")  # residency status unknown; the amount is not
    assert ccb.status == "undetermined"
    assert ccb.amount is not None and ccb.amount.estimate and ccb.amount.annual == 7997.00
    assert "members/ana/residency_status" in ccb.missing_facts


@pytest.mark.parametrize("as_of", ["2024-07-01", "2025-07-01", "2026-11-24"])
def test_every_program_evaluates_on_dates_from_july_2024(
    example_profile: dict[str, Any], as_of: str
) -> None:
    data = {**example_profile, "as_of": as_of}
    result = _run(data)
    assert {r.program for r in result.results} >= {"ca_ccb", "ca_gst_credit", "on_ocb"}


def test_income_by_year_reads_the_programs_base_year(example_profile: dict[str, Any]) -> None:
    data = copy.deepcopy(example_profile)
    data["household"]["members"][0]["net_income"] = {"2025": 36000}
    ccb = _program(_run(data), "ca_ccb")
    # July 2025-June 2026 reads 2024 income, which this profile does not give
    assert ccb.income_year == 2024 and ccb.status == "undetermined"
    assert "members/maria/net_income" in ccb.missing_facts
    data["household"]["members"][0]["net_income"] = {"2024": 36000, "2025": 90000}
    ccb = _program(_run(data), "ca_ccb")
    assert ccb.status == "eligible" and ccb.amount is not None and ccb.amount.annual == 7997.0


def test_after_a_files_valid_through_date_amounts_are_estimates(
    example_profile: dict[str, Any],
) -> None:
    within = _program(_run({**example_profile, "as_of": "2027-06-30"}), "ca_ccb")
    assert not within.rates_may_be_outdated and within.amount is not None
    assert not within.amount.estimate
    later = _program(_run({**example_profile, "as_of": "2027-07-01"}), "ca_ccb")
    assert later.rates_may_be_outdated and later.valid_through is not None
    assert later.status == "eligible" and later.amount is not None and later.amount.estimate


def test_a_parent_who_does_not_say_the_custody_is_eligible_for_at_least_half_the_ccb(
    example_profile: dict[str, Any],
) -> None:
    data = copy.deepcopy(example_profile)
    del data["household"]["members"][0]["date_of_birth"]  # the parent's age does not matter here
    del data["household"]["members"][1]["custody"]
    ccb = _program(_run(data), "ca_ccb")
    # full or shared custody: eligible either way; the amount is $7,997 with full custody and
    # half of it, $3,998.50, with shared custody, so only "at least $3,998.50" is known
    assert ccb.status == "eligible"
    assert ccb.amount is not None and ccb.amount.minimum == 3998.5 == ccb.amount.annual
    assert ccb.amount.estimate
    assert ccb.missing_facts == ["members/leo/custody"]  # only what decides how much
    positive = next(c for c in ccb.criteria if c.id == "has_positive_amount")
    assert positive.status == "true"
    assert "between $3,998.50 and $7,997" in positive.explain.en
    assert "entre 3\u00a0998,50\u00a0$ et 7\u00a0997\u00a0$" in positive.explain.fr


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=profiles(FACTS, days=(dt.date(2026, 3, 2),), years=(2024, 2025)))
def test_a_check_that_asks_nothing_answers_every_program_the_same(data: dict[str, Any]) -> None:
    # a life event's household before the event is checked without trying the answers of its
    # unknown facts: every status, amount, criterion and missing fact is the same
    asked = evaluate.check(ENGINE.compiled, ENGINE.parse(data))
    quiet = evaluate.check(ENGINE.compiled, ENGINE.parse(data), ask=False)
    assert [r.model_dump() for r in quiet.results] == [r.model_dump() for r in asked.results]
    # and without texts (what a life event compares): the same but for the criteria read out
    # and the questions for the missing facts (the missing facts themselves are the same)
    bare = evaluate.check(ENGINE.compiled, ENGINE.parse(data), ask=False, texts=False)
    assert all(not r.criteria and r.scope is None and not r.missing for r in bare.results)
    assert all(not m.criteria and not m.missing for r in bare.results for m in r.by_member or [])

    def answers(result: Any) -> list[dict[str, Any]]:
        return [
            r.model_dump(exclude={"criteria", "scope", "by_member", "missing"})
            | {
                "by_member": [
                    m.model_dump(exclude={"criteria", "missing"}) for m in r.by_member or []
                ]
            }
            for r in result.results
        ]

    assert answers(bare) == answers(asked)


def test_a_text_read_out_again_is_the_one_for_these_values(
    example_profile: dict[str, Any],
) -> None:
    # texts are kept by template and placeholder values, so a household with other values
    # gets its own words and the same values the same words
    def ccb_income_text(net_income: float) -> str:
        data = copy.deepcopy(example_profile)
        data["household"]["members"][0]["net_income"] = net_income
        ccb = _program(_run(data), "ca_ccb")
        return next(c.explain.en for c in ccb.criteria if c.id == "has_benefit_after_income_test")

    first, other, again = ccb_income_text(35000), ccb_income_text(41000), ccb_income_text(35000)
    assert "$35,000" in first and "$41,000" in other and "$35,000" not in other
    assert again == first


def test_the_programs_that_cover_a_place_are_those_whose_tests_pass_for_every_household() -> None:
    # which programs apply is worked out once per place (province, municipality, whether the
    # household has an applicant) and kept: another household of the same place, of another
    # shape and with other facts, gets the programs its own tests give
    compiled = ENGINE.compiled
    assert compiled.catalog.jurisdiction_facts == ("municipality", "province")
    municipality = FACTS["municipality"]
    places: list[tuple[str | None, str | None]] = [(None, None)]
    for province in FACTS["province"].codes:
        towns = [m for m, p in municipality.value_provinces.items() if p == province]
        places += [(province, None), *((province, town) for town in towns[:2])]
    shapes = [
        [{"id": "a", "role": "applicant", "date_of_birth": "1960-01-01", "net_income": 12000}],
        [
            {"id": "a", "role": "applicant", "date_of_birth": "1990-05-05"},
            {"id": "b", "role": "spouse", "net_income": 50000},
            {"id": "c", "role": "child", "date_of_birth": "2020-02-02", "custody": "full"},
        ],
    ]
    seen = 0
    for province, town in places:
        for members in shapes:
            household: dict[str, Any] = {"members": members}
            if province is not None:
                household["province"] = province
            if town is not None:
                household["municipality"] = town
            profile = ENGINE.parse({"as_of": "2026-03-02", "household": household})
            days = compiled.catalog.base_years(profile.as_of)
            run = household_run(compiled, from_profiles([profile], days, FACTS))
            own = [p for p in compiled.catalog.programs if run.first(p, JURISDICTION) != 0.0]
            assert [r.id for r in evaluate._applicable(compiled, run)] == own, (province, town)
            only = set(own[::2])
            assert [r.id for r in evaluate._applicable(compiled, run, only)] == own[::2]
            run.release()
            seen += 1
    assert seen == 2 * len(places) > 30
