"""A client's facts, appended once and never changed; the profile is a projection of them.

Each fact row holds a stated fact of the registry (``rules/facts.yaml``) for the household or one
member, the date from which it holds (``effective``), when it was recorded and where it came
from. :func:`profile` projects the rows onto the engine's profile shape as they stood on a date,
as the store knew them at a moment: "what did we know on D" is the same query with an earlier
``known_at``. Every write and read is audited; the audit names the facts, never their values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from pydantic import ValidationError
from sqlalchemy import (
    Connection,
    Date,
    bindparam,
    cast,
    insert,
    literal_column,
    null,
    select,
    union_all,
)

from engine.catalog.facts import FactRegistry
from engine.catalog.input_errors import input_error
from engine.catalog.profile import value_adapter
from engine.errors import InputError
from engine.tellusonce import audit
from engine.tellusonce.clients import client_exists
from engine.tellusonce.db import fetch
from engine.tellusonce.schema import clients, consents, events, facts, members

__all__ = [
    "FactIn", "Held", "checked_rows", "fact_rows", "history", "household_and_events",
    "profile", "record_facts", "recorded",
]  # fmt: skip


@dataclass(frozen=True)
class FactIn:
    """One stated fact to record: for a member (``member``) or the household (None)."""

    name: str
    value: Any
    effective: dt.date
    member: str | None = None


_MEMBERS = select(members.c.member_id).where(members.c.client_id == bindparam("client"))
_INSERT = insert(facts)


def _together(known_then: bool) -> Any:
    """The household's facts in force, its members, its events up to a day, the client's own
    row and its open consents, in one query (one round trip instead of five): ``part`` 0 facts
    (in the order they apply), 1 members, 2 events (in date order), 3 the client (its agency),
    4 the agreements consented to."""
    stated = select(
        literal_column("0").label("part"),
        facts.c.member_id.label("who"),
        facts.c.name,
        facts.c.value,
        facts.c.effective.label("day"),
        cast(null(), Date).label("until"),
        facts.c.recorded_at.label("at"),
        facts.c.id,
    ).where(facts.c.client_id == bindparam("client"), facts.c.effective <= bindparam("on"))
    if known_then:
        stated = stated.where(facts.c.recorded_at <= bindparam("known_at"))
    people = select(
        literal_column("1"), members.c.member_id, members.c.role, null(), members.c.joined,
        members.c.left, null(), literal_column("0"),
    ).where(members.c.client_id == bindparam("client"))  # fmt: skip
    told = select(
        literal_column("2"),
        null(),
        events.c.type,
        events.c.data,
        events.c.date,
        null(),
        null(),
        events.c.id,
    ).where(events.c.client_id == bindparam("client"), events.c.date <= bindparam("until"))
    client = select(
        literal_column("3"), clients.c.agency_id, null(), null(), null(), null(), null(),
        literal_column("0"),
    ).where(clients.c.id == bindparam("client"))  # fmt: skip
    consented = select(
        literal_column("4"), consents.c.agreement_id, null(), null(), null(), null(), null(),
        consents.c.id,
    ).where(
        consents.c.client_id == bindparam("client"), consents.c.revoked_at.is_(None)
    )  # fmt: skip
    every = union_all(stated, people, told, client, consented).subquery()
    return select(every).order_by(every.c.part, every.c.day, every.c.at, every.c.id)


_TOGETHER = {False: _together(False), True: _together(True)}


def _members(connection: Connection, client_id: str) -> set[str]:
    """The ids of every member the client has had."""
    found = set(connection.execute(_MEMBERS, {"client": client_id}).scalars())
    if not found:  # a registered household has members: is there a client at all?
        client_exists(connection, client_id)
    return found


def _check_value(registry: FactRegistry, index: int, fact: FactIn) -> None:
    if fact.value is None:  # a fact that no longer holds (or is no longer known)
        return
    try:
        value_adapter(registry[fact.name]).validate_python(fact.value)
    except ValidationError as exc:
        error = input_error(exc)
        path = f"facts/{index}/value" + (f"/{error.path}" if error.path else "")
        raise InputError(path, error.reason, fr=error.reason_fr) from None


def checked_rows(
    registry: FactRegistry,
    client_id: str,
    new: Sequence[FactIn],
    known: Collection[str],
    *,
    source: str,
    now: dt.datetime,
) -> list[dict[str, Any]]:
    """The rows of the facts table for ``new`` (the client's members are ``known``), once every
    fact is checked.

    Raises:
        InputError: an unknown member, a name that is not a stated fact, a fact given for the
            wrong entity or a value that is not one of the fact's (``facts/<i>/...``).
    """
    for index, fact in enumerate(new):
        if fact.name not in registry or registry[fact.name].derived:
            raise InputError(f"facts/{index}/name", f"'{fact.name}' is not a stated fact")
        entity = registry[fact.name].entity
        if (entity == "household") != (fact.member is None):
            raise InputError(f"facts/{index}/member", f"'{fact.name}' is a {entity} fact")
        if fact.member is not None and fact.member not in known:
            raise InputError(f"facts/{index}/member", f"no member '{fact.member}'")
        _check_value(registry, index, fact)
    return [
        {
            "client_id": client_id,
            "member_id": f.member,
            "name": f.name,
            "value": f.value,
            "effective": f.effective,
            "recorded_at": now,
            "source": source,
        }
        for f in new
    ]


def record_facts(
    connection: Connection,
    registry: FactRegistry,
    client_id: str,
    new: Sequence[FactIn],
    *,
    source: str,
    actor: str,
    role: str,
    purpose: str,
    members_known: Collection[str] | None = None,
) -> int:
    """Append ``new`` (all or nothing: the first bad one raises before anything is written).
    ``members_known``: the client's member ids, when the caller has just read them.

    Raises:
        InputError: an unknown client or member, a name that is not a stated fact, or a fact
            given for the wrong entity (``facts/<i>/...``).
    """
    known = _members(connection, client_id) if members_known is None else members_known
    rows = checked_rows(registry, client_id, new, known, source=source, now=dt.datetime.now(dt.UTC))
    if rows:
        connection.execute(_INSERT, rows)
    audit.append(connection, **recorded(new, client_id, actor=actor, role=role, purpose=purpose))
    return len(new)


def recorded(
    new: Sequence[FactIn], client_id: str, *, actor: str, role: str, purpose: str
) -> dict[str, Any]:
    """The audit row's fields for recording ``new``: the facts' names, never their values."""
    return {
        "actor": actor, "role": role, "purpose": purpose, "action": "facts.record",
        "subject": client_id,
        "detail": {"facts": sorted({f.name for f in new})},
    }  # fmt: skip


def _household(
    roles: dict[str, str], rows: Iterable[tuple[str | None, str, Any]]
) -> dict[str, Any]:
    """The profile contract's household from the members in it (id: role) and the fact rows
    (member, name, value) in the order they apply."""
    latest: dict[tuple[str | None, str], Any] = {}
    for member, name, value in rows:
        latest[(member, name)] = value  # later rows replace earlier
    stated = {key: value for key, value in latest.items() if value is not None}
    household: dict[str, Any] = {
        name: value for (member, name), value in stated.items() if member is None
    }
    people = [
        {"id": member, "role": roles[member]}
        | {n: v for (m, n), v in stated.items() if m == member}
        for member in roles
    ]  # a role fact (the survivor who now answers for the household) replaces the registered one
    household["members"] = sorted(people, key=lambda p: (p["role"] != "applicant", p["id"]))
    return household


def _present(rows: Iterable[tuple[str, str, Any, Any]], on: dt.date) -> dict[str, str]:
    """The members in the household on ``on`` and their registered roles."""
    return {
        m: r
        for m, r, joined, left in rows
        if (joined is None or joined <= on) and (left is None or left > on)
    }


class Held(NamedTuple):
    """What the store holds about a client for a question: the household (the profile
    contract's), its events (the life-event contract's history), the agency serving it and the
    agreements it consents to (open consents, as read)."""

    household: dict[str, Any]
    history: list[dict[str, Any]]
    agency: str | None
    consented: list[str]


def household_and_events(
    connection: Connection,
    client_id: str,
    *,
    on: dt.date,
    until: dt.date | None = None,
    known_at: dt.datetime | None = None,
) -> Held:
    """The household as it stood on ``on``, as recorded up to ``known_at`` (default: now), in
    the profile contract's shape, the client's events dated up to ``until`` (type, date,
    data: the life-event contract's history; None: no events), the client's agency and its
    open consents, in one query, *not audited*: for :func:`profile` and for a read whose
    result is used only if an audited read gives the same
    (:func:`engine.tellusonce.recording.evaluate_ahead`).

    Raises:
        InputError: an unknown client.
    """
    stated: list[tuple[str | None, str, Any]] = []
    people: list[tuple[str, str, Any, Any]] = []
    history: list[dict[str, Any]] = []
    agency: list[str | None] = []
    consented: list[str] = []
    until = dt.date.min if until is None else until  # no event is dated before year 1
    params = {"client": client_id, "on": on, "until": until, "known_at": known_at}
    for part, who, name, value, day, left, _, _ in fetch(
        connection, _TOGETHER[known_at is not None], params
    ):
        if part == 0:
            stated.append((who, name, value))
        elif part == 1:
            people.append((who, name, day, left))
        elif part == 2:
            history.append({"type": name, "date": day.isoformat(), "data": value})
        elif part == 3:
            agency.append(who)
        else:
            consented.append(who)
    if not agency:
        raise InputError("client_id", f"no client '{client_id}'")
    return Held(_household(_present(people, on), stated), history, agency[0], consented)


def profile(
    connection: Connection,
    client_id: str,
    *,
    on: dt.date,
    known_at: dt.datetime | None = None,
    actor: str,
    role: str,
    purpose: str,
    events_until: dt.date | None = None,
    allowed: Callable[[str | None], None] | None = None,
) -> dict[str, Any]:
    """The household as it stood on ``on``, as recorded up to ``known_at`` (default: now), in
    the profile contract's shape (``as_of`` is ``on``); the read is audited. With
    ``events_until``, also the client's events up to that day (``history``, the life-event
    contract's) and the agreements it consents to (``consented``), read in the same query.
    ``allowed`` is given the client's agency, read in that query too, and raises if the
    caller may not see the record: then nothing read is audited or returned.

    Raises:
        InputError: an unknown client.
    """
    held = household_and_events(connection, client_id, on=on, until=events_until, known_at=known_at)
    if allowed is not None:
        allowed(held.agency)
    audit.append(
        connection,
        actor=actor,
        role=role,
        purpose=purpose,
        action="profile.read",
        subject=client_id,
        detail={"on": on.isoformat(), "as_known_at": known_at.isoformat() if known_at else None},
    )
    answer = {"as_of": on.isoformat(), "household": held.household}
    if events_until is None:
        return answer
    return answer | {"history": held.history, "consented": held.consented}


def fact_rows(connection: Connection, client_id: str) -> list[dict[str, Any]]:
    """The client's fact rows as JSON, in the order recorded (not audited: the caller is)."""
    rows = connection.execute(
        select(facts).where(facts.c.client_id == client_id).order_by(facts.c.id)
    )
    return [
        {
            "member": r.member_id,
            "name": r.name,
            "value": r.value,
            "effective": r.effective.isoformat(),
            "recorded_at": audit.iso(r.recorded_at),
            "source": r.source,
        }
        for r in rows
    ]


def history(
    connection: Connection, client_id: str, *, actor: str, role: str, purpose: str
) -> list[dict[str, Any]]:
    """Every fact recorded about the client, in the order recorded: member, name, value, from
    when it holds, when it was recorded and where it came from (audited).

    Raises:
        InputError: an unknown client.
    """
    client_exists(connection, client_id)
    listed = fact_rows(connection, client_id)
    audit.append(
        connection, actor=actor, role=role, purpose=purpose, action="facts.read",
        subject=client_id, detail={"facts": len(listed)},
    )  # fmt: skip
    return listed
