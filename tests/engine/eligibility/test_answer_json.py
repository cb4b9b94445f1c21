"""A check's JSON written from the engine's dicts (``Engine.check_json``, what the service sends)
is, byte for byte, the JSON of the validated answer (``Engine.check(...).model_dump_json()``):
every field present, in the models' order, with the same numbers, dates and texts. So is a
model holding a checked answer (a life event's, and a model around that), written by
``model_json`` from the dicts kept for the answer inside it, and a life event's answer whose
check after the event was never validated (``Engine.event(written=True)``, ``event_json``)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import strategies
from hypothesis import given
from hypothesis import strategies as st
from kit import CATALOG, ENGINE, FACTS, LAWS, event_or_skip
from pydantic import BaseModel, ConfigDict, Field, computed_field

from engine.eligibility.answer_json import model_json
from engine.eligibility.result import CheckResult
from engine.events.result import EventResult

ROOT = Path(__file__).resolve().parents[3]
AS_OF = (dt.date(2024, 7, 1), dt.date(2025, 1, 15), dt.date(2026, 6, 15), dt.date(2026, 11, 24))
YEARS = tuple(sorted(CATALOG.base_years(*AS_OF)))


def _same(data: dict[str, Any]) -> bytes:
    written = ENGINE.check_json(data)
    checked = ENGINE.check(data)
    assert written == checked.model_dump_json().encode()
    assert model_json(checked) == written  # from the dicts kept for the model
    return written


class _Wrapped(BaseModel):
    """A model around a life event's answer, as the service's recorded event is."""

    result: EventResult
    facts_recorded: int

    @computed_field  # type: ignore[prop-decorator]
    @property
    def twice(self) -> int:
        return 2 * self.facts_recorded


EVENTS: dict[str, dict[str, Any]] = {
    "job_loss": {"member": "applicant0", "without_fault": True},
    "income_change": {"member": "applicant0", "net_income": 12000},
    "retirement": {"member": "applicant0"},
    "move": {"province": "BC", "municipality": "vancouver"},
    "birth": {"child": {"id": "new", "custody": "full"}, "birth_parent": "applicant0"},
    "death_of_spouse": {"deceased": "spouse0", "contributed_to_cpp": True},
    "separation": {"spouse": "spouse0"},
    "arrival": {},
}


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


@LAWS
@given(data=strategies.profiles(FACTS, AS_OF, YEARS))
def test_random_households(data: dict[str, Any]) -> None:
    _same(data)


@LAWS
@given(data=strategies.twinned(FACTS, AS_OF, YEARS))
def test_random_households_with_twins(data: dict[str, Any]) -> None:
    _same(data)


@LAWS
@given(data=strategies.profiles(FACTS, AS_OF[2:], YEARS), kind=st.sampled_from(sorted(EVENTS)))
def test_a_life_event_s_answer_and_a_model_around_it(data: dict[str, Any], kind: str) -> None:
    body = {**data, "event": {"type": kind, "date": data["as_of"], "data": EVENTS[kind]}}
    result = event_or_skip(body)
    expected = result.model_dump_json().encode()
    assert model_json(result) == expected
    wrapped = _Wrapped(result=result, facts_recorded=3)
    assert model_json(wrapped) == wrapped.model_dump_json().encode()
    # as the service answers it: the check after the event never validated into models, the
    # same suggestions (their deadlines, amounts and missing questions) and the same bytes
    written = ENGINE.event(body, written=True)
    assert isinstance(written.after.results[0], dict)
    assert written.suggestions == result.suggestions
    assert model_json(written) == expected == ENGINE.event_json(body)
    assert model_json(_Wrapped(result=written, facts_recorded=3)) == model_json(wrapped)


def test_a_model_without_a_kept_answer_is_pydantic_s_own() -> None:
    answer = CheckResult(as_of=dt.date(2026, 6, 15), results=[], next_question=None)
    assert model_json(answer) == answer.model_dump_json().encode()


class _Loose(BaseModel):
    """Extra fields allowed, and an answer excluded from dumps."""

    model_config = ConfigDict(extra="allow")
    shown: CheckResult
    hidden: CheckResult | None = Field(default=None, exclude=True)


def test_extra_and_excluded_fields_write_as_pydantic_writes_them() -> None:
    answer = ENGINE.check(json.loads((ROOT / "examples" / "household.json").read_text()))
    for model in (
        _Loose(shown=answer, hidden=answer),
        _Loose(shown=answer, hidden=answer, note="an extra field"),  # type: ignore[call-arg]
    ):
        assert model_json(model) == model.model_dump_json().encode()
