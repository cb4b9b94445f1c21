"""The client's own view: everything the store holds about a client, as JSON.

Facts with their whole history (what was recorded, when, from where, from when it holds), the
members and when they joined or left, the events, the consents, what was shared with which
agency under which agreement and when it was delivered and acknowledged, and every access to
the record (who, in which role, for what purpose, when). The export is itself audited, before
the accesses are read, so it lists itself.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from engine.tellusonce import audit
from engine.tellusonce.clients import client_exists
from engine.tellusonce.facts import fact_rows
from engine.tellusonce.schema import audit as audit_log
from engine.tellusonce.schema import clients, consents, events, inbox, members, outbox

__all__ = ["export", "shared"]


def _day(value: Any) -> str | None:
    return None if value is None else str(value.isoformat())


def shared(connection: Connection, client_id: str) -> list[dict[str, Any]]:
    """What was shared about the client, oldest first: with which agency, under which
    agreement, which facts, and when it was queued, delivered and acknowledged, or withdrawn
    (its consent revoked before it was delivered; not audited: the caller is).
    """
    received = {
        (r.agency_id, r.idempotency_key): r
        for r in connection.execute(select(inbox).where(inbox.c.client_id == client_id))
    }
    told = []
    for row in connection.execute(
        select(outbox).where(outbox.c.client_id == client_id).order_by(outbox.c.id)
    ):
        held = received.get((row.agency_id, row.idempotency_key))
        told.append(
            {
                "agency": row.agency_id,
                "agreement": row.agreement_id,
                "event_id": row.event_id,
                "facts": row.fields,
                "queued_at": audit.iso(row.created_at),
                "delivered_at": audit.iso(row.delivered_at),
                "withdrawn_at": audit.iso(row.withdrawn_at),
                "acknowledged_at": audit.iso(held.acked_at) if held is not None else None,
            }
        )
    return told


def export(
    connection: Connection, client_id: str, *, actor: str, role: str, purpose: str
) -> dict[str, Any]:
    """Everything held about the client (see the module's description).

    Raises:
        InputError: an unknown client (``client_id``).
    """
    client_exists(connection, client_id)
    audit.append(
        connection, actor=actor, role=role, purpose=purpose, action="client.export",
        subject=client_id,
    )  # fmt: skip
    created = connection.execute(
        select(clients.c.created_at).where(clients.c.id == client_id)
    ).scalar_one()
    told = shared(connection, client_id)
    return {
        "client": {"id": client_id, "created_at": audit.iso(created)},
        "members": [
            {"id": r.member_id, "role": r.role, "joined": _day(r.joined), "left": _day(r.left)}
            for r in connection.execute(
                select(members)
                .where(members.c.client_id == client_id)
                .order_by(members.c.member_id)
            )
        ],
        "facts": fact_rows(connection, client_id),
        "events": [
            {
                "id": r.id,
                "type": r.type,
                "date": _day(r.date),
                "data": r.data,
                "recorded_at": audit.iso(r.recorded_at),
            }
            for r in connection.execute(
                select(events).where(events.c.client_id == client_id).order_by(events.c.id)
            )
        ],
        "consents": [
            {
                "agreement": r.agreement_id,
                "granted_at": audit.iso(r.granted_at),
                "revoked_at": audit.iso(r.revoked_at),
            }
            for r in connection.execute(
                select(consents).where(consents.c.client_id == client_id).order_by(consents.c.id)
            )
        ],
        "shared": told,
        "accesses": [
            {
                "at": audit.iso(r.at),
                "actor": r.actor,
                "role": r.role,
                "purpose": r.purpose,
                "action": r.action,
                "detail": r.detail,
            }
            for r in connection.execute(
                select(audit_log).where(audit_log.c.subject == client_id).order_by(audit_log.c.seq)
            )
        ],
    }
