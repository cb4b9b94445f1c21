"""``lifeevents clients …`` and ``lifeevents consents …``: the tell-us-once store from the
command line (register a household, record its life events, read its profile and export, grant
and revoke consents). Every command runs in one transaction and is audited under ``--actor``
in the ``operator`` role; bad input exits 2 naming the field and changes nothing. The store's
modules (SQLAlchemy, Alembic) are imported by the commands, not at start.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from engine.cli_common import (
    RulesOption,
    app,
    check_lang,
    date_option,
    fail,
    read_input,
    say,
    stdout,
)
from engine.cli_store import ActorOption, DatabaseOption, actor_name, in_transaction, print_json
from engine.engine import Engine
from engine.errors import InputError, LifeEventsError
from engine.report_event import print_event

if TYPE_CHECKING:
    from sqlalchemy import Connection

__all__ = [
    "clients_event",
    "clients_export",
    "clients_register",
    "clients_show",
    "consents_grant",
    "consents_list",
    "consents_revoke",
]

clients_app = typer.Typer(help="Clients of the tell-us-once store.", no_args_is_help=True)
consents_app = typer.Typer(help="A client's consents to sharing agreements.", no_args_is_help=True)
app.add_typer(clients_app, name="clients")
app.add_typer(consents_app, name="consents")

ROLE = "operator"
ClientArgument = Annotated[str, typer.Argument(help="The client's id.")]
AgreementArgument = Annotated[str, typer.Argument(help="An agreement of rules/sharing.")]
OnOption = Annotated[str | None, typer.Option("--on", help="The day (YYYY-MM-DD; default today).")]


def _engine(rules: Path | None) -> Engine:
    try:
        return Engine.load(rules)
    except LifeEventsError as exc:
        fail(str(exc), 2)


def _day(name: str, value: str | None) -> dt.date:
    return date_option(name, value) or dt.date.today()


@clients_app.command("register")
def clients_register(
    file: Annotated[str, typer.Argument(help="Profile JSON file (the profile contract), or -.")],
    source: Annotated[str, typer.Option("--source", help="Where the facts come from.")] = "cli",
    database: DatabaseOption = None,
    actor: ActorOption = "",
    rules: RulesOption = None,
) -> None:
    """Register a household: a new client with its members and facts; prints the client's id."""
    from engine.tellusonce.recording import register

    data = read_input(file, "en")
    engine = _engine(rules)
    client = in_transaction(
        database,
        lambda c, _: register(c, engine, data, source=source, actor=actor_name(actor), role=ROLE),
    )
    typer.echo(client)


@clients_app.command("show")
def clients_show(
    client: ClientArgument,
    on: OnOption = None,
    known_at: Annotated[
        str | None,
        typer.Option("--known-at", help="As the store knew it then (ISO date and time, UTC)."),
    ] = None,
    purpose: Annotated[str, typer.Option("--purpose", help="Why the record is read.")] = "review",
    database: DatabaseOption = None,
    actor: ActorOption = "",
) -> None:
    """The client's profile on a day (as the store knew it at a moment), as JSON."""
    from engine.tellusonce import profile

    day = _day("--on", on)
    moment = None
    if known_at is not None:
        try:
            moment = dt.datetime.fromisoformat(known_at)
        except ValueError:
            fail(f"--known-at: not a date and time (ISO 8601): {known_at!r}", 2)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
    print_json(
        in_transaction(
            database,
            lambda c, _: profile(
                c,
                client,
                on=day,
                known_at=moment,
                actor=actor_name(actor),
                role=ROLE,
                purpose=purpose,
            ),
        )
    )


def _event_of(data: Any) -> tuple[dict[str, Any], str | None]:
    """The event and the optional ``as_of`` of an event file: the event itself (type, date,
    data) or the life-event contract without its household (the store holds it)."""
    if not isinstance(data, dict):
        raise InputError("", "not an object")
    if "household" in data:
        raise InputError("household", "the store holds the client's household: send the event")
    if "event" in data:
        return data["event"], data.get("as_of")
    return data, None


@clients_app.command("event")
def clients_event(
    client: ClientArgument,
    file: Annotated[str, typer.Argument(help="The event JSON ({type, date, data}), or -.")],
    as_of: Annotated[str | None, typer.Option("--as-of", help="Day told (default today).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the JSON answer.")] = False,
    lang: Annotated[str, typer.Option("--lang", help="en or fr")] = "en",
    source: Annotated[str, typer.Option("--source", help="Where the event comes from.")] = "cli",
    database: DatabaseOption = None,
    actor: ActorOption = "",
    rules: RulesOption = None,
) -> None:
    """Record a life event the client tells: its changes are kept, shared with the agencies
    the client consented to, and the suggestions printed."""
    from engine.tellusonce.recording import record_event

    check_lang(lang)
    data = read_input(file, lang)
    engine = _engine(rules)

    def work(connection: Connection, _: object) -> Any:
        event, told = _event_of(data)
        day = date_option("--as-of", as_of, lang) or date_option("as_of", told, lang)
        return record_event(
            connection, engine, client, event, as_of=day or engine.clock(), source=source,
            actor=actor_name(actor), role=ROLE,
        )  # fmt: skip

    recorded = in_transaction(database, work, lang)
    if as_json:
        sys.stdout.write(recorded.result.model_dump_json(indent=2) + "\n")
        return
    print_event(stdout, recorded.result, lang)
    told = ", ".join(f"{agency} ({agreement})" for agency, agreement in recorded.change.queued)
    stdout.print(
        "\n"
        + say(
            lang,
            f"{recorded.facts} facts recorded; shared with: {told or 'nobody'}",
            f"{recorded.facts} faits enregistrés; transmis à : {told or 'personne'}",
        )
    )


@clients_app.command("export")
def clients_export(
    client: ClientArgument,
    purpose: Annotated[str, typer.Option("--purpose")] = "client request",
    database: DatabaseOption = None,
    actor: ActorOption = "",
) -> None:
    """Everything held about the client, as JSON (facts with history, consents, what was
    shared with whom and when, who read the record)."""
    from engine.tellusonce import export

    print_json(
        in_transaction(
            database,
            lambda c, _: export(c, client, actor=actor_name(actor), role=ROLE, purpose=purpose),
        )
    )


@consents_app.command("grant")
def consents_grant(
    client: ClientArgument,
    agreement: AgreementArgument,
    on: OnOption = None,
    database: DatabaseOption = None,
    actor: ActorOption = "",
    rules: RulesOption = None,
) -> None:
    """Record the client's consent to an agreement in force."""
    from engine.tellusonce import grant

    sharing = _engine(rules).catalog.sharing
    day = _day("--on", on)
    in_transaction(
        database,
        lambda c, _: grant(
            c, sharing, client, agreement, on=day, actor=actor_name(actor), role=ROLE
        ),
    )
    typer.echo(f"consent to {agreement} granted")


@consents_app.command("revoke")
def consents_revoke(
    client: ClientArgument,
    agreement: AgreementArgument,
    database: DatabaseOption = None,
    actor: ActorOption = "",
) -> None:
    """Revoke the client's consent to an agreement: nothing more is shared under it."""
    from engine.tellusonce import revoke

    closed = in_transaction(
        database, lambda c, _: revoke(c, client, agreement, actor=actor_name(actor), role=ROLE)
    )
    typer.echo(f"consent to {agreement} revoked" if closed else f"no open consent to {agreement}")


@consents_app.command("list")
def consents_list(
    client: ClientArgument,
    on: OnOption = None,
    database: DatabaseOption = None,
    actor: ActorOption = "",
    rules: RulesOption = None,
) -> None:
    """The client's consents as JSON: each agreement, when granted and revoked, and whether it
    shares today."""
    from engine.tellusonce.consents import listing

    sharing = _engine(rules).catalog.sharing
    day = _day("--on", on)
    print_json(
        in_transaction(
            database,
            lambda c, _: listing(c, sharing, client, on=day, actor=actor_name(actor), role=ROLE),
        )
    )
