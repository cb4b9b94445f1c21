"""The tell-us-once store's operator commands: ``db upgrade``, ``audit verify``,
``outbox deliver`` and the agencies' ``inbox list`` / ``inbox ack``.

The store is ``DATABASE_URL`` (PostgreSQL) or the embedded SQLite file; ``--database`` names
another. Bad input exits 2 naming the field and changes nothing; a store that cannot be reached
or has no tables exits 2 with the reason; a broken audit chain exits 1 with the first broken row.

SQLAlchemy and Alembic are imported by the commands that use them (a quarter of a second the
other commands, ``lifeevents check`` first, do not pay at start).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer

from engine.cli_common import app, fail, stdout
from engine.errors import InputError

if TYPE_CHECKING:
    from sqlalchemy import Connection
    from sqlalchemy import Engine as Store
    from sqlalchemy.exc import SQLAlchemyError

__all__ = [
    "ActorOption",
    "DatabaseOption",
    "actor_name",
    "audit_verify",
    "db_upgrade",
    "in_transaction",
    "inbox_ack",
    "inbox_list",
    "outbox_deliver",
    "print_json",
]

T = TypeVar("T")

db_app = typer.Typer(help="The tell-us-once store's schema.", no_args_is_help=True)
audit_app = typer.Typer(help="The tell-us-once store's audit log.", no_args_is_help=True)
outbox_app = typer.Typer(help="Delivering shared changes to agencies.", no_args_is_help=True)
inbox_app = typer.Typer(help="An agency's inbox of shared changes.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(audit_app, name="audit")
app.add_typer(outbox_app, name="outbox")
app.add_typer(inbox_app, name="inbox")

DatabaseOption = Annotated[
    str | None,
    typer.Option("--database", help="SQLAlchemy URL (default: DATABASE_URL or the SQLite file)."),
]
ActorOption = Annotated[
    str,
    typer.Option(
        "--actor", help="Who does this, for the audit log (default: LIFEEVENTS_ACTOR or 'cli')."
    ),
]


def actor_name(actor: str) -> str:
    """The actor named on the command line, else LIFEEVENTS_ACTOR, else 'cli'."""
    return actor or os.environ.get("LIFEEVENTS_ACTOR") or "cli"


def _where(url: str) -> str:
    return url.split("@")[-1] if "@" in url else url  # never print a password


def _unreachable(url: str, exc: SQLAlchemyError) -> NoReturn:
    hint = ""
    text = str(exc).lower()
    if "no such table" in text or "does not exist" in text:
        hint = " (no tables: run `lifeevents db upgrade`)"
    fail(f"{_where(url)}: store error: {type(exc).__name__}{hint}", 2)


def in_transaction(
    database: str | None, work: Callable[[Connection, Store], T], lang: str = "en"
) -> T:
    """Run ``work`` in one transaction on the store: bad input (exit 2, naming the field, in
    ``lang``) or a store error (exit 2) rolls everything back."""
    from sqlalchemy.exc import SQLAlchemyError

    from engine.tellusonce import connect, database_url

    url = database or database_url()
    try:
        store = connect(url)
        with store.begin() as connection:
            return work(connection, store)
    except InputError as exc:
        fail(exc.message(lang), 2)
    except SQLAlchemyError as exc:
        _unreachable(url, exc)


def print_json(value: Any) -> None:
    """``value`` as indented JSON on stdout."""
    typer.echo(json.dumps(value, indent=2, ensure_ascii=False))


@db_app.command("upgrade")
def db_upgrade(database: DatabaseOption = None) -> None:
    """Create the store's tables, or bring them to the latest migration."""
    from sqlalchemy.exc import SQLAlchemyError

    from engine.tellusonce import connect, database_url, upgrade

    url = database or database_url()
    try:
        upgrade(connect(url))
    except SQLAlchemyError as exc:
        fail(f"{_where(url)}: cannot upgrade the store: {type(exc).__name__}", 2)
    typer.echo(f"{_where(url)}: the store is at the latest migration")


@audit_app.command("verify")
def audit_verify(database: DatabaseOption = None) -> None:
    """Check the audit log's hash chain; report the first broken row (exit 1)."""
    from sqlalchemy.exc import SQLAlchemyError

    from engine.tellusonce import connect, database_url, verify

    url = database or database_url()
    try:
        with connect(url).connect() as connection:
            broken = verify(connection)
    except SQLAlchemyError as exc:
        fail(f"{_where(url)}: cannot read the audit log: {type(exc).__name__}", 2)
    if broken is not None:
        fail(f"audit log broken at row {broken.seq}: {broken.reason}", 1)
    typer.echo("audit log intact")


@outbox_app.command("deliver")
def outbox_deliver(
    database: DatabaseOption = None,
    batch: Annotated[int, typer.Option("--batch", min=1, help="Rows per transaction.")] = 100,
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, help="Stop after this many rows.")
    ] = None,
) -> None:
    """Deliver the queued changes to the agencies' inboxes (at least once; an inbox keeps
    each message once by its idempotency key)."""
    from sqlalchemy.exc import SQLAlchemyError

    from engine.tellusonce import connect, database_url, deliver

    url = database or database_url()
    try:
        done = deliver(connect(url), batch=batch, limit=limit)
    except SQLAlchemyError as exc:
        _unreachable(url, exc)
    withdrawn = f"; {done.withdrawn} withdrawn (consent revoked)" if done.withdrawn else ""
    stdout.print(
        f"{done.sent} delivered ({done.redelivered} already held by the agency){withdrawn}"
    )


AgencyArgument = Annotated[str, typer.Argument(help="The agency's id (rules/sharing).")]


@inbox_app.command("list")
def inbox_list(
    agency: AgencyArgument,
    database: DatabaseOption = None,
    include_acked: Annotated[
        bool, typer.Option("--all", help="Acknowledged messages too.")
    ] = False,
    limit: Annotated[int, typer.Option("--limit", min=1)] = 100,
    actor: ActorOption = "",
) -> None:
    """The agency's messages as JSON, oldest first (each read is audited)."""
    from engine.tellusonce import pull

    print_json(
        in_transaction(
            database,
            lambda c, _: pull(
                c,
                agency,
                limit=limit,
                include_acked=include_acked,
                actor=actor_name(actor),
                role="agency",
            ),
        )
    )


@inbox_app.command("ack")
def inbox_ack(
    agency: AgencyArgument,
    message: Annotated[int, typer.Argument(help="The message's id in the inbox.")],
    database: DatabaseOption = None,
    actor: ActorOption = "",
) -> None:
    """Acknowledge a message of the agency's inbox (again: unchanged)."""
    from engine.tellusonce import ack

    print_json(
        in_transaction(
            database, lambda c, _: ack(c, agency, message, actor=actor_name(actor), role="agency")
        )
    )
