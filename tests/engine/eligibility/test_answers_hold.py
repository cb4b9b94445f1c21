"""Households whose answers were wrong or blocked, and are right now (issue: answers a
caseworker can trust). Expected amounts are worked out from the rule files' official rates."""

from __future__ import annotations

from typing import Any

from kit import ENGINE, household, person


def _results(province: str, *members: dict[str, Any]) -> dict[str, Any]:
    return {r.program: r for r in ENGINE.check(household(province, *members)).results}


_CITIZEN = {"residency_status": "citizen", "months_in_canada": 400, "is_student": False}


def test_a_couple_in_their_thirties_is_not_eligible_for_the_gis_though_out_of_scope() -> None:
    results = _results(
        "ON",
        person("a", "applicant", "1992-04-02", net_income=20000, **_CITIZEN),
        person("b", "spouse", "1993-04-02", net_income=10000, **_CITIZEN),
    )
    assert results["ca_gis"].status == "ineligible"  # not 65: no OAS, so no GIS, couple or not


def test_a_quebec_worker_gets_no_cwb_amount_from_rates_that_do_not_apply_in_quebec() -> None:
    results = _results(
        "QC",
        person(
            "a",
            "applicant",
            "1990-04-02",
            net_income=15000,
            employment_income=15000,
            self_employment_income=0,
            disability_tax_credit=False,
            **_CITIZEN,
        ),
    )
    cwb = results["ca_cwb"]
    assert cwb.status == "undetermined" and cwb.scope is not None
    assert cwb.amount is None  # not even as an estimate


def test_a_retired_couple_with_no_working_income_is_not_eligible_for_the_cwb_whatever_the_dtc() -> (
    None
):
    pensioner = {"employment_income": 0, "self_employment_income": 0, **_CITIZEN}
    results = _results(
        "ON",
        person("a", "applicant", "1955-04-02", net_income=30000, **pensioner),
        person("b", "spouse", "1956-04-02", net_income=20000, **pensioner),
    )
    cwb = results["ca_cwb"]
    # no working income: neither the basic amount nor the disability supplement builds up
    assert cwb.status == "ineligible" and cwb.missing_facts == []


def test_a_bc_couple_meeting_every_cwb_criterion_is_eligible_for_at_least_2869() -> None:
    # 2026 family maximum 2,869; phase-in 27% x (22,000 - 3,000) = 5,130, capped at 2,869.
    # Adjusted net income 22,000 - 4,000 (the lower earner's working income, up to 16,714 in 2026) =
    # 18,000, below the family threshold 31,251: no reduction. An unknown disability
    # supplement can only add to it: at least 2,869.
    worker = {"self_employment_income": 0, **_CITIZEN}
    results = _results(
        "BC",
        person("a", "applicant", "1990-04-02", net_income=18000, employment_income=18000, **worker),
        person("b", "spouse", "1991-04-02", net_income=4000, employment_income=4000, **worker),
    )
    cwb = results["ca_cwb"]
    assert cwb.status == "eligible"
    assert cwb.amount is not None and cwb.amount.minimum == 2869.0
    assert set(cwb.missing_facts) == {
        "members/a/disability_tax_credit",
        "members/b/disability_tax_credit",
    }
