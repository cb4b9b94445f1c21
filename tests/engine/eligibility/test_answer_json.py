"""A check's JSON written from the engine's dicts (``Engine.check_json``, what the service sends)
is, byte for byte, the JSON of the validated answer (``Engine.check(...).model_dump_json()``):
every field present, in the models' order, with the same numbers, dates and texts."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import pytest
import strategies
from hypothesis import HealthCheck, given, settings
from kit import CATALOG, ENGINE, FACTS

from engine.eligibility.result import CheckResult

ROOT = Path(__file__).resolve().parents[3]
AS_OF = (dt.date(2024, 7, 1), dt.date(2025, 1, 15), dt.date(2026, 6, 15), dt.date(2026, 11, 24))
YEARS = tuple(sorted(CATALOG.base_years(*AS_OF)))
SETTINGS = settings(
    max_examples=int(os.environ.get("LAWS_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def _same(data: dict[str, Any]) -> bytes:
    written = ENGINE.check_json(data)
    assert written == ENGINE.check(data).model_dump_json().encode()
    return written


def _senior_couple(income: float) -> dict[str, Any]:
    return {
        "as_of": "2026-06-15",
        "household": {
            "province": "BC",
            "municipality": "vancouver",
            "members": [
                {"id": "a", "role": "applicant", "date_of_birth": "1954-03-04",
                 "marital_status": "married", "residency_status": "citizen",
                 "years_in_canada_since_18": 45, "net_income": income,
                 "pension_income": income / 2},
                {"id": "b", "role": "spouse", "date_of_birth": "1957-08-09",
                 "marital_status": "married", "residency_status": "citizen",
                 "years_in_canada_since_18": 44, "net_income": income / 3},
            ],
        },
    }  # fmt: skip


def test_the_readme_household_and_its_answer_read_back() -> None:
    data = json.loads((ROOT / "examples" / "household.json").read_text())
    written = _same(data)
    answer = CheckResult.model_validate_json(written)  # the contract's shape, read back
    ccb = next(r for r in answer.results if r.program == "ca_ccb")
    assert (ccb.status, ccb.amount.annual if ccb.amount else None) == ("eligible", 7997.0)
    assert ccb.amount is not None and ccb.amount.monthly == 666.42  # the computed field too


@pytest.mark.parametrize("income", [0.0, 18_000.0, 22_272.0, 95_000.0])
def test_a_senior_couple_with_pensions_by_member(income: float) -> None:
    written = json.loads(_same(_senior_couple(income)))
    oas = next(r for r in written["results"] if r["program"] == "ca_oas")
    assert [m["member"] for m in oas["by_member"]] == ["a", "b"]


def test_an_almost_empty_household_with_a_next_question() -> None:
    written = json.loads(_same({"as_of": "2026-06-15", "household": {"members": [
        {"id": "a", "role": "applicant"}, {"id": "c", "role": "child"}]}}))  # fmt: skip
    assert written["next_question"]["question"]["en"]
    assert any(r["missing"] for r in written["results"])


@SETTINGS
@given(data=strategies.profiles(FACTS, AS_OF, YEARS))
def test_random_households(data: dict[str, Any]) -> None:
    _same(data)


@SETTINGS
@given(data=strategies.twinned(FACTS, AS_OF, YEARS))
def test_random_households_with_twins(data: dict[str, Any]) -> None:
    _same(data)
