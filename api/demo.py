"""The demo of ``make run``: a few synthetic clients, served by one agency's caseworkers, with
consents, and a token for each role, so a newcomer can try the API at ``/docs`` at once.

Everyone here is made up. The demo is seeded once per store (a store that already has clients
is left as it is).
"""

from __future__ import annotations

import copy
from typing import Any

from sqlalchemy import Engine as Store
from sqlalchemy import func, select

from api.auth import mint
from api.routes.examples import HOUSEHOLD
from api.settings import Settings
from engine.engine import Engine
from engine.tellusonce import grant
from engine.tellusonce.recording import register
from engine.tellusonce.schema import clients

__all__ = ["AGENCY", "seed", "tokens"]

AGENCY = "on_mccss"
"""The agency whose caseworkers serve the demo clients."""

_SENIORS: dict[str, Any] = {
    "as_of": "2026-11-01",
    "household": {
        "province": "ON",
        "municipality": "ottawa",
        "members": [
            {"id": "gabriel", "role": "applicant", "date_of_birth": "1956-02-11",
             "marital_status": "married", "residency_status": "citizen",
             "years_in_canada_since_18": 50, "net_income": 21000, "pension_income": 9000},
            {"id": "louise", "role": "spouse", "date_of_birth": "1958-07-30",
             "marital_status": "married", "residency_status": "citizen",
             "years_in_canada_since_18": 46, "net_income": 8000},
        ],
    },
}  # fmt: skip


def _households() -> list[tuple[dict[str, Any], list[str]]]:
    family = copy.deepcopy(HOUSEHOLD) or {
        "as_of": "2026-01-15",
        "household": {"province": "ON", "members": [{"id": "maria", "role": "applicant"}]},
    }
    return [(family, ["cra_child_benefits"]), (_SENIORS, ["esdc_pensions_and_survivors"])]


def seed(engine: Engine, store: Store) -> list[str]:
    """Register the demo clients unless the store has clients already; the demo clients' ids
    (empty when the store was left as it was)."""
    with store.begin() as connection:
        if connection.execute(select(func.count()).select_from(clients)).scalar_one():
            return []
        made = []
        who = {"actor": "demo", "role": "caseworker"}
        for household, agreements in _households():
            data = dict(household)
            data.pop("as_of", None)  # registered as of today
            client = register(connection, engine, data, source="demo", agency=AGENCY, **who)
            for agreement in agreements:
                grant(
                    connection, engine.catalog.sharing, client, agreement, on=engine.clock(),
                    **who,
                )  # fmt: skip
            made.append(client)
        return made


def tokens(settings: Settings, citizen_client: str | None) -> dict[str, str]:
    """A demo token for each role."""
    found = {
        "caseworker": mint(settings, "demo-caseworker", "caseworker", agency=AGENCY),
        "analyst": mint(settings, "demo-analyst", "analyst"),
        "agency": mint(settings, "demo-cra", "agency", agency="cra"),
    }
    if citizen_client is not None:
        found["citizen"] = mint(settings, "demo-citizen", "citizen", client=citizen_client)
    return found
