"""``lifeevents``: the engine's command line, plus ``lifeevents serve`` (the HTTP service).

The API sits on top of the engine, so the command that starts it lives here; every other
command is :mod:`engine.cli`'s. What only the service needs (uvicorn, SQLAlchemy, FastAPI) is
imported by ``serve``: ``lifeevents check`` starts without it.
"""

from __future__ import annotations

import os
from typing import Annotated

import typer

from engine.cli import app
from engine.cli import main as engine_main
from engine.cli_common import fail, stdout

__all__ = ["main", "serve"]


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535)] = 8000,
    demo: Annotated[
        bool, typer.Option("--demo", help="Seed demo clients and print a token per role.")
    ] = False,
    database: Annotated[
        str | None, typer.Option("--database", help="SQLAlchemy URL (default: DATABASE_URL).")
    ] = None,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            min=1,
            help="Processes serving requests (one Python process uses one core: 2 on a "
            "2-core machine).",
        ),
    ] = 1,
) -> None:
    """Serve the HTTP API (OpenAPI at /docs); the store is upgraded first."""
    import uvicorn
    from sqlalchemy import select
    from sqlalchemy.exc import SQLAlchemyError

    from api.app import DEMO_VARIABLE, create_app, freeze_loaded
    from api.demo import seed, tokens
    from api.settings import Settings, SettingsError
    from engine.engine import Engine
    from engine.tellusonce import connect, upgrade
    from engine.tellusonce.schema import clients

    try:
        settings = Settings.from_env(demo=demo, database=database)
    except SettingsError as exc:
        fail(str(exc), 2)
    try:
        store = connect(settings.database_url)
        upgrade(store)
    except SQLAlchemyError as exc:
        fail(f"cannot open the store: {type(exc).__name__}", 2)
    # one process serves its own application; several are uvicorn's workers, each building
    # its own from the environment set below (the parent only seeds the demo)
    application = create_app(settings, store=store) if workers == 1 else None
    base = f"http://{host}:{port}"
    if demo:
        engine = application.state.services.engine if application else Engine.load(settings.rules)
        seed(engine, store)
        with store.connect() as connection:
            first = connection.execute(select(clients.c.id).order_by(clients.c.created_at)).first()
        client = first.id if first else None
        stdout.print(f"Demo: the API at {base}/docs; demo clients served by on_mccss.")
        if client:
            stdout.print(f"A demo client: {client}")
        for role, token in tokens(settings, client).items():
            stdout.print(f"\n{role} token:\n{token}", soft_wrap=True)
        stdout.print(
            f'\nTry: curl -s {base}/v1/clients/{client}?purpose=review -H "Authorization: '
            'Bearer <caseworker token>"',
            soft_wrap=True,
        )
    if application is not None:
        freeze_loaded(application.state.services.engine)
        uvicorn.run(application, host=host, port=port, log_level="info")
        return
    store.dispose()
    os.environ["LIFEEVENTS_JWT_KEY"] = settings.signing_key  # the demo's made-up key too
    os.environ["DATABASE_URL"] = settings.database_url
    os.environ[DEMO_VARIABLE] = "1" if demo else "0"
    uvicorn.run(
        "api.app:app_from_env",
        factory=True,
        workers=workers,
        host=host,
        port=port,
        log_level="info",
    )


def main() -> None:
    """Console entry point (``lifeevents``)."""
    engine_main()
