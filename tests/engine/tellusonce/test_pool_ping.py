"""The pool's ping at checkout on PostgreSQL: a connection that sat idle is pinged, and one the
server dropped meanwhile is replaced without the caller seeing an error; a connection given
back a moment ago is not pinged (a round trip saved in every busy transaction)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack

import pytest
from sqlalchemy import Engine, create_engine, text

from engine.tellusonce import db
from tests.engine.tellusonce.conftest import ADMIN, postgres_store


@pytest.fixture
def pg_store() -> Iterator[Engine]:
    """An upgraded store on a PostgreSQL database of its own."""
    with ExitStack() as stack:
        yield postgres_store(stack)


def _backend(store: Engine) -> int:
    with store.connect() as connection:
        return int(connection.execute(text("SELECT pg_backend_pid()")).scalar_one())


def _pings(store: Engine, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The pings that reach the server, counted (the dialect's own ``do_ping`` beneath the
    idle check)."""
    seen: list[int] = []
    inner = type(store.dialect).do_ping

    def counted(self: object, dbapi_connection: object) -> bool:
        seen.append(1)
        return inner(self, dbapi_connection)  # type: ignore[arg-type]

    monkeypatch.setattr(type(store.dialect), "do_ping", counted)
    return seen


def test_a_connection_back_a_moment_ago_is_not_pinged(
    pg_store: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    _backend(pg_store)  # the pool's connection, given back
    monkeypatch.setattr(db, "PING_IDLE_S", 60.0)
    pings = _pings(pg_store, monkeypatch)
    first = _backend(pg_store)
    assert _backend(pg_store) == first  # the same connection, reused
    assert pings == []


def test_an_idle_connection_the_server_dropped_is_replaced_without_an_error(
    pg_store: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    dropped = _backend(pg_store)
    admin = create_engine(ADMIN, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            ended = connection.execute(
                text("SELECT pg_terminate_backend(:pid)"), {"pid": dropped}
            ).scalar_one()
    finally:
        admin.dispose()
    assert ended is True
    monkeypatch.setattr(db, "PING_IDLE_S", 0.0)  # every checkout counts as idle
    pings = _pings(pg_store, monkeypatch)
    replaced = _backend(pg_store)  # no error: the ping found it dead, a new one was opened
    assert replaced != dropped
    assert pings  # the dead connection was pinged
