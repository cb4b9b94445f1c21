"""A recorded life event's writes on PostgreSQL: one round trip instead of eight.

Elsewhere (:func:`engine.tellusonce.outbox.record_change` and the audit batch) each write is
its own statement: the member who joined, the one who left, the facts, the event, the consents
read, each outbox row, the chain's head, the audit rows. On PostgreSQL every statement is a
round trip to the server (0.1-0.3 ms here), so a recording writes in one statement whose CTEs
lock the audit chain's head, read the client's open consents under a row lock, write the
members, facts and event, queue the messages under the consented agreements (the outbox rows
take the event's id from its insert's ``RETURNING``), and chain the audit rows after the head.

The server numbers and hashes the audit rows because only it knows, once the head is locked,
which messages are consented to: Python sends each row's canonical JSON in two parts around its
sequence number (:func:`~engine.tellusonce.audit.canonical_parts`) and, for a message's row,
its agreement; the statement keeps the rows whose agreement is consented, numbers them after
the head and computes each hash with ``sha256`` as :func:`~engine.tellusonce.audit.verify`
recomputes it in Python (the chain is checked by the store tests, on every run, against that
independent implementation). The statement's text is fixed, so it is compiled once; the rows
travel as JSON arrays read by ``json_to_recordset``. The same checks run before anything is
written, and the rows are the same as the generic path's (a property of the store tests, which
run on both databases).
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

#: the rows of the audit batch as JSON (``:audit``): each row's canonical JSON around its number
#: (``audit.canonical_parts``) and, for a message's row, its agreement (kept only if consented)
_AUDIT_ROWS = (
    "json_to_recordset(CAST(:audit AS json)) AS r(ord int, agreement text, before text, "
    "after text, at timestamptz, actor text, role text, purpose text, action text, "
    "subject text, detail json)"
)
_WRITE = text(
    # the chain's head locked first, then the client's open consents as they stand once it is
    # (a locking read: a revocation that committed meanwhile is seen; see audit.lock)
    "WITH RECURSIVE h AS (SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE), "
    "consented AS (SELECT ARRAY(SELECT c.agreement_id FROM consents AS c "
    "WHERE c.client_id = :client AND c.revoked_at IS NULL AND h.seq >= 0 FOR SHARE OF c) "
    "AS ids FROM h), "
    "joined AS (INSERT INTO members (client_id, member_id, role, joined) "
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
    "r.fields, r.idempotency_key, :now FROM told, consented, "
    "json_to_recordset(CAST(:queued AS json)) "
    "AS r(agency_id text, agreement_id text, fields json, idempotency_key text) "
    "WHERE r.agreement_id = ANY(consented.ids)), "
    # the rows kept, numbered in order, then chained after the head: each hash is SHA-256 over
    # the previous hash and the row's canonical JSON with its number (as audit._digest)
    f"kept AS (SELECT r.*, row_number() OVER (ORDER BY r.ord) AS n FROM {_AUDIT_ROWS}, "
    "consented WHERE r.agreement IS NULL OR r.agreement = ANY(consented.ids)), "
    "chain (n, seq, hash) AS (SELECT CAST(0 AS bigint), h.seq, CAST(h.hash AS text) FROM h "
    "UNION ALL "
    "SELECT k.n, chain.seq + 1, encode(sha256(convert_to(chain.hash || k.before "
    "|| CAST(chain.seq + 1 AS text) || k.after, 'UTF8')), 'hex') "
    "FROM chain JOIN kept AS k ON k.n = chain.n + 1), "
    "chained AS (INSERT INTO audit (seq, at, actor, role, purpose, action, subject, detail, "
    "prev_hash, hash) SELECT c.seq, k.at, k.actor, k.role, k.purpose, k.action, k.subject, "
    "k.detail, p.hash, c.hash FROM kept AS k JOIN chain AS c ON c.n = k.n "
    "JOIN chain AS p ON p.n = k.n - 1), "
    "moved AS (UPDATE audit_head SET seq = e.seq, hash = e.hash "
    "FROM (SELECT seq, hash FROM chain ORDER BY n DESC LIMIT 1) AS e WHERE audit_head.id = 1) "
    "SELECT told.id, consented.ids FROM told, consented"
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
    consented: Collection[str],
) -> Change:
    """What :func:`~engine.tellusonce.outbox.record_change` writes for a life event (type,
    day, data), with the members who ``joined`` (id, role) and ``left`` on its day, and the
    rows of the connection's audit batch, in one statement; must run inside
    :func:`~engine.tellusonce.audit.batch`. ``consented``: the agreements the client consented
    to when its record was read in this transaction; the statement shares under those still
    consented once it holds the chain's head (one revoked since is not used; one given since
    is not either: this recording began before it).

    Raises:
        InputError: as :func:`~engine.tellusonce.facts.record_facts`, before anything is
            written.
    """
    kind, day, data = event
    now = dt.datetime.now(dt.UTC)
    rows = checked_rows(registry, client_id, facts, members_known, source=source, now=now)
    audit.append(connection, **recorded(facts, client_id, actor=actor, role=role, purpose=purpose))
    # the messages under the agreements consented to as read; the statement keeps those still
    # consented to, with their audit rows
    candidates = messages(sharing, facts, in_force(sharing, consented, on), on)
    tagged = [(None, row) for row in audit.take(connection)] + [
        (m.agreement, audit.entry(**queued_row(m, client_id, actor=actor, role=role,
                                               purpose=purpose)))
        for m in candidates
    ]  # fmt: skip
    ((event_id, consented),) = fetch(
        connection,
        _WRITE,
        {
            "client": client_id, "day": day, "now": now, "source": source, "type": kind,
            "data": json.dumps(data), "audit": _audit_rows(tagged),
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
                for m in candidates
            ]),
        },
    )  # fmt: skip
    kept = set(consented)
    return Change(event_id, [(m.recipient, m.agreement) for m in candidates if m.agreement in kept])


def _audit_rows(tagged: Sequence[tuple[str | None, dict[str, Any]]]) -> str:
    """The batch's rows for the statement: in order, each with the agreement it depends on
    (None: kept whatever the consents), its canonical JSON around its number and its fields
    (the instant with its offset: the session's time zone plays no part)."""
    out = []
    for order, (agreement, row) in enumerate(tagged):
        before, after = audit.canonical_parts(row)
        out.append(
            row | {"ord": order, "agreement": agreement, "before": before, "after": after,
                   "at": row["at"].replace(tzinfo=dt.UTC).isoformat()}
        )  # fmt: skip
    return json.dumps(out)
