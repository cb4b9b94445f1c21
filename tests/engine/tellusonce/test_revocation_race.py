"""A revocation that commits while a recording waits for the audit chain stops the sharing at
once (PostgreSQL: rows are locked, transactions overlap).

A recording reads the client's open consents after it has locked the audit chain's head. A
revocation holds that lock until it commits; a recording that started meanwhile waits, and then
must not share under the consent that was revoked before it: its audit rows come after the
revocation's, so sharing anything would be sharing after the revocation. In READ COMMITTED a
statement reads the snapshot taken when it started, before the revocation committed; the
consents are therefore read with a row lock (``FOR SHARE``), which reads each row as it now
stands once the lock is granted. A delivery likewise reads the consents after the head and
withdraws what a revocation left without consent. Every transaction that touches both takes
the head first (``audit.lock``), so a revocation that comes second waits for the recording
and is chained after it, and neither waits for the other in a cycle.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import pytest
from flow import BIRTH, TOLD, WHO, registered
from kit import ENGINE, FACTS
from sqlalchemy import Connection, Engine, select, text

from engine.tellusonce import deliver, revoke, verify
from engine.tellusonce.delivery import Delivery
from engine.tellusonce.facts import FactIn
from engine.tellusonce.outbox import record_change
from engine.tellusonce.recording import record_event
from engine.tellusonce.schema import audit, inbox, outbox
from tests.engine.tellusonce.conftest import postgres_store


@pytest.fixture
def pg_store() -> Iterator[Engine]:
    """An upgraded store on a PostgreSQL database of its own."""
    with ExitStack() as stack:
        yield postgres_store(stack)


def _life_event(store: Engine, client: str) -> list[tuple[str, str]]:
    with store.begin() as connection:
        done = record_event(connection, ENGINE, client, BIRTH, as_of=TOLD, source="portal", **WHO)
    return done.change.queued


def _change(store: Engine, client: str) -> list[tuple[str, str]]:
    birth = [FactIn("date_of_birth", "2026-03-01", TOLD, "maria")]
    with store.begin() as connection:
        done = record_change(
            connection, FACTS, ENGINE.catalog.sharing, client, birth, on=TOLD, source="portal",
            purpose="correction", **WHO,
        )  # fmt: skip
    return done.queued


def _waiting_for_a_lock(store: Engine, deadline_s: float = 10.0) -> bool:
    """Whether another session of this database waits for a lock (polled until the
    deadline)."""
    end = time.monotonic() + deadline_s
    with store.connect() as connection:
        while time.monotonic() < end:
            waiting = connection.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock'"
                )
            ).scalar_one()
            connection.rollback()
            if waiting:
                return True
            time.sleep(0.02)
    return False


def _behind(store: Engine, holder: Connection, work: Callable[[], None], what: str) -> None:
    """``work`` run in a thread while ``holder``'s open transaction keeps its locks: seen
    waiting for them, then the transaction committed and the thread joined."""
    thread = threading.Thread(target=work)
    thread.start()
    try:
        assert _waiting_for_a_lock(store), f"{what} never waited"
    finally:
        holder.commit()
        thread.join(timeout=30)


@pytest.mark.parametrize("record", [_life_event, _change], ids=["life_event", "record_change"])
def test_a_recording_waiting_on_a_revocation_shares_nothing_under_it(
    pg_store: Engine, record: Callable[[Engine, str], list[tuple[str, str]]]
) -> None:
    client = registered(pg_store, "cra_child_benefits")
    queued: list[Any] = []
    with pg_store.connect() as revoking:
        revoke(revoking, client, "cra_child_benefits", **WHO)  # holds the chain's head
        _behind(pg_store, revoking, lambda: queued.append(record(pg_store, client)), "recording")
    assert queued == [[]]  # it recorded, and shared nothing
    with pg_store.connect() as connection:
        assert connection.execute(select(outbox.c.id)).all() == []
        assert verify(connection) is None


def test_a_revocation_waits_for_a_recording_that_locked_first_and_comes_after_it(
    pg_store: Engine,
) -> None:
    client = registered(pg_store, "cra_child_benefits")
    birth = [FactIn("date_of_birth", "2026-03-01", TOLD, "maria")]
    revoked: list[int] = []
    with pg_store.connect() as recording:
        done = record_change(
            recording, FACTS, ENGINE.catalog.sharing, client, birth, on=TOLD, source="portal",
            purpose="correction", **WHO,
        )  # fmt: skip
        assert done.queued == [("cra", "cra_child_benefits")]  # consented: shared

        def revoking() -> None:
            with pg_store.begin() as connection:
                revoked.append(revoke(connection, client, "cra_child_benefits", **WHO))

        _behind(pg_store, recording, revoking, "the revocation")
    assert revoked == [1]  # no deadlock: it went through once the recording committed
    with pg_store.connect() as connection:
        actions = connection.execute(
            select(audit.c.action).where(audit.c.subject == client).order_by(audit.c.seq)
        ).scalars()
        assert list(actions)[-2:] == ["share.queue", "consent.revoke"]
        assert verify(connection) is None


def test_a_delivery_waiting_on_a_revocation_withdraws_what_was_queued_under_it(
    pg_store: Engine,
) -> None:
    client = registered(pg_store, "cra_child_benefits")
    assert _life_event(pg_store, client) == [("cra", "cra_child_benefits")]  # queued
    delivered: list[Delivery] = []
    with pg_store.connect() as revoking:
        revoke(revoking, client, "cra_child_benefits", **WHO)  # holds the chain's head
        _behind(pg_store, revoking, lambda: delivered.append(deliver(pg_store)), "the delivery")
    assert delivered == [Delivery(0, 0, 1)]  # withdrawn, not sent
    with pg_store.connect() as connection:
        assert connection.execute(select(inbox.c.id)).all() == []
        assert verify(connection) is None
