"""``lifeevents db upgrade`` and ``lifeevents audit verify``: the tell-us-once store's commands.

The store is ``DATABASE_URL`` (PostgreSQL) or the embedded SQLite file; ``--database`` names
another. A broken audit chain exits 1 with the first broken row; a store that cannot be reached
exits 2 with the reason.
"""

from __future__ import annotations

from typing import Annotated

import typer
from sqlalchemy.exc import SQLAlchemyError

from engine.cli_common import app, stderr
from engine.tellusonce import connect, database_url, upgrade, verify

__all__ = ["audit_app", "db_app"]

db_app = typer.Typer(help="The tell-us-once store's schema.", no_args_is_help=True)
audit_app = typer.Typer(help="The tell-us-once store's audit log.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(audit_app, name="audit")

DatabaseOption = Annotated[
    str | None,
    typer.Option("--database", help="SQLAlchemy URL (default: DATABASE_URL or the SQLite file)."),
]


def _where(url: str) -> str:
    return url.split("@")[-1] if "@" in url else url  # never print a password


@db_app.command("upgrade")
def db_upgrade(database: DatabaseOption = None) -> None:
    """Create the store's tables, or bring them to the latest migration."""
    url = database or database_url()
    try:
        upgrade(connect(url))
    except SQLAlchemyError as exc:
        stderr.print(f"{_where(url)}: cannot upgrade the store: {type(exc).__name__}", markup=False)
        raise typer.Exit(2) from None
    typer.echo(f"{_where(url)}: the store is at the latest migration")


@audit_app.command("verify")
def audit_verify(database: DatabaseOption = None) -> None:
    """Check the audit log's hash chain; report the first broken row (exit 1)."""
    url = database or database_url()
    try:
        with connect(url).connect() as connection:
            broken = verify(connection)
    except SQLAlchemyError as exc:
        stderr.print(
            f"{_where(url)}: cannot read the audit log: {type(exc).__name__}", markup=False
        )
        raise typer.Exit(2) from None
    if broken is not None:
        stderr.print(f"audit log broken at row {broken.seq}: {broken.reason}", markup=False)
        raise typer.Exit(1)
    typer.echo("audit log intact")
