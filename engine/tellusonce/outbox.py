"""Recording a change: its facts and one outbox row per entitled, consenting agency, in one
transaction.

An agency is told a change only under an agreement the client consents to, that is in force on
the day, and that allows at least one of the facts changed; its row holds only the facts that
agreement allows. The idempotency key (this recording and the agreement) lets delivery be at
least once and an agency recognize a message it already applied. Bad input raises before
anything is written, so a change is recorded whole or not at all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, insert

from engine.catalog.agreements import SharingRules
from engine.catalog.facts import FactRegistry
from engine.tellusonce import audit
from engine.tellusonce.consents import active
from engine.tellusonce.facts import FactIn, record_facts
from engine.tellusonce.schema import events, outbox

__all__ = ["Change", "Message", "messages", "queued_row", "record_change"]

_EVENT = insert(events).returning(events.c.id)
_QUEUE = insert(outbox)


@dataclass(frozen=True)
class Message:
    """An outbox row to queue: under which agreement, for which agency, the allowed facts (as
    JSON) and its idempotency key."""

    agreement: str
    recipient: str
    fields: list[dict[str, Any]]
    key: str


def messages(
    sharing: SharingRules, facts: Sequence[FactIn], agreements: Iterable[str], on: dt.date
) -> list[Message]:
    """The messages for ``facts`` under ``agreements``, those the client consents to that are
    in force on ``on`` (:func:`~engine.tellusonce.consents.in_force`): one per agreement that
    allows at least one of the facts, holding only those."""
    change = uuid.uuid4().hex  # this recording; the same facts told again are another message
    out = []
    for agreement_id in agreements:
        allowed = sharing.allowed_fields(sharing.agreements[agreement_id], on)
        fields = [
            {"member": f.member, "name": f.name, "value": f.value,
             "effective": f.effective.isoformat()}
            for f in facts
            if f.name in allowed
        ]  # fmt: skip
        if fields:
            key = hashlib.sha256(f"{change}:{agreement_id}".encode()).hexdigest()
            recipient = sharing.agreements[agreement_id].recipient
            out.append(Message(agreement_id, recipient, fields, key))
    return out


def queued_row(
    message: Message, client_id: str, *, actor: str, role: str, purpose: str
) -> dict[str, Any]:
    """The audit row's fields for queuing ``message`` (the facts' names, never their values)."""
    return {
        "actor": actor, "role": role, "purpose": purpose, "action": "share.queue",
        "subject": client_id,
        "detail": {
            "agency": message.recipient,
            "agreement": message.agreement,
            "facts": sorted({f["name"] for f in message.fields}),
        },
    }  # fmt: skip


class Change:
    """What :func:`record_change` wrote: the event's id (if any) and the outbox rows' agencies
    and agreements."""

    def __init__(self, event_id: int | None, queued: list[tuple[str, str]]) -> None:
        self.event_id = event_id
        self.queued = queued


def record_change(
    connection: Connection,
    registry: FactRegistry,
    sharing: SharingRules,
    client_id: str,
    facts: Sequence[FactIn],
    *,
    on: dt.date,
    event: tuple[str, dt.date, dict[str, Any]] | None = None,
    source: str,
    actor: str,
    role: str,
    purpose: str,
    members_known: Collection[str] | None = None,
) -> Change:
    """Append the facts (and the event: type, date, data), and queue them for every agency
    entitled and consented to receive them on ``on``, in the caller's transaction.

    Raises:
        InputError: as :func:`~engine.tellusonce.facts.record_facts`.
    """
    record_facts(
        connection, registry, client_id, facts, source=source, actor=actor, role=role,
        purpose=purpose, members_known=members_known,
    )  # fmt: skip
    event_id = None
    if event is not None:
        kind, date, data = event
        event_id = connection.execute(
            _EVENT,
            {
                "client_id": client_id,
                "type": kind,
                "date": date,
                "data": data,
                "recorded_at": dt.datetime.now(dt.UTC),
            },
        ).scalar_one()
    queued: list[tuple[str, str]] = []
    consented = active(connection, sharing, client_id, on, to_share=True)
    for message in messages(sharing, facts, consented, on):
        connection.execute(
            _QUEUE,
            {
                "client_id": client_id,
                "agency_id": message.recipient,
                "agreement_id": message.agreement,
                "event_id": event_id,
                "fields": message.fields,
                "idempotency_key": message.key,
                "created_at": dt.datetime.now(dt.UTC),
            },
        )
        audit.append(
            connection, **queued_row(message, client_id, actor=actor, role=role, purpose=purpose)
        )
        queued.append((message.recipient, message.agreement))
    return Change(event_id, queued)
