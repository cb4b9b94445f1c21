"""A household told once: registered, consenting to the CRA's child benefits agreement, with a
birth recorded (shared by the store tests; synthetic people only)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from kit import ENGINE
from sqlalchemy import Engine, func, select

from engine.tellusonce import grant
from engine.tellusonce.recording import Recorded, record_event, register
from engine.tellusonce.schema import events, facts, members, outbox

WHO = {"actor": "caseworker-7", "role": "caseworker"}
TOLD = dt.date(2026, 3, 2)
HOUSEHOLD = json.loads(
    (Path(__file__).resolve().parents[3] / "examples" / "household.json").read_text()
)
BIRTH: dict[str, Any] = {
    "type": "birth",
    "date": "2026-03-01",
    "data": {"child": {"id": "ana", "custody": "full"}, "birth_parent": "maria"},
}


def registered(store: Engine, *agreements: str) -> str:
    """A client registered from examples/household.json, consenting to ``agreements``."""
    with store.begin() as connection:
        client = register(connection, ENGINE, HOUSEHOLD, source="intake", **WHO)
        for agreement in agreements:
            grant(connection, ENGINE.catalog.sharing, client, agreement, on=TOLD, **WHO)
    return client


def recorded(store: Engine, client: str, event: dict[str, Any] = BIRTH) -> Recorded:
    """``event`` recorded for the client, told on TOLD."""
    with store.begin() as connection:
        return record_event(connection, ENGINE, client, event, as_of=TOLD, source="portal", **WHO)


def counts(store: Engine) -> tuple[int, ...]:
    """Rows in the tables an event writes."""
    with store.connect() as connection:
        return tuple(
            connection.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (events, facts, members, outbox)
        )
