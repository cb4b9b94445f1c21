"""Consents: a client grants or revokes consent per sharing agreement.

A grant names an agreement of ``rules/sharing/agreements.yaml`` that is in force; a revocation
stops all sharing under it at once (it is recorded, never deleted). Bad input (an unknown
client or agreement, an agreement not in force) raises :class:`~engine.errors.InputError`
naming the field, and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update

from engine.catalog.agreements import SharingRules
from engine.errors import InputError
from engine.tellusonce import audit
from engine.tellusonce.clients import client_exists
from engine.tellusonce.schema import consents

__all__ = ["active", "grant", "in_force", "listing", "revoke"]


def _audited(
    connection: Connection, action: str, client_id: str, agreement_id: str, actor: str, role: str
) -> None:
    audit.append(
        connection,
        actor=actor,
        role=role,
        purpose="consent",
        action=action,
        subject=client_id,
        detail={"agreement": agreement_id},
    )


def grant(
    connection: Connection,
    sharing: SharingRules,
    client_id: str,
    agreement_id: str,
    *,
    on: dt.date,
    actor: str,
    role: str,
) -> None:
    """Record the client's consent to an agreement in force on ``on``.

    Raises:
        InputError: an unknown client or agreement, or an agreement not in force.
    """
    client_exists(connection, client_id)
    if agreement_id not in sharing.agreements:
        raise InputError("agreement_id", f"no sharing agreement '{agreement_id}'")
    if not sharing.in_force(agreement_id, on):
        raise InputError("agreement_id", f"agreement '{agreement_id}' is not in force on {on}")
    now = dt.datetime.now(dt.UTC)
    connection.execute(
        insert(consents).values(client_id=client_id, agreement_id=agreement_id, granted_at=now)
    )
    _audited(connection, "consent.grant", client_id, agreement_id, actor, role)


def revoke(
    connection: Connection, client_id: str, agreement_id: str, *, actor: str, role: str
) -> int:
    """Revoke every open consent of the client to the agreement; how many were open.

    Raises:
        InputError: an unknown client.
    """
    client_exists(connection, client_id)
    audit.lock(connection)  # before the consents' rows: the order recordings lock in
    done = connection.execute(
        update(consents)
        .where(
            consents.c.client_id == client_id,
            consents.c.agreement_id == agreement_id,
            consents.c.revoked_at.is_(None),
        )
        .values(revoked_at=dt.datetime.now(dt.UTC))
    )
    _audited(connection, "consent.revoke", client_id, agreement_id, actor, role)
    return int(done.rowcount)


_OPEN = select(consents.c.agreement_id).where(
    consents.c.client_id == bindparam("client"), consents.c.revoked_at.is_(None)
)
#: the open consents read to share under them, each row locked (``FOR SHARE``): as it stands
#: once the lock is granted (after :func:`audit.lock`); SQLite has no row locks
_SHARING = _OPEN.with_for_update(read=True)


def active(
    connection: Connection,
    sharing: SharingRules,
    client_id: str,
    on: dt.date,
    *,
    to_share: bool = False,
) -> list[str]:
    """The agreements the client consents to that are in force on ``on`` (sorted);
    ``to_share``: read to share under them, the chain's head locked first and the consents'
    rows under a share lock (:func:`audit.lock`)."""
    if to_share:
        audit.lock(connection)
    statement = _SHARING if to_share else _OPEN
    return in_force(sharing, connection.execute(statement, {"client": client_id}).scalars(), on)


def in_force(sharing: SharingRules, consented: Iterable[str], on: dt.date) -> list[str]:
    """Of the agreements a client consents to (open consents), those in force on ``on``
    (sorted, each once)."""
    return sorted({a for a in consented if a in sharing.agreements and sharing.in_force(a, on)})


def listing(
    connection: Connection,
    sharing: SharingRules,
    client_id: str,
    *,
    on: dt.date,
    actor: str,
    role: str,
) -> list[dict[str, Any]]:
    """The client's consents, oldest first: each agreement, when granted and revoked, and
    whether it shares on ``on`` (audited).

    Raises:
        InputError: an unknown client.
    """
    client_exists(connection, client_id)
    sharing_now = set(active(connection, sharing, client_id, on))
    rows = connection.execute(
        select(consents).where(consents.c.client_id == client_id).order_by(consents.c.id)
    )
    listed = [
        {
            "agreement": r.agreement_id,
            "recipient": sharing.agreements[r.agreement_id].recipient
            if r.agreement_id in sharing.agreements
            else None,
            "granted_at": audit.iso(r.granted_at),
            "revoked_at": audit.iso(r.revoked_at),
            "sharing": r.revoked_at is None and r.agreement_id in sharing_now,
        }
        for r in rows
    ]
    audit.append(
        connection, actor=actor, role=role, purpose="consent", action="consent.read",
        subject=client_id, detail={"consents": len(listed)},
    )  # fmt: skip
    return listed
