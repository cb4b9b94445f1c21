"""Delivery from the outbox to the agencies' inboxes, at least once; agencies pull and acknowledge.

The worker (``lifeevents outbox deliver``) takes the oldest undelivered outbox rows, writes them
to each agency's inbox in one transaction (the agency's side) and marks them delivered in
another. A message whose consent was revoked after it was queued is withdrawn instead, never
delivered: a revocation stops all sharing from its commit on, what was queued and not yet sent
included. A crash between the two leaves the rows undelivered, so the next run sends them again:
the inbox keeps one message per agency and idempotency key and counts the extra delivery, so a
redelivered message is recognized and never applied twice. An agency reads only its own inbox
and acknowledges each message; acknowledging twice changes nothing. Each delivery, read and
acknowledgement is audited by agency and agreement, never by value.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, select, update
from sqlalchemy.dialects import postgresql, sqlite

from engine.errors import InputError
from engine.tellusonce import audit
from engine.tellusonce.schema import consents, inbox, outbox

__all__ = ["Delivery", "ack", "deliver", "pull"]

log = logging.getLogger(__name__)
WORKER = "outbox-worker"  # the audit log's actor for deliveries (role system)


@dataclass(frozen=True)
class Delivery:
    """One run of the worker: messages sent, of which the inbox already held (redelivered),
    and messages withdrawn (their consent revoked since they were queued)."""

    sent: int
    redelivered: int
    withdrawn: int = 0

    @property
    def new(self) -> int:
        """Messages the agencies had not received before."""
        return self.sent - self.redelivered


def _insert(connection: Connection) -> Any:
    if connection.dialect.name == "postgresql":
        return postgresql.insert(inbox)
    return sqlite.insert(inbox)


def _receive(connection: Connection, rows: list[Any], now: dt.datetime) -> int:
    """Write ``rows`` into the inboxes (the agency's side); how many were already there."""
    redelivered = 0
    for row in rows:
        written = connection.execute(
            _insert(connection)
            .values(
                agency_id=row.agency_id,
                idempotency_key=row.idempotency_key,
                client_id=row.client_id,
                agreement_id=row.agreement_id,
                fields=row.fields,
                queued_at=row.created_at,
                received_at=now,
            )
            .on_conflict_do_nothing(index_elements=["agency_id", "idempotency_key"])
            .returning(inbox.c.id)
        ).first()
        if written is None:  # a message the agency already holds: counted, not applied
            redelivered += 1
            connection.execute(
                update(inbox)
                .where(
                    inbox.c.agency_id == row.agency_id,
                    inbox.c.idempotency_key == row.idempotency_key,
                )
                .values(deliveries=inbox.c.deliveries + 1)
            )
            continue
        audit.append(
            connection,
            actor=WORKER,
            role="system",
            purpose="delivery",
            action="share.deliver",
            subject=row.client_id,
            detail={
                "agency": row.agency_id,
                "agreement": row.agreement_id,
                "facts": sorted({f["name"] for f in row.fields}),
            },
        )
    return redelivered


def _withdraw(connection: Connection, rows: list[Any], now: dt.datetime) -> list[Any]:
    """Of ``rows``, those whose consent is still open; the others are marked withdrawn and
    audited (the agency and agreement, the facts' names), in the caller's transaction.

    The chain's head is locked first (:func:`audit.lock`): a revocation locks it before it
    changes the consent, so the consents read after it are as the last revocation to commit
    left them, and one that comes later waits for this delivery and is chained after it."""
    audit.lock(connection)
    open_ = {
        (client, agreement)
        for client, agreement in connection.execute(
            select(consents.c.client_id, consents.c.agreement_id).where(
                consents.c.client_id.in_({r.client_id for r in rows}),
                consents.c.revoked_at.is_(None),
            )
        )
    }
    kept = [r for r in rows if (r.client_id, r.agreement_id) in open_]
    gone = [r for r in rows if (r.client_id, r.agreement_id) not in open_]
    if gone:
        connection.execute(
            update(outbox).where(outbox.c.id.in_([r.id for r in gone])).values(withdrawn_at=now)
        )
    for row in gone:
        audit.append(
            connection, actor=WORKER, role="system", purpose="delivery",
            action="share.withdraw", subject=row.client_id,
            detail={
                "agency": row.agency_id, "agreement": row.agreement_id,
                "facts": sorted({f["name"] for f in row.fields}),
            },
        )  # fmt: skip
    return kept


def deliver(
    engine: Engine,
    *,
    batch: int = 100,
    limit: int | None = None,
    between: Callable[[], None] | None = None,
) -> Delivery:
    """Deliver undelivered outbox rows, oldest first, ``batch`` at a time, until none is left
    (or ``limit`` rows were taken); a message whose consent was revoked since it was queued
    is withdrawn, not sent. ``between`` runs after the inbox write and before the outbox is
    marked (tests use it to stand for a crash there)."""
    sent = redelivered = withdrawn = 0
    while limit is None or sent + withdrawn < limit:
        size = batch if limit is None else min(batch, limit - sent - withdrawn)
        with engine.begin() as connection:
            query = (
                select(outbox)
                .where(outbox.c.delivered_at.is_(None), outbox.c.withdrawn_at.is_(None))
                .order_by(outbox.c.id)
                .limit(size)
            )
            if connection.dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)  # two workers share the work
            rows = list(connection.execute(query))
            if not rows:
                break
            now = dt.datetime.now(dt.UTC)
            with audit.batch(connection):
                kept = _withdraw(connection, rows, now)
                redelivered += _receive(connection, kept, now)
        withdrawn += len(rows) - len(kept)
        if kept and between is not None:
            between()
        if kept:
            with engine.begin() as connection:
                connection.execute(
                    update(outbox)
                    .where(outbox.c.id.in_([r.id for r in kept]))
                    .values(delivered_at=now, attempts=outbox.c.attempts + 1)
                )
        sent += len(kept)
    log.info(
        "outbox delivery: %d sent, %d already held, %d withdrawn", sent, redelivered, withdrawn
    )
    return Delivery(sent, redelivered, withdrawn)


def _message(row: Any) -> dict[str, Any]:
    return {
        "id": int(row.id),
        "idempotency_key": row.idempotency_key,
        "client_id": row.client_id,
        "agreement_id": row.agreement_id,
        "fields": row.fields,
        "queued_at": audit.iso(row.queued_at),
        "received_at": audit.iso(row.received_at),
        "deliveries": int(row.deliveries),
        "acked_at": audit.iso(row.acked_at),
    }


def pull(
    connection: Connection,
    agency_id: str,
    *,
    limit: int = 100,
    include_acked: bool = False,
    actor: str,
    role: str,
) -> list[dict[str, Any]]:
    """The agency's messages, oldest first (unacknowledged only unless ``include_acked``); each
    client's record read is audited."""
    query = select(inbox).where(inbox.c.agency_id == agency_id)
    if not include_acked:
        query = query.where(inbox.c.acked_at.is_(None))
    rows = list(connection.execute(query.order_by(inbox.c.id).limit(limit)))
    with audit.batch(connection):
        _audit_reads(connection, agency_id, rows, actor, role)
    return [_message(r) for r in rows]


def _audit_reads(
    connection: Connection, agency_id: str, rows: list[Any], actor: str, role: str
) -> None:
    for client_id in sorted({r.client_id for r in rows}):
        audit.append(
            connection,
            actor=actor,
            role=role,
            purpose="inbox",
            action="inbox.read",
            subject=client_id,
            detail={"agency": agency_id, "messages": sum(r.client_id == client_id for r in rows)},
        )


def ack(
    connection: Connection, agency_id: str, message_id: int, *, actor: str, role: str
) -> dict[str, Any]:
    """Acknowledge one of the agency's messages (again: unchanged); the message.

    Raises:
        InputError: no such message in this agency's inbox (``message_id``).
    """
    row = connection.execute(
        select(inbox).where(inbox.c.id == message_id, inbox.c.agency_id == agency_id)
    ).first()
    if row is None:
        raise InputError("message_id", f"no message {message_id} in the inbox of '{agency_id}'")
    if row.acked_at is None:
        now = dt.datetime.now(dt.UTC)
        connection.execute(update(inbox).where(inbox.c.id == message_id).values(acked_at=now))
        audit.append(
            connection,
            actor=actor,
            role=role,
            purpose="inbox",
            action="inbox.ack",
            subject=row.client_id,
            detail={"agency": agency_id, "agreement": row.agreement_id},
        )
        row = connection.execute(select(inbox).where(inbox.c.id == message_id)).one()
    return _message(row)
