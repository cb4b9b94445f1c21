"""PostgreSQL records a life event in two statements (engine/tellusonce/postgres.py), SQLite one
write at a time: the same events told to both leave the same rows (members who joined and
left, facts with their values, None included, events, outbox messages and audit rows, in
order), and both chains verify."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from conftest import postgres_store
from flow import BIRTH, WHO, recorded, registered
from kit import ENGINE
from sqlalchemy import Engine, select

from engine.tellusonce import connect, grant, revoke, upgrade, verify
from engine.tellusonce.schema import audit, events, facts, members, outbox

TOLD = dt.date(2026, 3, 2)
STORY: list[dict[str, Any]] = [
    {"type": "job_loss", "date": "2026-01-20", "data": {"member": "maria"}},
    BIRTH,
    {"type": "move", "date": "2026-03-01", "data": {"province": "QC"}},
    {"type": "union", "date": "2026-03-02",
     "data": {"partner": {"id": "sam", "date_of_birth": "1985-05-05"}, "kind": "married"}},
    {"type": "death_of_spouse", "date": "2026-03-02", "data": {"deceased": "sam"}},
]  # fmt: skip


@pytest.fixture()
def stores(tmp_path: Path) -> Iterator[dict[str, Engine]]:
    """A SQLite store and a PostgreSQL one, upgraded."""
    with ExitStack() as stack:
        lite = connect(f"sqlite:///{tmp_path / 'store.sqlite3'}")
        stack.callback(lite.dispose)
        upgrade(lite)
        yield {"sqlite": lite, "postgresql": postgres_store(stack)}


def _rows(store: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """What the events wrote, without ids, instants, keys or hashes (they differ by nature)."""
    with store.connect() as connection:
        assert verify(connection) is None
        kinds = {i: t for i, t in connection.execute(select(events.c.id, events.c.type))}
        return {
            "members": sorted(
                connection.execute(
                    select(members.c.member_id, members.c.role, members.c.joined, members.c.left)
                ).all()
            ),
            "facts": [
                (r.member_id, r.name, r.value, r.effective, r.source)
                for r in connection.execute(select(facts).order_by(facts.c.id))
            ],
            "events": [
                (r.type, r.date, r.data)
                for r in connection.execute(select(events).order_by(events.c.id))
            ],
            "outbox": [
                (r.agency_id, r.agreement_id, kinds[r.event_id], r.fields, r.delivered_at)
                for r in connection.execute(select(outbox).order_by(outbox.c.id))
            ],
            "audit": [
                (r.actor, r.role, r.purpose, r.action, r.detail)
                for r in connection.execute(select(audit).order_by(audit.c.seq))
            ],
        }


def _told(store: Engine) -> list[list[tuple[str, str]]]:
    client = registered(store, "cra_child_benefits", "cra_benefit_credits")
    queued = []
    for index, event in enumerate(STORY):
        if index == 3:  # a revoked consent shares nothing more
            with store.begin() as connection:
                revoke(connection, client, "cra_child_benefits", **WHO)
                grant(connection, ENGINE.catalog.sharing, client, "esdc_pensions_and_survivors",
                      on=TOLD, **WHO)  # fmt: skip
        queued.append(recorded(store, client, event).change.queued)
    return queued


def test_both_write_paths_leave_the_same_rows(stores: dict[str, Engine]) -> None:
    told = {name: _told(store) for name, store in stores.items()}
    assert told["sqlite"] == told["postgresql"]
    assert any(told["sqlite"]) and not all(told["sqlite"])  # some events shared, some not
    rows = {name: _rows(store) for name, store in stores.items()}
    for table in rows["sqlite"]:
        assert rows["sqlite"][table] == rows["postgresql"][table], table
    assert any(left is not None for *_, left in rows["sqlite"]["members"])  # a member left
    assert any(value is None for _, _, value, *_ in rows["sqlite"]["facts"])  # a fact removed
