"""The life event input (docs/contracts.md, "Life event") as a model: the contract's example is
accepted, and what the contract rules out is an input error naming the path."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest
from kit import CATALOG

from engine.catalog.event import event_model, parse_event
from engine.errors import InputError

MODEL = event_model(CATALOG.profile_model)

#: the contract's example, with a household like the profile example's
EXAMPLE: dict[str, Any] = {
    "as_of": "2026-03-02",
    "household": {
        "province": "ON",
        "members": [{"id": "maria", "role": "applicant", "date_of_birth": "1991-05-02"}],
    },
    "event": {
        "type": "birth",
        "date": "2026-03-01",
        "data": {"child": {"id": "ana", "date_of_birth": "2026-03-01"}},
    },
}


def _event(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(EXAMPLE)
    data.update(changes)
    return data


def _refused(data: Any) -> InputError:
    with pytest.raises(InputError) as caught:
        parse_event(data, MODEL, today=dt.date(2026, 3, 2))
    return caught.value


def test_the_contracts_life_event_example_is_accepted_as_written() -> None:
    event = parse_event(EXAMPLE, MODEL)
    assert (event.event.type, event.event.date) == ("birth", dt.date(2026, 3, 1))
    assert event.event.data == EXAMPLE["event"]["data"] and event.history == []


def test_a_life_event_without_as_of_takes_the_callers_clock_and_without_one_is_refused() -> None:
    data = _event()
    del data["as_of"]
    assert parse_event(data, MODEL, today=dt.date(2026, 3, 5)).as_of == dt.date(2026, 3, 5)
    with pytest.raises(InputError) as caught:
        parse_event(data, MODEL)
    assert caught.value.path == "as_of"


def test_a_history_listed_oldest_first_before_the_event_is_accepted() -> None:
    history = [
        {"type": "move", "date": "2024-05-01", "data": {"province": "ON"}},
        {"type": "job_loss", "date": "2025-11-30"},
    ]
    event = parse_event(_event(history=history), MODEL)
    assert [h.type for h in event.history] == ["move", "job_loss"]


def test_a_history_out_of_order_is_refused_naming_the_entry() -> None:
    history = [{"type": "job_loss", "date": "2025-11-30"}, {"type": "move", "date": "2024-05-01"}]
    error = _refused(_event(history=history))
    assert error.path == "history/1/date"
    assert error.reason == "before the previous entry: the history is listed oldest first"
    assert error.reason_fr is not None


def test_a_history_entry_after_the_event_is_refused() -> None:
    error = _refused(_event(history=[{"type": "move", "date": "2026-03-02"}]))
    assert error.path == "history/0/date"
    assert error.reason.startswith("after the event's date (2026-03-01)")


@pytest.mark.parametrize(
    ("event", "path", "reason"),
    [
        ({"type": "Birth!", "date": "2026-03-01"}, "event/type", "does not match"),
        ({"type": "birth", "date": "2026-03-32"}, "event/date", "not a date"),
        ({"type": "birth"}, "event/date", "required"),
        ({"type": "birth", "date": "2026-03-01", "when": "now"}, "event/when", "unknown field"),
        ({"type": "birth", "date": "2026-03-01", "data": []}, "event/data", "not an object"),
    ],
)
def test_an_event_outside_the_contract_is_refused_naming_the_path(
    event: dict[str, Any], path: str, reason: str
) -> None:
    error = _refused(_event(event=event))
    assert error.path == path and error.reason.startswith(reason)


def test_the_household_of_a_life_event_is_checked_like_a_profiles() -> None:
    household = copy.deepcopy(EXAMPLE["household"])
    household["members"][0]["date_of_birth"] = "2026-04-01"
    error = _refused(_event(household=household))
    assert error.path == "household/members/0/date_of_birth"
    assert error.reason == "must not be after as_of (2026-03-02)"


def test_a_life_event_that_is_not_an_object_is_refused() -> None:
    assert _refused(["birth"]).path == ""
