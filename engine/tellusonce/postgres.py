"""A recorded life event's writes on PostgreSQL: two round trips instead of eight.

Elsewhere (:func:`engine.tellusonce.outbox.record_change` and the audit batch) each write is
its own statement: the member who joined, the one who left, the facts, the event, the consents
read, each outbox row, the chain's head, the audit rows. On PostgreSQL every statement is a
round trip to the server (0.1-0.3 ms here), so a recording writes in two: the chain's head is
locked and the client's open consents read together, then one statement whose data-modifying
CTEs write everything (the outbox rows take the event's id from its insert's ``RETURNING``).
Both statements' texts are fixed, so they are compiled once; the rows travel as JSON arrays
read by ``json_to_recordset``. The same checks run before anything is written, and the rows are
the same as the generic path's (a property of the store tests, which run on both databases).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import Connection, text

from engine.catalog.agreements import SharingRules
from engine.catalog.facts import FactRegistry
from engine.tellusonce import audit
from engine.tellusonce.consents import in_force
from engine.tellusonce.db import fetch
from engine.tellusonce.facts import FactIn, checked_rows, recorded
from engine.tellusonce.outbox import Change, messages, queued_row

__all__ = ["record_at_once"]

_LOCK = text(  # the head first, then the consents as they stand then (see audit.lock)
    "WITH h AS (SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE) "
    "SELECT h.seq, h.hash, ARRAY(SELECT c.agreement_id FROM consents AS c "
    "WHERE c.client_id = :client AND c.revoked_at IS NULL AND h.seq >= 0 FOR SHARE OF c) "
    "AS agreements FROM h"
)
_WRITE = text(
    "WITH joined AS (INSERT INTO members (client_id, member_id, role, joined) "
    "SELECT :client, r.member_id, r.role, :day "
    "FROM json_to_recordset(CAST(:joined AS json)) AS r(member_id text, role text)), "
    'gone AS (UPDATE members SET "left" = :day WHERE client_id = :client '
    "AND member_id IN (SELECT json_array_elements_text(CAST(:left AS json)))), "
    "stated AS (INSERT INTO facts (client_id, member_id, name, value, effective, recorded_at, "
    "source) SELECT :client, r.member_id, r.name, CAST(r.value AS json), r.effective, :now, "
    ":source FROM json_to_recordset(CAST(:facts AS json)) "
    "AS r(member_id text, name text, value text, effective date)), "
    "told AS (INSERT INTO events (client_id, type, date, data, recorded_at) "
    "VALUES (:client, :type, :day, CAST(:data AS json), :now) RETURNING id), "
    "queued AS (INSERT INTO outbox (client_id, agency_id, agreement_id, event_id, fields, "
    "idempotency_key, created_at) SELECT :client, r.agency_id, r.agreement_id, told.id, "
    "r.fields, r.idempotency_key, :now FROM told, json_to_recordset(CAST(:queued AS json)) "
    "AS r(agency_id text, agreement_id text, fields json, idempotency_key text)), "
    "moved AS (UPDATE audit_head SET seq = :seq, hash = :hash WHERE id = 1), "
    f"chained AS ({audit.CHAIN_INSERT_PG}) "
    "SELECT id FROM told"
)


def record_at_once(
    connection: Connection,
    registry: FactRegistry,
    sharing: SharingRules,
    client_id: str,
    facts: Sequence[FactIn],
    *,
    joined: Sequence[tuple[str, str]],
    left: Sequence[str],
    on: dt.date,
    event: tuple[str, dt.date, dict[str, Any]],
    source: str,
    actor: str,
    role: str,
    purpose: str,
    members_known: Collection[str],
) -> Change:
    """What :func:`~engine.tellusonce.outbox.record_change` writes for a life event (type,
    day, data), with the members who ``joined`` (id, role) and ``left`` on its day, and the
    rows of the connection's audit batch, in two statements; must run inside
    :func:`~engine.tellusonce.audit.batch`.

    Raises:
        InputError: as :func:`~engine.tellusonce.facts.record_facts`, before anything is
            written.
    """
    kind, day, data = event
    now = dt.datetime.now(dt.UTC)
    rows = checked_rows(registry, client_id, facts, members_known, source=source, now=now)
    audit.append(connection, **recorded(facts, client_id, actor=actor, role=role, purpose=purpose))
    ((head_seq, head_hash, agreements),) = fetch(connection, _LOCK, {"client": client_id})
    queue = messages(sharing, facts, in_force(sharing, agreements, on), on)
    for message in queue:
        audit.append(
            connection, **queued_row(message, client_id, actor=actor, role=role, purpose=purpose)
        )
    chained = audit.take(connection)
    seq, last = audit.chain(chained, head_seq, head_hash)
    ((event_id,),) = fetch(
        connection,
        _WRITE,
        {
            "client": client_id, "day": day, "now": now, "source": source, "type": kind,
            "data": json.dumps(data), "seq": seq, "hash": last, "audit": audit.recordset(chained),
            "joined": json.dumps([{"member_id": m, "role": r} for m, r in joined]),
            "left": json.dumps(list(left)),
            "facts": json.dumps([
                {"member_id": r["member_id"], "name": r["name"], "value": json.dumps(r["value"]),
                 "effective": r["effective"].isoformat()}
                for r in rows
            ]),
            "queued": json.dumps([
                {"agency_id": m.recipient, "agreement_id": m.agreement, "fields": m.fields,
                 "idempotency_key": m.key}
                for m in queue
            ]),
        },
    )  # fmt: skip
    return Change(event_id, [(m.recipient, m.agreement) for m in queue])
