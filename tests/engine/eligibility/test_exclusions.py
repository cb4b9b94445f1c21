"""Programs that exclude each other are never presented as two benefits to add up."""

from __future__ import annotations

import copy
from typing import Any

from kit import CATALOG, ENGINE, household, sam

SAM = household(
    "ON",
    sam(
        has_disability=True,
        is_student=False,
        pension_income=0,
        ei_income=0,
        oas_benefits_income=0,
        social_assistance_income=0,
        liquid_assets=0,
        monthly_shelter_cost=700,
    ),
    as_of="2025-03-01",
)


def _results(data: dict[str, Any]) -> dict[str, Any]:
    return {r.program: r for r in ENGINE.check(data).results}


def test_ontario_works_and_odsp_are_declared_as_one_or_the_other() -> None:
    assert frozenset(("on_ontario_works", "on_odsp")) in CATALOG.exclusive_pairs


def test_a_person_with_a_disability_eligible_for_both_gets_one_and_odsp_pays_more() -> None:
    results = _results(SAM)
    ow, odsp = results["on_ontario_works"], results["on_odsp"]
    assert ow.status == odsp.status == "eligible"
    assert ow.exclusive_with == ["on_odsp"] and odsp.exclusive_with == ["on_ontario_works"]
    assert ow.amount is not None and odsp.amount is not None
    assert odsp.amount.annual > ow.amount.annual  # ODSP's rates are higher than OW's
    assert ow.excluded_by == ["on_odsp"] and odsp.excluded_by == []


def test_without_a_disability_only_ontario_works_applies_and_nothing_is_excluded() -> None:
    data = copy.deepcopy(SAM)
    data["household"]["members"][0]["has_disability"] = False
    results = _results(data)
    assert results["on_ontario_works"].status == "eligible"
    assert results["on_odsp"].status == "ineligible"
    assert results["on_ontario_works"].exclusive_with == []
    assert results["on_ontario_works"].excluded_by == []
