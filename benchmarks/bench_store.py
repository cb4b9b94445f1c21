"""`make bench`: the tell-us-once store's figures, printed as JSON.

Recording a life event end to end (the client's profile read from its facts, the event through
the engine, the changed facts, the event, the outbox rows and the audit rows written, one
transaction) on SQLite and on PostgreSQL, one event at a time after warm-up: events per second,
p50 and p99 end to end, and the store's own share (everything but the engine's evaluation,
timed around ``Engine.event`` in the same call); the evaluation alone is the baseline of the
same run. Delivery of the queued messages is timed per message. Medians over several runs,
with the collector as ``lifeevents serve`` sets it (``collector.serving``: as loaded, a full
pass over the catalog's objects, about 150 ms here, falls in a run's window or not, and the
p99 is that pause or not).

Then the same recording by ``--writers`` processes at once (default: one per core, as the
service runs its workers), each with its own connections, as the service's route records (on
SQLite the answer computed ahead of the transaction, :func:`evaluate_ahead`): the events per
second over the wall time of all of them, each event's p50 and p99 and the store's share under
that load. One writer's rate is one event's latency inverted; the writers' is the store's
capacity on this machine.

Targets (issue 20): >= 200 events/s on each database, the store's capacity (the writers'
rate); the store's share <= 2 ms p50, one event at a time; judged as measured and at the
machine's speed when the targets were set (the trivial household timed before and after:
:mod:`machine`). The single writer's rate is printed beside them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from machine import Speed, measure
from sqlalchemy import Engine as Store
from sqlalchemy.exc import OperationalError

from engine import Engine
from engine.collector import serving
from engine.tellusonce import connect, deliver, grant, upgrade
from engine.tellusonce.db import temporary_database
from engine.tellusonce.recording import evaluate_ahead, record_event, register

ROOT = Path(__file__).resolve().parents[1]
ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
TOLD = dt.date(2026, 3, 2)
WHO = {"actor": "bench", "role": "caseworker"}
WHO_AGENCY = "on_mccss"  # the caseworker's agency, which serves the bench's clients
HOUSEHOLD = json.loads((ROOT / "examples" / "household.json").read_text())
BIRTH = json.loads((ROOT / "examples" / "birth.json").read_text())["event"]


@contextmanager
def _sqlite() -> Iterator[Store]:
    with tempfile.TemporaryDirectory() as folder:
        store = connect(f"sqlite:///{folder}/bench.sqlite3")
        upgrade(store)
        yield store
        store.dispose()


@contextmanager
def _postgresql() -> Iterator[Store]:
    with temporary_database(prefix="lifeevents_bench") as url:
        store = connect(url)
        try:
            upgrade(store)
            yield store
        finally:
            store.dispose()


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _clients(engine: Engine, store: Store, count: int) -> list[str]:
    """``count`` registered clients, each consenting to the child benefits agreement."""
    with store.begin() as connection:
        clients = []
        for _ in range(count):
            client = register(
                connection, engine, HOUSEHOLD, source="bench", agency=WHO_AGENCY, **WHO
            )
            grant(connection, engine.catalog.sharing, client, "cra_child_benefits", on=TOLD, **WHO)
            clients.append(client)
    return clients


def _record(engine: Engine, store: Store, client: str) -> None:
    """One birth recorded as the service's route records it (the caller's permission checked
    on the client's agency, read with the record: the route's authorization)."""

    def allowed(agency: str | None) -> None:
        if agency != WHO_AGENCY:
            raise AssertionError(f"the bench's clients belong to {WHO_AGENCY}, not {agency}")

    ahead = evaluate_ahead(store, engine, client, BIRTH, as_of=TOLD, allowed=allowed, written=True)
    with store.begin() as connection:
        record_event(
            connection, engine, client, BIRTH, as_of=TOLD, source="bench", actor=WHO["actor"],
            role=WHO["role"], ahead=ahead, written=True, allowed=allowed,
        )  # fmt: skip


def _run(engine: Engine, store: Store, events: int) -> dict[str, float]:
    """Record ``events`` births (one per registered client), one at a time; per-event times
    in ms."""
    total, store_share, spent = _timed_records(engine, store, _clients(engine, store, events))
    start = time.perf_counter()
    sent = deliver(store).sent
    delivery = (time.perf_counter() - start) * 1000 / max(sent, 1)
    return {
        "events_per_s": len(total) / (sum(total) / 1000),
        "p50_ms": _pct(total, 0.5),
        "p99_ms": _pct(total, 0.99),
        "store_p50_ms": _pct(store_share, 0.5),
        "store_p99_ms": _pct(store_share, 0.99),
        "evaluation_p50_ms": _pct(spent, 0.5),
        "delivery_ms_per_message": delivery,
    }


def _timed_records(
    engine: Engine, store: Store, clients: list[str]
) -> tuple[list[float], list[float], list[float]]:
    """Record a birth for each client as the service does: each one's time, the store's share
    of it (the time outside ``Engine.event``) and the evaluation's, in ms."""
    evaluate = engine.event
    spent: list[float] = []

    def timed(data: Any, **options: Any) -> Any:
        start = time.perf_counter()
        try:
            return evaluate(data, **options)
        finally:
            spent.append(time.perf_counter() - start)

    setattr(engine, "event", timed)  # noqa: B010 (the engine's own method, timed in place)
    total: list[float] = []
    share: list[float] = []
    evaluation: list[float] = []
    try:
        for client in clients:
            spent.clear()
            start = time.perf_counter()
            _record(engine, store, client)
            elapsed = time.perf_counter() - start
            total.append(elapsed * 1000)
            share.append((elapsed - sum(spent)) * 1000)
            evaluation.append(sum(spent) * 1000)
    finally:
        delattr(engine, "event")
    return total, share, evaluation


def _writer(
    engine: Engine, url: str, clients: list[str], warm: list[str], ready: Any, out: Any
) -> None:
    """One writer process: its warm-up events, then its share of the timed ones."""
    store = connect(url)
    try:
        _timed_records(engine, store, warm)
        ready.wait()
        start = time.perf_counter()
        total, share, _ = _timed_records(engine, store, clients)
        out.put((start, time.perf_counter(), total, share))
    finally:
        store.dispose()


def _concurrent(engine: Engine, store: Store, writers: int, events: int) -> dict[str, float]:
    """``events`` births recorded by ``writers`` processes at once (forked with the loaded
    engine; each opens its own connections)."""
    per = max(1, events // writers)
    clients = _clients(engine, store, writers * (per + 5))
    url = store.url.render_as_string(hide_password=False)
    store.dispose()  # a forked process opens its own connections
    context = multiprocessing.get_context("fork")
    ready, out = context.Barrier(writers), context.Queue()
    shares = [clients[i * (per + 5) : (i + 1) * (per + 5)] for i in range(writers)]
    processes = [
        context.Process(target=_writer, args=(engine, url, share[5:], share[:5], ready, out))
        for share in shares
    ]
    for process in processes:
        process.start()
    results = [out.get(timeout=600) for _ in processes]
    for process in processes:
        process.join()
    start, end = min(r[0] for r in results), max(r[1] for r in results)
    total = [t for r in results for t in r[2]]
    share_ms = [t for r in results for t in r[3]]
    return {
        "events_per_s": len(total) / (end - start),
        "p50_ms": _pct(total, 0.5),
        "p99_ms": _pct(total, 0.99),
        "store_p50_ms": _pct(share_ms, 0.5),
        "store_p99_ms": _pct(share_ms, 0.99),
    }


def _median(runs: list[dict[str, float]]) -> dict[str, float]:
    return {k: round(statistics.median(r[k] for r in runs), 2) for k in runs[0]}


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--events", type=int, default=100)
    parser.add_argument("--writers", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    engine = Engine.load()
    before = measure()
    serving()  # as the service runs
    databases: dict[str, Callable[[], Any]] = {"sqlite": _sqlite, "postgresql": _postgresql}
    report: dict[str, Any] = {
        "events_per_run": args.events, "runs": args.runs, "writers": args.writers
    }  # fmt: skip
    for name, open_store in databases.items():
        try:
            runs, together = [], []
            for _ in range(args.runs):
                with open_store() as store:
                    _run(engine, store, 5)  # warm-up: first checks, connections
                    runs.append(_run(engine, store, args.events))
                with open_store() as store:
                    together.append(_concurrent(engine, store, args.writers, args.events))
            report[name] = _median(runs)
            report[name + "_writers"] = _median(together)
        except OperationalError as exc:
            report[name] = {"skipped": f"unreachable: {type(exc).__name__}"}
    report["targets"] = {"events_per_s": 200, "store_p50_ms": 2}
    speed = Speed.of(before, measure())
    scaled: dict[str, Any] = speed.as_json()
    for name in databases:
        if "events_per_s" in report[name]:
            scaled[name] = {
                "events_per_s": speed.rate(report[name + "_writers"]["events_per_s"]),
                "store_p50_ms": speed.time_ms(report[name]["store_p50_ms"]),
                "one_writer_events_per_s": speed.rate(report[name]["events_per_s"]),
            }
    scaled["meets_targets"] = all(
        isinstance(scaled.get(n), dict)
        and scaled[n]["events_per_s"] >= 200
        and scaled[n]["store_p50_ms"] <= 2
        for n in databases
    )
    report["at_reference_speed"] = scaled
    print(json.dumps({"store": report}, indent=2))


if __name__ == "__main__":
    main()
