"""Applying a life event: the household after it, and bad input that exits 2 naming the field
without changing anything."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from kit import ENGINE

from engine.errors import InputError
from engine.events.apply import apply_event

FACTS = ENGINE.catalog.facts
EVENTS = ENGINE.catalog.life_events


def _household(**extra: Any) -> dict[str, Any]:
    return {
        "province": "ON",
        "municipality": "toronto",
        "members": [
            {
                "id": "ruth",
                "role": "applicant",
                "date_of_birth": "1964-02-10",
                "marital_status": "married",
                "net_income": 30000,
            },
            {"id": "tom", "role": "spouse", "date_of_birth": "1958-06-01"},
            {"id": "leo", "role": "child", "date_of_birth": "2015-04-01"},
        ],
        **extra,
    }


def _apply(event: str, data: dict[str, Any], date: str = "2026-09-15") -> dict[str, Any]:
    return apply_event(
        EVENTS[event], _household(), {"type": event, "date": date, "data": data}, FACTS
    )


def _member(household: dict[str, Any], member_id: str) -> dict[str, Any]:
    return next(m for m in household["members"] if m["id"] == member_id)


def test_a_birth_adds_the_child_born_on_the_event_date_unless_a_date_is_given() -> None:
    after = _apply("birth", {"child": {"id": "ana"}, "birth_parent": "ruth"})
    ana = _member(after, "ana")
    assert ana == {"id": "ana", "role": "child", "date_of_birth": "2026-09-15"}
    assert _member(after, "ruth")["ei_pregnant_or_recently_gave_birth"] is True
    assert _member(after, "tom")["ei_new_child_in_care"] is True
    stated = _apply("birth", {"child": {"id": "ana", "date_of_birth": "2026-09-14"}})
    assert _member(stated, "ana")["date_of_birth"] == "2026-09-14"  # keep_stated
    assert "ei_pregnant_or_recently_gave_birth" not in _member(stated, "ruth")  # no parent named


def test_a_spouse_s_death_removes_the_spouse_and_records_the_survivor_s_facts() -> None:
    after = _apply("death_of_spouse", {"deceased": "tom", "contributed_to_cpp": True})
    assert [m["id"] for m in after["members"]] == ["ruth", "leo"]
    ruth = _member(after, "ruth")
    assert ruth["marital_status"] == "widowed"
    assert ruth["late_spouse_date_of_death"] == "2026-09-15"
    assert ruth["late_spouse_cpp_contributor"] is True
    unknown = _apply("death_of_spouse", {"deceased": "tom"})
    assert "late_spouse_cpp_contributor" not in _member(unknown, "ruth")  # never assumed


def test_an_income_change_sets_the_event_year_and_keeps_the_other_incomes() -> None:
    after = _apply("income_change", {"member": "ruth", "employment_income": 18000})
    ruth = _member(after, "ruth")
    assert ruth["employment_income"] == {"2026": 18000}
    assert ruth["net_income"] == 30000  # not named by the event: unchanged
    again = apply_event(
        EVENTS["income_change"],
        after,
        {
            "type": "income_change",
            "date": "2026-10-01",
            "data": {"member": "ruth", "net_income": 20000},
        },
        FACTS,
    )
    # a plain number stood for any year: the recent years keep it, the event's year changes
    assert _member(again, "ruth")["net_income"] == {
        "2023": 30000,
        "2024": 30000,
        "2025": 30000,
        "2026": 20000,
    }


def test_a_move_without_a_municipality_leaves_it_unknown() -> None:
    after = _apply("move", {"province": "AB"})
    assert after["province"] == "AB" and "municipality" not in after


def test_the_household_given_is_never_changed() -> None:
    before = _household()
    kept = copy.deepcopy(before)
    apply_event(
        EVENTS["death_of_spouse"],
        before,
        {"type": "death_of_spouse", "date": "2026-09-15", "data": {"deceased": "tom"}},
        FACTS,
    )
    assert before == kept


@pytest.mark.parametrize(
    ("event", "data", "path", "reason"),
    [
        ("birth", {}, "event/data/child", "required for this event"),
        ("birth", {"child": {"id": "leo"}}, "event/data/child/id", "already in the household"),
        (
            "birth",
            {"child": {"id": "ana", "role": "spouse"}},
            "event/data/child/role",
            "role 'child'",
        ),
        ("birth", {"child": "ana"}, "event/data/child", "an object with an 'id'"),
        ("birth", {"child": {"id": "ana"}, "twins": True}, "event/data/twins", "not a field"),
        ("death_of_spouse", {"deceased": "zoe"}, "event/data/deceased", "not a member"),
        ("death_of_spouse", {"deceased": "leo"}, "event/data/deceased", "expects: spouse"),
        ("move", {"province": "ZZ"}, "event/data/province", "is not one of"),
        (
            "union",
            {"partner": {"id": "sam"}, "kind": "engaged"},
            "event/data/kind",
            "is not one of",
        ),
        (
            "income_change",
            {"member": "ruth", "net_income": -5},
            "event/data/net_income",
            "0 or more",
        ),
    ],
)
def test_bad_event_data_names_the_field(
    event: str, data: dict[str, Any], path: str, reason: str
) -> None:
    with pytest.raises(InputError) as caught:
        _apply(event, data)
    assert caught.value.path == path
    assert reason in caught.value.reason
