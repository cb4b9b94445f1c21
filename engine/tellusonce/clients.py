"""Clients and their household members (the facts about them are appended separately)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from sqlalchemy import Connection, insert

from engine.tellusonce import audit
from engine.tellusonce.schema import clients, members

__all__ = ["create_client"]


def create_client(
    connection: Connection, household: Sequence[tuple[str, str]], *, actor: str, role: str
) -> str:
    """A new client with its members (``(member id, role)`` pairs); its id."""
    client_id = str(uuid.uuid4())
    connection.execute(insert(clients).values(id=client_id, created_at=dt.datetime.now(dt.UTC)))
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
