"""A fresh store per test, on SQLite and on PostgreSQL (its own database, dropped after).

PostgreSQL runs on 127.0.0.1:5432 with trust auth on these machines; with ``CI=true`` it is
required, elsewhere a test is skipped when it cannot be reached.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from engine.tellusonce import connect, upgrade
from engine.tellusonce.db import LOCAL_POSTGRES, temporary_database

ADMIN = os.environ.get("LIFEEVENTS_TEST_POSTGRES", LOCAL_POSTGRES)


def postgres_store(stack: ExitStack) -> Engine:
    """An upgraded store on a new PostgreSQL database, disposed and dropped when ``stack``
    closes (skipped when the server cannot be reached, except with ``CI=true``)."""
    try:
        url = stack.enter_context(temporary_database(ADMIN))
    except OperationalError:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip("PostgreSQL is not reachable")
    engine = connect(url)
    stack.callback(engine.dispose)  # before the database is dropped
    upgrade(engine)
    return engine


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An upgraded store engine."""
    if request.param == "sqlite":
        engine = connect(f"sqlite:///{tmp_path / 'store.sqlite3'}")
        upgrade(engine)
        yield engine
        engine.dispose()
        return
    with ExitStack() as stack:
        yield postgres_store(stack)
