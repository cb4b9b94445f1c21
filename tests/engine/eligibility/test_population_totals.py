"""Population totals say how many answers they leave out, and are rounded to cents."""

from __future__ import annotations

from typing import Any

import pytest
from kit import ENGINE

from engine.eligibility.populations import PopulationResult


def _family(net_income: float | None) -> dict[str, Any]:
    parent: dict[str, Any] = {
        "id": "maria",
        "role": "applicant",
        "date_of_birth": "1991-05-02",
        "residency_status": "citizen",
    }
    if net_income is not None:
        parent["net_income"] = net_income
    child = {"id": "leo", "role": "child", "date_of_birth": "2023-09-10", "custody": "full"}
    return {"as_of": "2026-01-15", "household": {"province": "ON", "members": [parent, child]}}


def _pensioners(sam_years: float | None) -> dict[str, Any]:
    person = {
        "date_of_birth": "1955-01-01",
        "marital_status": "married",
        "residency_status": "citizen",
        "net_income": 30000,
    }
    sam = {"id": "sam", "role": "spouse", **person}
    if sam_years is not None:
        sam["years_in_canada_since_18"] = sam_years
    ruth = {"id": "ruth", "role": "applicant", **person, "years_in_canada_since_18": 45}
    return {"as_of": "2026-01-15", "household": {"province": "ON", "members": [ruth, sam]}}


def _evaluate(*profiles: dict[str, Any]) -> PopulationResult:
    return ENGINE.evaluate(ENGINE.population([ENGINE.parse(p) for p in profiles]))


def test_a_total_leaves_out_undetermined_households_and_says_what_share_they_are() -> None:
    # 35,000 and 41,000: 7,997 and 7,997 - 7% x (41,000 - 37,487) = 7,751.09; the third family's
    # income is unknown, so its CCB is undetermined and left out of the total
    result = _evaluate(_family(35000), _family(41000), _family(None))
    ccb = result.totals()["ca_ccb"]
    assert ccb.total == 15748.09 == result.total("ca_ccb")
    assert (ccb.households, ccb.undetermined_households) == (3, 1)
    assert ccb.undetermined_household_share == pytest.approx(1 / 3)
    assert ccb.persons is None and ccb.undetermined_person_share is None


def test_a_population_where_every_answer_is_known_leaves_nothing_out() -> None:
    ccb = _evaluate(_family(35000), _family(41000)).totals()["ca_ccb"]
    assert ccb.undetermined_households == 0 and ccb.undetermined_household_share == 0.0


def test_a_couples_known_pension_counts_when_the_others_is_unknown_and_persons_are_reported() -> (
    None
):
    result = _evaluate(_pensioners(45), _pensioners(None))
    oas = result.totals()["ca_oas"]
    one = float(result.person_benefit["ca_oas"][0])
    # household 1: two known pensions; household 2: ruth's known, sam's residence unknown
    assert oas.total == round(3 * one, 2)
    assert (oas.persons, oas.undetermined_persons) == (4, 1)
    assert oas.undetermined_person_share == pytest.approx(1 / 4)
    # a household is eligible as soon as one member is, so no household is undetermined
    assert oas.undetermined_households == 0


def test_totals_are_rounded_to_cents() -> None:
    # 7 incomes 37 apart from $41,000: each CCB is 7% x 37 = $2.59 less than the one before,
    # 7,751.09 + 7,748.50 + ... + 7,735.55 = 7 x 7,743.32 = 54,203.24; summed in binary floating
    # point the seven amounts give 54,203.240000000005
    result = _evaluate(*(_family(41000 + 37 * i) for i in range(7)))
    assert result.total("ca_ccb") == 54203.24
    assert result.totals()["ca_ccb"].total == 54203.24
