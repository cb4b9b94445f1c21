"""Tell us once end to end: a registered household tells a life event; the store keeps what
changed (members who joined or left included), the engine's answer comes back, and a refused
event writes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from flow import BIRTH, TOLD, WHO, counts, recorded, registered
from kit import ENGINE
from sqlalchemy import Engine, select

from engine.errors import InputError
from engine.tellusonce import FactIn, profile, record_facts, verify
from engine.tellusonce.recording import changed_facts
from engine.tellusonce.schema import events


def _profile(store: Engine, client: str, on: dt.date) -> dict[str, object]:
    with store.begin() as connection:
        return profile(connection, client, on=on, purpose="test", **WHO)["household"]  # type: ignore[no-any-return]


def test_registration_keeps_the_profile_the_engine_checks(store: Engine) -> None:
    client = registered(store)
    household = _profile(store, client, TOLD)
    checked = ENGINE.parse({"as_of": TOLD.isoformat(), "household": household})
    assert [m.id for m in checked.household.members] == ["maria", "leo"]
    assert household["province"] == "ON"


def test_a_birth_adds_the_child_from_its_day_and_answers_with_suggestions(store: Engine) -> None:
    client = registered(store, "cra_child_benefits")
    done = recorded(store, client)
    assert done.change.queued == [("cra", "cra_child_benefits")]
    assert "ca_ccb" in {s.program for s in done.result.suggestions}
    after = _profile(store, client, TOLD)
    assert [m["id"] for m in after["members"]] == ["maria", "ana", "leo"]  # type: ignore[index]
    before = _profile(store, client, dt.date(2026, 2, 28))
    assert [m["id"] for m in before["members"]] == ["maria", "leo"]  # type: ignore[index]
    with store.connect() as connection:
        (kind,) = connection.execute(select(events.c.type)).scalars()
        assert kind == "birth" and verify(connection) is None


def test_the_history_is_given_back_to_the_engine(store: Engine) -> None:
    client = registered(store)
    recorded(store, client, {"type": "job_loss", "date": "2026-01-20",
                             "data": {"member": "maria"}})  # fmt: skip
    again = recorded(store, client, BIRTH)
    assert again.result.event.type == "birth"  # history (the job loss) accepted, oldest first


def test_a_death_removes_the_member_from_its_day(store: Engine) -> None:
    client = registered(store)
    with store.begin() as connection:
        from engine.tellusonce.clients import add_member

        add_member(connection, client, "sam", "spouse", dt.date(2026, 1, 15))
        record_facts(
            connection, ENGINE.catalog.facts, client,
            [FactIn("date_of_birth", "1960-01-01", dt.date(2026, 1, 15), "sam")],
            source="intake", purpose="test", **WHO,
        )  # fmt: skip
    recorded(store, client, {"type": "death_of_spouse", "date": "2026-02-10",
                             "data": {"deceased": "sam"}})  # fmt: skip
    after = _profile(store, client, TOLD)
    assert [m["id"] for m in after["members"]] == ["maria", "leo"]  # type: ignore[index]
    before = _profile(store, client, dt.date(2026, 2, 1))
    assert {m["id"] for m in before["members"]} == {"maria", "sam", "leo"}  # type: ignore[index]


@pytest.mark.parametrize(
    ("event", "path"),
    [
        ({"type": "no_such_event", "date": "2026-03-01", "data": {}}, "event/type"),
        ({"type": "birth", "date": "2026-03-01", "data": {"child": {"id": "leo"}}}, "event/data"),
        ({"type": "birth", "date": "2027-01-01", "data": BIRTH["data"]}, "event/date"),
        ({"type": "birth", "date": "March", "data": {}}, "event/date"),
    ],
)
def test_a_refused_event_writes_nothing(store: Engine, event: dict[str, object], path: str) -> None:
    client = registered(store, "cra_child_benefits")
    before = counts(store)
    with pytest.raises(InputError) as caught:
        recorded(store, client, event)
    assert caught.value.path.startswith(path), caught.value
    assert counts(store) == before


def test_an_unknown_client_is_named(store: Engine) -> None:
    with pytest.raises(InputError) as caught:
        recorded(store, "00000000-0000-0000-0000-000000000000")
    assert caught.value.path == "client_id"


def test_a_value_outside_the_schema_is_refused_with_its_path(store: Engine) -> None:
    client = registered(store)
    before = counts(store)
    bad = [FactIn("net_income", "a lot", TOLD, "maria")]
    with pytest.raises(InputError) as caught, store.begin() as connection:
        record_facts(connection, ENGINE.catalog.facts, client, bad, source="t", purpose="t", **WHO)
    assert caught.value.path == "facts/0/value" and "number" in caught.value.reason
    assert counts(store) == before


def test_changed_facts_are_the_difference_and_removals_are_none() -> None:
    before = {
        "province": "ON",
        "members": [
            {"id": "a", "role": "applicant", "net_income": 1},
            {"id": "s", "role": "spouse", "net_income": 2},
        ],
    }
    after = {
        "province": "BC",
        "members": [
            {"id": "s", "role": "applicant", "net_income": 2},
            {"id": "b", "role": "child", "custody": "full"},
        ],
    }
    facts, joined, left = changed_facts(before, after, TOLD)
    assert {(f.member, f.name, f.value) for f in facts} == {
        (None, "province", "BC"),
        ("b", "custody", "full"),
        ("s", "role", "applicant"),  # the survivor now answers for the household
    }
    assert joined == [("b", "child")] and left == ["a"]
