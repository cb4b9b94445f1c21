"""The audit log: every read and write of personal data, in a hash chain.

Each row's hash is SHA-256 over the previous row's hash and the row's canonical JSON (its
sequence number included, so a reordering breaks the chain as a change or a deletion does).
``audit_head`` holds the chain's end; an append locks it (``FOR UPDATE`` on PostgreSQL; SQLite
writes are serialized), so concurrent writers extend one chain. Rows name who, in which role,
for what purpose, did what to which record; never the personal values themselves.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Required, TypedDict, Unpack

from sqlalchemy import Connection, insert, select, text, update

from engine.tellusonce.schema import audit, audit_head

__all__ = [
    "CHAIN_INSERT_PG", "GENESIS", "Break", "Entry", "append", "batch", "canonical_parts", "chain",
    "entry", "iso", "lock", "recordset", "take", "utc", "verify",
]  # fmt: skip

GENESIS = "0" * 64


def utc(at: dt.datetime) -> dt.datetime:
    """UTC without tzinfo: what both databases give back for the same instant."""
    if at.tzinfo is not None:
        at = at.astimezone(dt.UTC).replace(tzinfo=None)
    return at


def iso(at: dt.datetime | None) -> str | None:
    """An instant as ISO 8601 in UTC with its offset (None stays None), the same on both
    databases."""
    return None if at is None else utc(at).replace(tzinfo=dt.UTC).isoformat()


def canonical_parts(row: dict[str, Any]) -> tuple[str, str]:
    """The row's canonical JSON (sorted keys, no spaces, UTC time to the microsecond) as the
    text before its sequence number and the text after it: ``before + str(seq) + after`` is
    the canonical JSON, so a database can chain rows whose numbers it assigns."""
    fields = {
        "action": row["action"],
        "actor": row["actor"],
        "at": utc(row["at"]).isoformat(timespec="microseconds"),
        "detail": row["detail"],
        "purpose": row["purpose"],
        "role": row["role"],
    }  # the keys that sort before "seq"; "subject" alone sorts after it
    before = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    after = json.dumps({"subject": row["subject"]}, separators=(",", ":"), ensure_ascii=False)
    return before[:-1] + ',"seq":', "," + after[1:]


def _digest(previous: str, row: dict[str, Any]) -> str:
    before, after = canonical_parts(row)
    canonical = f"{before}{int(row['seq'])}{after}"
    return hashlib.sha256((previous + canonical).encode("utf-8")).hexdigest()


_HEAD = select(audit_head.c.seq, audit_head.c.hash).where(audit_head.c.id == 1).with_for_update()
_INSERT = insert(audit)
_MOVE_HEAD = update(audit_head).where(audit_head.c.id == 1)
_PENDING = "lifeevents.audit.pending"
#: PostgreSQL: the chained rows (:func:`recordset`, parameter ``:audit``) inserted from one JSON
#: parameter, a statement whose text never changes (a multi-row VALUES is compiled again for
#: every number of rows: about 1.5 ms a recorded event)
CHAIN_INSERT_PG = (
    "INSERT INTO audit (seq, at, actor, role, purpose, action, subject, detail, prev_hash, hash) "
    "SELECT r.seq, r.at, r.actor, r.role, r.purpose, r.action, r.subject, r.detail, "
    "r.prev_hash, r.hash FROM json_to_recordset(CAST(:audit AS json)) AS r(seq bigint, "
    "at timestamptz, actor text, role text, purpose text, action text, subject text, "
    "detail json, prev_hash text, hash text)"
)
#: PostgreSQL: the head moved to ``:seq``, ``:hash`` in a data-modifying CTE of the insert
_CHAIN_PG = text(
    "WITH moved AS (UPDATE audit_head SET seq = :seq, hash = :hash WHERE id = 1 RETURNING id) "
    + CHAIN_INSERT_PG
)


def chain(rows: list[dict[str, Any]], seq: int, previous: str) -> tuple[int, str]:
    """Chain ``rows`` after the head ``(seq, previous)``: each row gets its ``seq``,
    ``prev_hash`` and ``hash``; the new head."""
    for row in rows:
        seq += 1
        row["seq"] = seq
        row["prev_hash"] = previous
        row["hash"] = previous = _digest(previous, row)
    return seq, previous


def recordset(rows: list[dict[str, Any]]) -> str:
    """Chained rows as the JSON array that PostgreSQL's ``json_to_recordset`` reads (each
    instant with its offset: the session's time zone plays no part)."""
    return json.dumps([row | {"at": row["at"].replace(tzinfo=dt.UTC).isoformat()} for row in rows])


def _write(connection: Connection, rows: list[dict[str, Any]]) -> None:
    """Chain ``rows`` after the head (locked) and move the head: on PostgreSQL two statements
    (the head moves in a data-modifying CTE of the rows' insert: one round trip less), three
    elsewhere."""
    head = connection.execute(_HEAD).one()
    seq, previous = chain(rows, head.seq, head.hash)
    if connection.dialect.name == "postgresql":
        connection.execute(_CHAIN_PG, {"seq": seq, "hash": previous, "audit": recordset(rows)})
        return
    connection.execute(_INSERT, rows)
    connection.execute(_MOVE_HEAD, {"seq": seq, "hash": previous})


def lock(connection: Connection) -> None:
    """Lock the chain's head for the rest of the caller's transaction, now (PostgreSQL; SQLite
    runs one writing transaction at a time, whole).

    A transaction that changes consents (a revocation) or reads them to share (a recording)
    takes the head first and the consents' rows after it: one order for all, so none waits
    for another that waits for it. A recording reads the consents under a row lock (``FOR
    SHARE``: each row as it stands once the lock is granted, not as the statement's snapshot
    saw it), so a revocation that committed while the recording waited for the head is seen,
    and nothing is shared under it after it (``test_revocation_race.py``)."""
    if connection.dialect.name == "postgresql":
        connection.execute(_HEAD).one()


def take(connection: Connection) -> list[dict[str, Any]]:
    """The rows appended so far inside the connection's :func:`batch` (taken: the caller
    writes them, chained, in its own statement; the batch will not)."""
    pending: list[dict[str, Any]] = connection.info[_PENDING]
    taken = list(pending)
    pending.clear()
    return taken


class Entry(TypedDict, total=False):
    """A row's fields as its writer gives them (``detail`` and ``at`` may be left out)."""

    actor: Required[str]
    role: Required[str]
    purpose: Required[str]
    action: Required[str]
    subject: Required[str]
    detail: dict[str, Any] | None
    at: dt.datetime | None


def entry(**fields: Unpack[Entry]) -> dict[str, Any]:
    """A row's fields before it is chained (``at``: now unless given)."""
    return {
        "at": utc(fields.get("at") or dt.datetime.now(dt.UTC)),
        "actor": fields["actor"],
        "role": fields["role"],
        "purpose": fields["purpose"],
        "action": fields["action"],
        "subject": fields["subject"],
        "detail": fields.get("detail") or {},
    }


def append(connection: Connection, **fields: Unpack[Entry]) -> None:
    """Add a row at the chain's end, in the caller's transaction (inside :func:`batch`: when
    the batch ends)."""
    row = entry(**fields)
    pending: list[dict[str, Any]] | None = connection.info.get(_PENDING)
    if pending is not None:
        pending.append(row)
    else:
        _write(connection, [row])


@contextmanager
def batch(connection: Connection) -> Iterator[None]:
    """Gather the appends of a block and chain them together at its end (one lock of the
    chain's head, held only from then to the commit); nested blocks join the outer one. An
    exception drops them with the transaction it rolls back."""
    if _PENDING in connection.info:
        yield
        return
    pending: list[dict[str, Any]] = []
    connection.info[_PENDING] = pending
    try:
        yield
    finally:
        del connection.info[_PENDING]
    if pending:
        _write(connection, pending)


@dataclass(frozen=True)
class Break:
    """The first broken link of the chain: the row where it breaks, and how."""

    seq: int
    reason: str


def verify(connection: Connection) -> Break | None:
    """The first broken link (a row changed, deleted or reordered), or None if the chain holds."""
    previous, expected = GENESIS, 1
    for row in connection.execute(select(audit).order_by(audit.c.seq)).mappings():
        if row["seq"] != expected:
            return Break(expected, f"row {expected} is missing (the next row is {row['seq']})")
        if row["prev_hash"] != previous:
            return Break(expected, "it does not follow the previous row's hash")
        if _digest(previous, dict(row)) != row["hash"]:
            return Break(expected, "its content changed after it was written")
        previous, expected = row["hash"], expected + 1
    head = connection.execute(select(audit_head).where(audit_head.c.id == 1)).mappings().one()
    if head["seq"] != expected - 1 or head["hash"] != previous:
        return Break(
            expected, f"rows after {expected - 1} were removed (the chain ends at {head['seq']})"
        )
    return None
