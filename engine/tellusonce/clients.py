"""Clients and their household members (the facts about them are appended separately).

A member belongs to the household from the day it ``joined`` (None: from the client's
registration) to the day it ``left`` (a death, a separation); neither date erases the facts.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update

from engine.errors import InputError
from engine.tellusonce import audit
from engine.tellusonce.db import fetch
from engine.tellusonce.schema import clients, members

__all__ = [
    "add_member",
    "agency_clients",
    "client_agency",
    "client_exists",
    "create_client",
    "member_left",
]


_JOIN = insert(members)
_AGENCY = select(clients.c.agency_id).where(clients.c.id == bindparam("client"))


def client_agency(connection: Connection, client_id: str) -> str | None:
    """The agency that serves the client (None: none).

    Raises:
        InputError: no such client (``client_id``).
    """
    rows = fetch(connection, _AGENCY, {"client": client_id})  # with BEGIN when it is first
    if not rows:
        raise InputError("client_id", f"no client '{client_id}'")
    return rows[0][0]  # type: ignore[no-any-return]


def agency_clients(
    connection: Connection, agency: str, *, actor: str, role: str, purpose: str
) -> list[dict[str, Any]]:
    """The clients ``agency`` serves, newest first: id, when registered, and the members of each
    household (id, role, whether still in it) so a caseworker can find one (audited with the
    count read, never the members).
    """
    rows = connection.execute(
        select(clients.c.id, clients.c.created_at, members.c.member_id, members.c.role,
               members.c.left)
        .join(members, members.c.client_id == clients.c.id, isouter=True)
        .where(clients.c.agency_id == agency)
        .order_by(clients.c.created_at.desc(), clients.c.id, members.c.member_id)
    )  # fmt: skip
    found: dict[str, dict[str, Any]] = {}
    for row in rows:
        entry = found.setdefault(
            row.id, {"id": row.id, "created_at": audit.iso(row.created_at), "members": []}
        )
        if row.member_id is not None:
            entry["members"].append(
                {"id": row.member_id, "role": row.role, "present": row.left is None}
            )
    listed = list(found.values())
    audit.append(
        connection, actor=actor, role=role, purpose=purpose, action="clients.list",
        subject=f"agency:{agency}", detail={"clients": len(listed)},
    )  # fmt: skip
    return listed


def client_exists(connection: Connection, client_id: str) -> None:
    """Nothing if the client exists.

    Raises:
        InputError: no such client (``client_id``).
    """
    if connection.execute(select(clients.c.id).where(clients.c.id == client_id)).first() is None:
        raise InputError("client_id", f"no client '{client_id}'")


def create_client(
    connection: Connection,
    household: Sequence[tuple[str, str]],
    *,
    actor: str,
    role: str,
    agency: str | None = None,
) -> str:
    """A new client with its members (``(member id, role)`` pairs), served by ``agency``'s
    caseworkers; its id."""
    client_id = str(uuid.uuid4())
    connection.execute(
        insert(clients).values(id=client_id, created_at=dt.datetime.now(dt.UTC), agency_id=agency)
    )
    if household:
        connection.execute(
            insert(members),
            [{"client_id": client_id, "member_id": m, "role": r} for m, r in household],
        )
    audit.append(
        connection,
        actor=actor,
        role=role,
        purpose="registration",
        action="client.create",
        subject=client_id,
        detail={"members": len(household)},
    )
    return client_id


def add_member(
    connection: Connection, client_id: str, member_id: str, member_role: str, joined: dt.date
) -> None:
    """A member who joins the household on ``joined`` (a birth, an adoption, a union)."""
    connection.execute(
        _JOIN,
        {"client_id": client_id, "member_id": member_id, "role": member_role, "joined": joined},
    )


def member_left(connection: Connection, client_id: str, member_id: str, on: dt.date) -> None:
    """The member is no longer in the household from ``on`` (a death, a separation)."""
    connection.execute(
        update(members)
        .where(members.c.client_id == client_id, members.c.member_id == member_id)
        .values(left=on)
    )
