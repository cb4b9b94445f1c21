"""Tell us once, end to end: register a household, then record each life event it tells.

:func:`register` turns a checked profile into a client, its members and their facts.
:func:`record_event` reads the client's profile as it stands on the day of the question and its
earlier events, runs the life event through the engine (what now applies, by when), and writes,
in the caller's transaction, the facts the event changed (members who joined or left
included), the event, and one outbox row per entitled, consenting agency. Nothing is written
when the event is refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection
from sqlalchemy import Engine as Store

from engine.engine import Engine
from engine.errors import InputError, LifeEventsError
from engine.events.result import EventResult
from engine.tellusonce import audit
from engine.tellusonce.clients import add_member, create_client, member_left
from engine.tellusonce.db import READ_ONLY
from engine.tellusonce.facts import FactIn, household_and_events, profile, record_facts
from engine.tellusonce.outbox import Change, record_change
from engine.tellusonce.postgres import record_at_once

__all__ = [
    "Ahead", "Recorded", "changed_facts", "correct_household", "evaluate_ahead", "record_event",
    "register",
]  # fmt: skip


def _facts(household: Mapping[str, Any], on: dt.date) -> Iterator[FactIn]:
    for name, value in household.items():
        if name != "members":
            yield FactIn(name, value, on)
    for member in household["members"]:
        for name, value in member.items():
            if name not in ("id", "role"):
                yield FactIn(name, value, on, member["id"])


def register(
    connection: Connection,
    engine: Engine,
    data: Mapping[str, Any],
    *,
    source: str,
    actor: str,
    role: str,
    agency: str | None = None,
) -> str:
    """A new client (served by ``agency``) from a profile (parsed JSON, the profile contract),
    its facts effective from the profile's ``as_of``; the client's id.

    Raises:
        InputError: the profile is not valid (its JSON path and the reason).
    """
    checked = engine.parse(data)
    household = checked.household.model_dump(mode="json", exclude_none=True)
    with audit.batch(connection):
        client_id = create_client(
            connection, [(m["id"], m["role"]) for m in household["members"]], actor=actor,
            role=role, agency=agency,
        )  # fmt: skip
        record_facts(
            connection, engine.catalog.facts, client_id, list(_facts(household, checked.as_of)),
            source=source, actor=actor, role=role, purpose="registration",
        )  # fmt: skip
    return client_id


def changed_facts(
    before: Mapping[str, Any], after: Mapping[str, Any], on: dt.date
) -> tuple[list[FactIn], list[tuple[str, str]], list[str]]:
    """What an event changed, as facts effective ``on``: the changed or new facts (a fact the
    event removed becomes None), the members who joined (id, role) and those who left."""
    old = {(f.member, f.name): f.value for f in _facts(before, on)}
    new = {(f.member, f.name): f.value for f in _facts(after, on)}
    roles_before = {m["id"]: m["role"] for m in before["members"]}
    roles_after = {m["id"]: m["role"] for m in after["members"]}
    joined = [(m, r) for m, r in roles_after.items() if m not in roles_before]
    left = [m for m in roles_before if m not in roles_after]
    facts = [FactIn(n, v, on, m) for (m, n), v in new.items() if old.get((m, n)) != v]
    facts += [
        FactIn(n, None, on, m)
        for (m, n) in old
        if (m, n) not in new and (m is None or m in roles_after)
    ]
    facts += [
        FactIn("role", r, on, m)
        for m, r in roles_after.items()
        if m in roles_before and roles_before[m] != r
    ]
    return facts, joined, left


@dataclass(frozen=True)
class Recorded:
    """A recorded event: the engine's answer and what the store wrote."""

    result: EventResult
    change: Change
    facts: int


def _day(event: Mapping[str, Any]) -> dt.date:
    if not isinstance(event, Mapping) or not isinstance(event.get("date"), str):
        raise InputError("event/date", "required (YYYY-MM-DD)")
    try:
        return dt.date.fromisoformat(event["date"])
    except ValueError:
        raise InputError("event/date", "not a date (expected YYYY-MM-DD)") from None


@dataclass(frozen=True)
class Ahead:
    """A life event evaluated before its recording's transaction: the engine's input (read
    without an audit row) and its answer, used only if the recording's audited read gives
    the same input."""

    question: dict[str, Any]
    result: EventResult


def evaluate_ahead(
    store: Store,
    engine: Engine,
    client_id: str,
    event: Mapping[str, Any],
    *,
    as_of: dt.date,
    allowed: Callable[[str | None], None] | None = None,
    written: bool = False,
) -> Ahead | None:
    """On SQLite, the event's answer on the client's record as it stands, evaluated outside
    the recording's transaction (None elsewhere, or when it cannot be: the recording then
    evaluates it, and raises what it raises). ``allowed``, given the client's agency (read
    with the record), raises if the caller may not record for this client: then nothing read
    is evaluated. ``written`` as for :func:`record_event`.

    SQLite lets one writer at a time hold the file, for its whole transaction: evaluating the
    event inside it (some milliseconds) made the service's other requests wait, and SQLite's
    own busy handler polls with sleeps of up to 100 ms, so a few waited seconds. With the
    answer computed ahead, the transaction holds the file for its reads and writes only. Its
    audited read then decides: the same household and history, the same answer (the engine
    is a function of them); anything else, evaluated again inside. Nothing read ahead leaves
    the process unless that audited read gives exactly the same.
    """
    if store.dialect.name != "sqlite":  # PostgreSQL locks rows, not the database
        return None
    try:
        day = _day(event)
        reader = store.connect().execution_options(**{READ_ONLY: True})
        with reader as connection, connection.begin():  # reads only: waits for no writer
            household, history, agency, _ = household_and_events(
                connection, client_id, on=as_of, until=day
            )
        if allowed is not None:
            allowed(agency)
        question = _question(as_of, household, event, history)
        return Ahead(question, engine.event(question, written=written))
    except LifeEventsError:
        return None


def _question(
    as_of: dt.date,
    household: dict[str, Any],
    event: Mapping[str, Any],
    history: list[dict[str, Any]],
) -> dict[str, Any]:
    """The life event contract the engine answers."""
    return {
        "as_of": as_of.isoformat(),
        "household": household,
        "event": dict(event),
        "history": history,
    }


def record_event(
    connection: Connection,
    engine: Engine,
    client_id: str,
    event: Mapping[str, Any],
    *,
    as_of: dt.date,
    source: str,
    actor: str,
    role: str,
    ahead: Ahead | None = None,
    written: bool = False,
    allowed: Callable[[str | None], None] | None = None,
) -> Recorded:
    """Record a life event (``{"type", "date", "data"}``) told on ``as_of``: the engine's
    suggestions for the household after it, with the changed facts, the event and the outbox
    rows written in the caller's transaction (``ahead``: its answer computed before it, see
    :func:`evaluate_ahead`; ``written``: the answer is only written out, see ``Engine.event``;
    ``allowed``: given the client's agency, read with the record, it raises if the caller may
    not record for this client, before anything is evaluated or written).

    Raises:
        InputError: an unknown client, or an event the engine refuses (``event/...``).
    """
    day = _day(event)
    with audit.batch(connection):  # one lock of the audit chain, at the end
        current = profile(
            connection, client_id, on=as_of, actor=actor, role=role, purpose="life event",
            events_until=day, allowed=allowed,
        )  # fmt: skip
        question = _question(as_of, current["household"], event, current["history"])
        if ahead is not None and ahead.question == question:
            result = ahead.result
        else:
            result = engine.event(question, written=written)
        facts, joined, left = changed_facts(current["household"], result.household, day)
        known = {m["id"] for m in current["household"]["members"]} | {m for m, _ in joined}
        told = (str(event["type"]), day, dict(event.get("data") or {}))
        if connection.dialect.name == "postgresql":  # one statement instead of eight
            change = record_at_once(
                connection, engine.catalog.facts, engine.catalog.sharing, client_id, facts,
                joined=joined, left=left, on=as_of, event=told, source=source, actor=actor,
                role=role, purpose="life event", members_known=known,
                consented=current["consented"],
            )  # fmt: skip
            return Recorded(result, change, len(facts))
        for member_id, member_role in joined:
            add_member(connection, client_id, member_id, member_role, day)
        for member_id in left:
            member_left(connection, client_id, member_id, day)
        change = record_change(
            connection, engine.catalog.facts, engine.catalog.sharing, client_id, facts, on=as_of,
            event=told, source=source, actor=actor, role=role, purpose="life event",
            members_known=known,
        )  # fmt: skip
    return Recorded(result, change, len(facts))


def correct_household(
    connection: Connection,
    engine: Engine,
    client_id: str,
    data: Mapping[str, Any],
    *,
    on: dt.date,
    source: str,
    actor: str,
    role: str,
) -> int:
    """Correct a registered household (a caseworker edits what was stated): ``data`` is the
    whole household as it should stand (the profile contract); what differs from the store's
    profile on ``on`` is recorded as facts effective ``on``, members added or removed included.
    A correction is not a life event: nothing is shared with agencies. The number of facts
    recorded.

    Raises:
        InputError: an unknown client, or a household that is not valid (its JSON path and the
            reason).
    """
    checked = engine.parse({"as_of": on.isoformat(), "household": data.get("household")})
    wanted = checked.household.model_dump(mode="json", exclude_none=True)
    with audit.batch(connection):
        current = profile(
            connection, client_id, on=on, actor=actor, role=role, purpose="correction"
        )
        facts, joined, left = changed_facts(current["household"], wanted, on)
        for member_id, member_role in joined:
            add_member(connection, client_id, member_id, member_role, on)
        for member_id in left:
            member_left(connection, client_id, member_id, on)
        known = {m["id"] for m in wanted["members"]}
        # a member who left keeps their facts: only those still in the household are written
        kept = [f for f in facts if f.member is None or f.member in known]
        record_facts(
            connection, engine.catalog.facts, client_id, kept, source=source, actor=actor,
            role=role, purpose="correction", members_known=known,
        )  # fmt: skip
    return len(kept)
