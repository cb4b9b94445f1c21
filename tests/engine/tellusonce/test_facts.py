"""Facts are appended once; the profile is their projection on a date, as known at a moment."""

from __future__ import annotations

import datetime as dt

import pytest
from kit import ENGINE, FACTS
from sqlalchemy import Engine, func, select

from engine.errors import InputError
from engine.tellusonce import create_client, verify
from engine.tellusonce.facts import FactIn, profile, record_facts
from engine.tellusonce.schema import audit, facts

WHO = {"actor": "caseworker-7", "role": "caseworker"}
READ = {**WHO, "purpose": "eligibility review"}


def _client(store: Engine) -> str:
    with store.begin() as connection:
        client = create_client(connection, [("maria", "applicant"), ("leo", "child")], **WHO)
        record_facts(
            connection,
            FACTS,
            client,
            [
                FactIn("province", "ON", dt.date(2020, 1, 1)),
                FactIn("date_of_birth", "1991-05-02", dt.date(1991, 5, 2), "maria"),
                FactIn("residency_status", "citizen", dt.date(2020, 1, 1), "maria"),
                FactIn("net_income", 35000, dt.date(2025, 1, 1), "maria"),
                FactIn("date_of_birth", "2023-09-10", dt.date(2023, 9, 10), "leo"),
                FactIn("custody", "full", dt.date(2023, 9, 10), "leo"),
            ],
            source="intake interview",
            purpose="registration",
            **WHO,
        )
    return client


def test_the_projection_is_a_profile_the_engine_checks(store: Engine) -> None:
    client = _client(store)
    with store.begin() as connection:
        data = profile(connection, client, on=dt.date(2026, 1, 15), **READ)
    assert data["household"]["province"] == "ON"
    assert [m["id"] for m in data["household"]["members"]] == ["maria", "leo"]
    ccb = {r.program: r for r in ENGINE.check(data).results}["ca_ccb"]
    assert ccb.status == "eligible" and ccb.amount is not None and ccb.amount.annual == 7997.0


def test_history_answers_what_was_known_on_a_date(store: Engine) -> None:
    client = _client(store)
    with store.connect() as connection:
        before = connection.execute(select(func.max(facts.c.recorded_at))).scalar_one()
    with store.begin() as connection:
        record_facts(
            connection,
            FACTS,
            client,
            [FactIn("province", "QC", dt.date(2026, 3, 1))],
            source="move reported",
            purpose="life event",
            **WHO,
        )
        later = profile(connection, client, on=dt.date(2026, 4, 1), **READ)
        earlier_day = profile(connection, client, on=dt.date(2026, 2, 1), **READ)
        as_known = profile(connection, client, on=dt.date(2026, 4, 1), known_at=before, **READ)
    assert later["household"]["province"] == "QC"
    assert earlier_day["household"]["province"] == "ON"  # the move holds from March
    assert as_known["household"]["province"] == "ON"  # not known yet at that moment
    with store.connect() as connection:
        assert connection.execute(select(func.count()).select_from(facts)).scalar_one() == 7


@pytest.mark.parametrize(
    ("fact", "path", "words"),
    [
        (FactIn("no_such_fact", 1, dt.date(2026, 1, 1), "maria"), "facts/0/name", "not a stated"),
        (FactIn("age", 30, dt.date(2026, 1, 1), "maria"), "facts/0/name", "not a stated"),
        (FactIn("province", "ON", dt.date(2026, 1, 1), "maria"), "facts/0/member", "household"),
        (FactIn("net_income", 1, dt.date(2026, 1, 1)), "facts/0/member", "person fact"),
        (FactIn("net_income", 1, dt.date(2026, 1, 1), "nobody"), "facts/0/member", "no member"),
    ],
)
def test_bad_facts_are_refused_and_nothing_is_written(
    store: Engine, fact: FactIn, path: str, words: str
) -> None:
    client = _client(store)
    with store.connect() as connection:
        rows = connection.execute(select(func.count()).select_from(facts)).scalar_one()
        audited = connection.execute(select(func.count()).select_from(audit)).scalar_one()
    with pytest.raises(InputError) as caught, store.begin() as connection:
        record_facts(connection, FACTS, client, [fact], source="x", purpose="x", **WHO)
    assert caught.value.path == path and words in str(caught.value)
    with store.connect() as connection:
        assert connection.execute(select(func.count()).select_from(facts)).scalar_one() == rows
        assert connection.execute(select(func.count()).select_from(audit)).scalar_one() == audited
        assert verify(connection) is None


def test_the_audit_names_the_facts_never_their_values(store: Engine) -> None:
    _client(store)
    with store.connect() as connection:
        details = connection.execute(select(audit.c.detail)).scalars().all()
    text = repr(details)
    assert "net_income" in text and "35000" not in text and "1991" not in text
