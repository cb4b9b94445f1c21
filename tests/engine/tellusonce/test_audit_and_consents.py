"""The audit chain and consents, on both databases."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from kit import CATALOG
from sqlalchemy import Connection, Engine, delete, select, text, update

from engine.errors import InputError
from engine.tellusonce import active, append, create_client, grant, revoke, verify
from engine.tellusonce.schema import audit, consents

ON = dt.date(2026, 1, 15)
SHARING = CATALOG.sharing
WHO = {"actor": "caseworker-7", "role": "caseworker"}


def _client(store: Engine) -> str:
    with store.begin() as connection:
        return create_client(connection, [("a", "applicant"), ("b", "child")], **WHO)


def _rows(store: Engine, count: int) -> None:
    with store.begin() as connection:
        for index in range(count):
            append(connection, **WHO, purpose="review", action="profile.read", subject=f"c{index}")


def test_an_intact_chain_verifies(store: Engine) -> None:
    _rows(store, 5)
    with store.connect() as connection:
        assert verify(connection) is None


def test_rows_keep_their_instant_and_detail_whatever_the_session_time_zone(
    store: Engine,
) -> None:
    """The hashed instant is the stored one, read back in another session time zone; a
    detail with accents and nesting is stored as hashed."""
    at = dt.datetime(2026, 3, 2, 23, 30, 15, 123456, tzinfo=dt.UTC)
    detail = {"motif": "révision", "faits": ["âge", "revenu"], "n": {"a": 1}}
    zone = "SET TIME ZONE 'America/St_Johns'" if store.dialect.name == "postgresql" else None
    with store.begin() as connection:
        if zone:
            connection.execute(text(zone))
        append(connection, **WHO, purpose="revue", action="profile.read", subject="c1",
               detail=detail, at=at)  # fmt: skip
        _rows_in(connection, 2)
    with store.connect() as connection:
        if store.dialect.name == "postgresql":
            connection.execute(text("SET TIME ZONE 'Asia/Kolkata'"))
        assert verify(connection) is None
        row = connection.execute(select(audit).where(audit.c.seq == 1)).mappings().one()
    assert row["detail"] == detail
    stored = row["at"] if row["at"].tzinfo else row["at"].replace(tzinfo=dt.UTC)
    assert stored == at


def _rows_in(connection: Connection, count: int) -> None:
    for index in range(count):
        append(connection, **WHO, purpose="review", action="profile.read", subject=f"c{index}")


@pytest.mark.parametrize("tamper", ["change", "delete", "reorder", "truncate"])
def test_the_first_broken_link_is_reported(store: Engine, tamper: str) -> None:
    _rows(store, 6)
    with store.begin() as connection:
        if tamper == "change":
            connection.execute(update(audit).where(audit.c.seq == 3).values(purpose="other"))
        elif tamper == "delete":
            connection.execute(delete(audit).where(audit.c.seq == 3))
        elif tamper == "reorder":  # rows 3 and 4 swap places
            connection.execute(update(audit).where(audit.c.seq == 3).values(seq=-3))
            connection.execute(update(audit).where(audit.c.seq == 4).values(seq=3))
            connection.execute(update(audit).where(audit.c.seq == -3).values(seq=4))
        else:
            connection.execute(delete(audit).where(audit.c.seq == 6))
    with store.connect() as connection:
        broken = verify(connection)
    assert broken is not None and broken.seq == (6 if tamper == "truncate" else 3), broken


def test_concurrent_writers_extend_one_chain(store: Engine) -> None:
    def work() -> None:
        for _ in range(10):
            _rows(store, 1)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with store.connect() as connection:
        assert verify(connection) is None
        assert connection.execute(text("select count(*) from audit")).scalar_one() == 80


def test_a_consent_is_granted_revoked_and_audited(store: Engine) -> None:
    client = _client(store)
    with store.begin() as connection:
        grant(connection, SHARING, client, "cra_child_benefits", on=ON, **WHO)
        assert active(connection, SHARING, client, ON) == ["cra_child_benefits"]
        assert revoke(connection, client, "cra_child_benefits", **WHO) == 1
        assert active(connection, SHARING, client, ON) == []
        actions = connection.execute(select(audit.c.action).order_by(audit.c.seq)).scalars()
        assert list(actions) == ["client.create", "consent.grant", "consent.revoke"]
        assert verify(connection) is None


@pytest.mark.parametrize(
    ("agreement", "client_known", "path", "words"),
    [
        ("no_such_agreement", True, "agreement_id", "no sharing agreement"),
        ("cra_newcomer_pilot", True, "agreement_id", "not in force"),
        ("cra_child_benefits", False, "client_id", "no client"),
    ],
)
def test_bad_consent_input_is_refused_and_changes_nothing(
    store: Engine, agreement: str, client_known: bool, path: str, words: str
) -> None:
    client = _client(store) if client_known else "00000000-0000-0000-0000-000000000000"
    with pytest.raises(InputError) as caught, store.begin() as connection:
        grant(connection, SHARING, client, agreement, on=ON, **WHO)
    assert caught.value.path == path and words in str(caught.value)
    with store.connect() as connection:
        assert connection.execute(select(consents)).first() is None
