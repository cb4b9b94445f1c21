"""A life event evaluated ahead of its recording's transaction (SQLite): its answer is used only
when the recording's audited read gives the same household and history; otherwise the event
is evaluated again inside. PostgreSQL locks rows, so it is not evaluated ahead there."""

from __future__ import annotations

from typing import Any

import pytest
from flow import BIRTH, HOUSEHOLD, TOLD, WHO, counts, recorded, registered
from kit import ENGINE
from sqlalchemy import Engine, func, select

from engine.tellusonce.recording import Ahead, evaluate_ahead, record_event, register
from engine.tellusonce.schema import audit

JOB_LOSS = {"type": "job_loss", "date": "2026-02-20", "data": {"member": "maria"}}


class _Counting:
    """The engine, counting the events it evaluates."""

    def __init__(self) -> None:
        self.events = 0
        self.catalog = ENGINE.catalog

    def event(self, data: Any, *, written: bool = False) -> Any:
        self.events += 1
        return ENGINE.event(data, written=written)


def _record(store: Engine, engine: Any, client: str, ahead: Ahead | None) -> Any:
    with store.begin() as connection:
        return record_event(
            connection, engine, client, BIRTH, as_of=TOLD, source="portal", ahead=ahead, **WHO
        )


def test_an_answer_evaluated_ahead_is_used_when_nothing_changed_since(store: Engine) -> None:
    client, twin = registered(store, "cra_child_benefits"), registered(store, "cra_child_benefits")
    ahead = evaluate_ahead(store, ENGINE, client, BIRTH, as_of=TOLD)
    if store.dialect.name != "sqlite":
        assert ahead is None  # rows are locked, not the database: evaluated inside
        return
    assert ahead is not None
    counting = _Counting()
    done = _record(store, counting, client, ahead)
    assert counting.events == 0 and done.result is ahead.result
    inside = recorded(store, twin)  # the same household, evaluated in the transaction
    assert done.result.model_dump_json() == inside.result.model_dump_json()
    assert done.facts == inside.facts and len(done.change.queued) == len(inside.change.queued)


def test_an_answer_evaluated_ahead_is_not_used_once_the_record_changed(store: Engine) -> None:
    client = registered(store, "cra_child_benefits")
    ahead = evaluate_ahead(store, ENGINE, client, BIRTH, as_of=TOLD)
    if store.dialect.name != "sqlite":
        assert ahead is None
        return
    recorded(store, client, JOB_LOSS)  # told meanwhile: the household and history change
    counting = _Counting()
    done = _record(store, counting, client, ahead)
    assert counting.events == 1 and ahead is not None and done.result is not ahead.result
    maria = next(m for m in done.result.household["members"] if m["id"] == "maria")
    assert maria["employment_status"] == "unemployed"  # the job loss is in the answer


def test_nothing_is_evaluated_ahead_for_a_caller_who_may_not(store: Engine) -> None:
    client = registered(store)
    agencies: list[str | None] = []

    def refused(agency: str | None) -> None:
        agencies.append(agency)
        raise PermissionError("not this caller's client")

    counting = _Counting()
    if store.dialect.name == "sqlite":
        with pytest.raises(PermissionError):
            evaluate_ahead(store, counting, client, BIRTH, as_of=TOLD, allowed=refused)
        assert agencies == [None]  # the client's agency, read with the record (none here)
        assert counting.events == 0
    else:
        assert evaluate_ahead(store, counting, client, BIRTH, as_of=TOLD, allowed=refused) is None
        assert agencies == [] and counting.events == 0


def test_a_recording_for_a_caller_who_may_not_evaluates_writes_and_audits_nothing(
    store: Engine,
) -> None:
    with store.begin() as connection:
        client = register(connection, ENGINE, HOUSEHOLD, source="intake", agency="on_mccss", **WHO)
    agencies: list[str | None] = []

    def refused(agency: str | None) -> None:
        agencies.append(agency)
        raise PermissionError("not this caller's client")

    before, chain = counts(store), _audit_rows(store)
    counting = _Counting()
    with pytest.raises(PermissionError), store.begin() as connection:
        record_event(
            connection, counting, client, BIRTH, as_of=TOLD, source="portal", allowed=refused,
            **WHO,
        )  # fmt: skip
    assert agencies == ["on_mccss"] and counting.events == 0
    assert counts(store) == before and _audit_rows(store) == chain
    allowed: list[str | None] = []
    with store.begin() as connection:
        record_event(
            connection, ENGINE, client, BIRTH, as_of=TOLD, source="portal",
            allowed=allowed.append, **WHO,
        )  # fmt: skip
    assert allowed == ["on_mccss"] and counts(store)[0] == before[0] + 1


def _audit_rows(store: Engine) -> int:
    with store.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(audit)).scalar_one())


def test_an_event_that_cannot_be_evaluated_ahead_is_refused_by_the_recording(
    store: Engine,
) -> None:
    client = registered(store)
    bad = {**BIRTH, "date": "2026-13-01"}
    assert evaluate_ahead(store, ENGINE, client, bad, as_of=TOLD) is None
    assert evaluate_ahead(store, ENGINE, "no-such-client", BIRTH, as_of=TOLD) is None
