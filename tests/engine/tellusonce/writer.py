"""A writer process for the crash test: registers households and records a birth for each,
one transaction per household, and prints each client's id once its transaction committed
(acknowledged). Run as ``python writer.py DATABASE_URL``; it stops when killed."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

from engine.engine import Engine
from engine.tellusonce import connect, grant
from engine.tellusonce.recording import record_event, register


def main(url: str) -> None:
    """Write until killed."""
    told, who = dt.date(2026, 3, 2), {"actor": "writer", "role": "caseworker"}
    examples = Path(__file__).resolve().parents[3] / "examples"
    household = json.loads((examples / "household.json").read_text())
    birth = json.loads((examples / "birth.json").read_text())["event"]
    engine = Engine.load()
    store = connect(url)
    while True:
        with store.begin() as connection:
            client = register(connection, engine, household, source="intake", **who)
            grant(connection, engine.catalog.sharing, client, "cra_child_benefits", on=told, **who)
            record_event(connection, engine, client, birth, as_of=told, source="portal", **who)
        sys.stdout.write(client + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1])
