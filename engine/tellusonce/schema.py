"""The tell-us-once tables (SQLAlchemy Core), the shape the first migration creates.

Facts are append-only: a change is a new row with its effective date, when it was recorded and
where it came from, so the current profile is a projection and history answers "what did we
know on date D". Consents link a client to an agreement and are revoked, never deleted. The
audit log is a hash chain: each row's hash covers the previous row's hash and the row's
canonical JSON (``audit_head`` holds the chain's end, locked by each append).
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
)

__all__ = [
    "audit",
    "audit_head",
    "clients",
    "consents",
    "events",
    "facts",
    "inbox",
    "members",
    "metadata",
    "outbox",
]

metadata = MetaData()

clients = Table(
    "clients",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("agency_id", String(64), nullable=True),  # whose caseworkers serve the client
    Index("ix_clients_agency", "agency_id"),
)

members = Table(
    "members",
    metadata,
    Column("client_id", String(36), ForeignKey("clients.id"), primary_key=True),
    Column("member_id", String(64), primary_key=True),
    Column("role", String(16), nullable=False),
    Column("joined", Date, nullable=True),  # None: a member from the client's registration
    Column("left", Date, nullable=True),  # the day a member left the household (a death…)
)

facts = Table(
    "facts",
    metadata,
    Column(
        "id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("client_id", String(36), ForeignKey("clients.id"), nullable=False),
    Column("member_id", String(64), nullable=True),  # None: a household fact
    Column("name", String(64), nullable=False),
    Column("value", JSON, nullable=True),
    Column("effective", Date, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("source", String(128), nullable=False),
    Index("ix_facts_client_name", "client_id", "name", "member_id", "effective"),
)

events = Table(
    "events",
    metadata,
    Column(
        "id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("client_id", String(36), ForeignKey("clients.id"), nullable=False),
    Column("type", String(64), nullable=False),
    Column("date", Date, nullable=False),
    Column("data", JSON, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Index("ix_events_client", "client_id", "date"),
)

consents = Table(
    "consents",
    metadata,
    Column(
        "id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("client_id", String(36), ForeignKey("clients.id"), nullable=False),
    Column("agreement_id", String(64), nullable=False),
    Column("granted_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
    Index("ix_consents_client", "client_id", "agreement_id"),
)

outbox = Table(
    "outbox",
    metadata,
    Column(
        "id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("client_id", String(36), ForeignKey("clients.id"), nullable=False),
    Column("agency_id", String(64), nullable=False),
    Column("agreement_id", String(64), nullable=False),
    Column("event_id", BigInteger().with_variant(Integer, "sqlite"), ForeignKey("events.id")),
    Column("fields", JSON, nullable=False),
    Column("idempotency_key", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("delivered_at", DateTime(timezone=True), nullable=True),
    # not delivered: the consent was revoked before the message left (see delivery.deliver)
    Column("withdrawn_at", DateTime(timezone=True), nullable=True),
    Column("attempts", Integer, nullable=False, server_default="0"),
    UniqueConstraint("idempotency_key", name="uq_outbox_key"),
    Index("ix_outbox_pending", "delivered_at", "id"),
)

# An agency's side of a delivery: a message is kept once per idempotency key, however often the
# worker delivers it, and acknowledged by the agency that pulled it.
inbox = Table(
    "inbox",
    metadata,
    Column(
        "id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("agency_id", String(64), nullable=False),
    Column("idempotency_key", String(64), nullable=False),
    Column("client_id", String(36), nullable=False),
    Column("agreement_id", String(64), nullable=False),
    Column("fields", JSON, nullable=False),
    Column("queued_at", DateTime(timezone=True), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("deliveries", Integer, nullable=False, server_default="1"),
    Column("acked_at", DateTime(timezone=True), nullable=True),
    UniqueConstraint("agency_id", "idempotency_key", name="uq_inbox_key"),
    Index("ix_inbox_agency", "agency_id", "acked_at", "id"),
)

audit = Table(
    "audit",
    metadata,
    Column(
        "seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=False
    ),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(128), nullable=False),
    Column("role", String(32), nullable=False),
    Column("purpose", String(256), nullable=False),
    Column("action", String(64), nullable=False),
    Column("subject", String(128), nullable=False),
    Column("detail", JSON, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Index("ix_audit_subject", "subject", "seq"),
)

audit_head = Table(
    "audit_head",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("seq", BigInteger().with_variant(Integer, "sqlite"), nullable=False),
    Column("hash", String(64), nullable=False),
)
