"""Tell-us-once: the client's facts kept once, shared only with consent, every access audited
(SQLAlchemy 2 on SQLite or PostgreSQL, Alembic migrations).

``recording`` (register a household, record a life event end to end) needs the engine; import
it from :mod:`engine.tellusonce.recording`.
"""

from engine.tellusonce.audit import Break, append, verify
from engine.tellusonce.clients import create_client
from engine.tellusonce.consents import active, grant, revoke
from engine.tellusonce.db import connect, database_url, upgrade
from engine.tellusonce.delivery import Delivery, ack, deliver, pull
from engine.tellusonce.export import export
from engine.tellusonce.facts import FactIn, profile, record_facts
from engine.tellusonce.outbox import Change, record_change

__all__ = [
    "Break",
    "Change",
    "Delivery",
    "FactIn",
    "ack",
    "active",
    "append",
    "connect",
    "create_client",
    "database_url",
    "deliver",
    "export",
    "grant",
    "profile",
    "pull",
    "record_change",
    "record_facts",
    "revoke",
    "upgrade",
    "verify",
]
