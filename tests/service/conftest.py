"""An app over the bundled rules and a fresh SQLite store per test, with a token per role."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from apikit import KEY
from fastapi.testclient import TestClient
from kit import ENGINE

from api.app import create_app
from api.settings import Settings
from engine.tellusonce import connect, upgrade


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings over a fresh, upgraded SQLite store."""
    found = Settings(database_url=f"sqlite:///{tmp_path / 'api.sqlite3'}", signing_key=KEY)
    upgrade(connect(found.database_url))
    return found


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    """A test client of the app."""
    with TestClient(create_app(settings, engine=ENGINE)) as test_client:
        yield test_client
