"""A client's facts, appended once and never changed; the profile is a projection of them.

Each fact row holds a stated fact of the registry (``rules/facts.yaml``) for the household or one
member, the date from which it holds (``effective``), when it was recorded and where it came
from. :func:`profile` projects the rows onto the engine's profile shape as they stood on a date,
as the store knew them at a moment: "what did we know on D" is the same query with an earlier
``known_at``. Every write and read is audited; the audit names the facts, never their values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, insert, select

from engine.catalog.facts import FactRegistry
from engine.errors import InputError
from engine.tellusonce import audit
from engine.tellusonce.schema import clients, facts, members

__all__ = ["FactIn", "profile", "record_facts"]


@dataclass(frozen=True)
class FactIn:
    """One stated fact to record: for a member (``member``) or the household (None)."""

    name: str
    value: Any
    effective: dt.date
    member: str | None = None


def _members(connection: Connection, client_id: str) -> dict[str, str]:
    if connection.execute(select(clients.c.id).where(clients.c.id == client_id)).first() is None:
        raise InputError("client_id", f"no client '{client_id}'")
    rows = connection.execute(
        select(members.c.member_id, members.c.role).where(members.c.client_id == client_id)
    )
    return {m: r for m, r in rows}


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
) -> int:
    """Append ``new`` (all or nothing: the first bad one raises before anything is written).

    Raises:
        InputError: an unknown client or member, a name that is not a stated fact, or a fact
            given for the wrong entity (``facts/<i>/...``).
    """
    known = _members(connection, client_id)
    for index, fact in enumerate(new):
        if fact.name not in registry or registry[fact.name].derived or fact.name == "role":
            raise InputError(f"facts/{index}/name", f"'{fact.name}' is not a stated fact")
        entity = registry[fact.name].entity
        if (entity == "household") != (fact.member is None):
            raise InputError(f"facts/{index}/member", f"'{fact.name}' is a {entity} fact")
        if fact.member is not None and fact.member not in known:
            raise InputError(f"facts/{index}/member", f"no member '{fact.member}'")
    now = dt.datetime.now(dt.UTC)
    if new:
        connection.execute(
            insert(facts),
            [
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
            ],
        )
    audit.append(
        connection,
        actor=actor,
        role=role,
        purpose=purpose,
        action="facts.record",
        subject=client_id,
        detail={"facts": sorted({f.name for f in new})},
    )
    return len(new)


def profile(
    connection: Connection,
    client_id: str,
    *,
    on: dt.date,
    known_at: dt.datetime | None = None,
    actor: str,
    role: str,
    purpose: str,
) -> dict[str, Any]:
    """The household as it stood on ``on``, as recorded up to ``known_at`` (default: now), in
    the profile contract's shape (``as_of`` is ``on``).

    Raises:
        InputError: an unknown client.
    """
    roles = _members(connection, client_id)
    query = select(facts).where(facts.c.client_id == client_id, facts.c.effective <= on)
    if known_at is not None:
        query = query.where(facts.c.recorded_at <= known_at)
    latest: dict[tuple[str | None, str], Any] = {}
    order = (facts.c.effective, facts.c.recorded_at, facts.c.id)
    for row in connection.execute(query.order_by(*order)).mappings():
        latest[(row["member_id"], row["name"])] = row["value"]  # later rows replace earlier
    household: dict[str, Any] = {
        name: value for (member, name), value in latest.items() if member is None
    }
    household["members"] = [
        {
            "id": member,
            "role": roles[member],
            **{n: v for (m, n), v in latest.items() if m == member},
        }
        for member in sorted(roles, key=lambda m: (roles[m] != "applicant", m))
    ]
    audit.append(
        connection,
        actor=actor,
        role=role,
        purpose=purpose,
        action="profile.read",
        subject=client_id,
        detail={"on": on.isoformat(), "as_known_at": known_at.isoformat() if known_at else None},
    )
    return {"as_of": on.isoformat(), "household": household}
