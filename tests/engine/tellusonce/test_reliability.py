"""Reliability with real processes and real databases: a writer killed with SIGKILL mid-stream
loses no acknowledged event and leaves none half-written, and delivery then gives each agency
each message exactly once; eight concurrent writers lose no event and keep the audit chain."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from flow import BIRTH, recorded, registered
from sqlalchemy import Engine, func, select

from engine.tellusonce import deliver, verify
from engine.tellusonce.schema import clients, consents, events, facts, inbox, members, outbox

HERE = Path(__file__).resolve().parent


def _per_client(store: Engine) -> dict[str, tuple[int, int, int, int, int]]:
    """For each client: its members, facts, consents, events and outbox rows."""
    tables = (members, facts, consents, events, outbox)
    with store.connect() as connection:
        ids = list(connection.execute(select(clients.c.id)).scalars())
        counted = [
            dict(
                connection.execute(
                    select(t.c.client_id, func.count()).group_by(t.c.client_id)
                ).all()
            )
            for t in tables
        ]
    return {c: tuple(per.get(c, 0) for per in counted) for c in ids}  # type: ignore[misc]


def test_a_killed_writer_loses_nothing_acknowledged_and_half_writes_nothing(
    store: Engine,
) -> None:
    url = store.url.render_as_string(hide_password=False)
    acknowledged: list[str] = []
    with subprocess.Popen(
        [sys.executable, str(HERE / "writer.py"), url],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    ) as writer:  # fmt: skip
        assert writer.stdout is not None and writer.stderr is not None
        deadline = time.monotonic() + 120
        while len(acknowledged) < 6 and time.monotonic() < deadline:
            line = writer.stdout.readline()
            if not line:
                break
            acknowledged.append(line.strip())
        time.sleep(0.013)  # into the next household's transaction
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=30)
        problem = writer.stderr.read()
    assert len(acknowledged) == 6, problem
    written = _per_client(store)
    assert set(acknowledged) <= set(written)  # every acknowledged event is there
    complete = written[acknowledged[0]]
    assert complete[3:] == (1, 1)  # one event, one outbox row (the CRA's)
    assert {w for w in written.values()} == {complete}  # and nothing is half-written
    with store.connect() as connection:
        assert verify(connection) is None
    deliver(store, batch=2)
    deliver(store)
    with store.connect() as connection:
        keys = list(connection.execute(select(inbox.c.agency_id, inbox.c.idempotency_key)))
        queued = list(connection.execute(select(outbox.c.agency_id, outbox.c.idempotency_key)))
    assert sorted(keys) == sorted(queued) and len(set(keys)) == len(keys) == len(written)


def test_eight_concurrent_writers_lose_no_event(store: Engine) -> None:
    clients_of = [registered(store, "cra_child_benefits") for _ in range(8)]
    failures: list[BaseException] = []

    def write(client: str) -> None:
        try:
            for day in ("2026-01-20", "2026-02-10"):
                recorded(store, client, {"type": "job_loss", "date": day,
                                         "data": {"member": "maria"}})  # fmt: skip
            recorded(store, client, BIRTH)
        except BaseException as exc:  # reported below, with the thread's failure
            failures.append(exc)

    threads = [threading.Thread(target=write, args=(c,)) for c in clients_of]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    with store.connect() as connection:
        assert connection.execute(select(func.count()).select_from(events)).scalar_one() == 24
        assert connection.execute(select(func.count()).select_from(outbox)).scalar_one() == 8
        assert verify(connection) is None
