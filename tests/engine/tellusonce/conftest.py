"""A fresh store per test, on SQLite and on PostgreSQL (its own database, dropped after).

PostgreSQL runs on 127.0.0.1:5432 with trust auth on these machines; with ``CI=true`` it is
required, elsewhere a test is skipped when it cannot be reached.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import OperationalError

from engine.tellusonce import connect, upgrade

ADMIN = os.environ.get(
    "LIFEEVENTS_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An upgraded store engine."""
    if request.param == "sqlite":
        engine = connect(f"sqlite:///{tmp_path / 'store.sqlite3'}")
        upgrade(engine)
        yield engine
        engine.dispose()
        return
    admin = create_engine(ADMIN, isolation_level="AUTOCOMMIT")
    try:
        admin.connect().close()
    except OperationalError:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip("PostgreSQL is not reachable")
    name = f"lifeevents_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = connect(ADMIN.rsplit("/", 1)[0] + f"/{name}")
    try:
        upgrade(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()
