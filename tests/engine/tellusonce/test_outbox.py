"""A change writes its facts and one outbox row per entitled, consenting agency, only the facts
the agreement allows, in one transaction."""

from __future__ import annotations

import datetime as dt

import pytest
from kit import CATALOG, FACTS
from sqlalchemy import Engine, func, select

from engine.errors import InputError
from engine.tellusonce import create_client, grant, revoke, verify
from engine.tellusonce.facts import FactIn
from engine.tellusonce.outbox import record_change
from engine.tellusonce.schema import events, facts, outbox

SHARING = CATALOG.sharing
WHO = {"actor": "caseworker-7", "role": "caseworker"}
ON = dt.date(2026, 1, 15)
BIRTH = [
    FactIn("date_of_birth", "2026-01-10", dt.date(2026, 1, 10), "baby"),
    FactIn("custody", "full", dt.date(2026, 1, 10), "baby"),
    FactIn("net_income", 30000, dt.date(2026, 1, 1), "maria"),
]


def _client(store: Engine, *agreements: str, on: dt.date = ON) -> str:
    with store.begin() as connection:
        client = create_client(connection, [("maria", "applicant"), ("baby", "child")], **WHO)
        for agreement in agreements:
            grant(connection, SHARING, client, agreement, on=on, **WHO)
    return client


def _change(store: Engine, client: str, new: list[FactIn], on: dt.date = ON) -> list[object]:
    with store.begin() as connection:
        record_change(
            connection, FACTS, SHARING, client, new, on=on,
            event=("birth", dt.date(2026, 1, 10), {"child": "baby"}),
            source="birth reported", purpose="life event", **WHO,
        )  # fmt: skip
    with store.connect() as connection:
        return list(connection.execute(select(outbox)).mappings())


def test_a_consenting_agency_gets_only_the_facts_its_agreement_allows(store: Engine) -> None:
    rows = _change(store, _client(store, "cra_child_benefits"), BIRTH)
    assert [(r["agency_id"], r["agreement_id"]) for r in rows] == [("cra", "cra_child_benefits")]
    assert sorted(f["name"] for f in rows[0]["fields"]) == ["custody", "date_of_birth"]
    assert "net_income" not in repr(rows[0]["fields"])  # not in that agreement's fields
    with store.connect() as connection:
        assert verify(connection) is None


def test_without_consent_or_after_revocation_nobody_is_told(store: Engine) -> None:
    assert _change(store, _client(store), BIRTH) == []
    client = _client(store, "cra_child_benefits")
    with store.begin() as connection:
        revoke(connection, client, "cra_child_benefits", **WHO)
    assert _change(store, client, BIRTH) == []


def test_an_expired_agreement_shares_nothing(store: Engine) -> None:
    client = _client(store, "cra_newcomer_pilot", on=dt.date(2024, 6, 1))  # in force then
    changed = [FactIn("residency_status", "permanent_resident", ON, "maria")]
    assert _change(store, client, changed) == []


def test_a_bad_fact_leaves_no_event_no_fact_and_no_outbox_row(store: Engine) -> None:
    client = _client(store, "cra_child_benefits")
    with store.connect() as connection:
        counts = [
            connection.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (events, facts, outbox)
        ]
    bad = [*BIRTH, FactIn("no_such_fact", 1, ON, "maria")]
    with pytest.raises(InputError):
        _change(store, client, bad)
    with store.connect() as connection:
        after = [
            connection.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (events, facts, outbox)
        ]
    assert after == counts


def test_the_same_facts_told_twice_are_two_messages_with_their_own_keys(store: Engine) -> None:
    client = _client(store, "cra_child_benefits")
    _change(store, client, BIRTH[:1])
    rows = _change(store, client, BIRTH[:1])
    assert len(rows) == 2 and rows[0]["idempotency_key"] != rows[1]["idempotency_key"]
