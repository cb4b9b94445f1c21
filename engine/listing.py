"""The catalog as JSON rows: the programs (``lifeevents rules list --json``, ``GET
/v1/programs``) and the life events (``lifeevents events list --json``, ``GET
/v1/life-events``), one builder for the command line and the HTTP API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from engine.catalog.program import Catalog, ProgramRules

__all__ = ["event_rows", "program_detail", "program_row", "program_rows"]


def program_row(rules: ProgramRules, on: dt.date) -> dict[str, Any]:
    """One program's summary: names, jurisdiction, agency, life events, unverified values."""
    program = rules.program
    return {
        "program": rules.id,
        "name": program.name.model_dump(),
        "jurisdiction": program.jurisdiction.model_dump(),
        "entity": program.entity,
        "status": program.status,
        "income_tested": program.income_tested,
        "valid_through": program.valid_through.isoformat() if program.valid_through else None,
        "unverified_values": sum(
            value.status == "unverified"
            for parameter in program.parameters.values()
            for value in parameter.values.values()
        ),
        "unverified_in_force": len(rules.unverified_on(on)),
        "agency": program.agency.model_dump(),
        "life_events": list(program.life_events),
        "in_force": program.in_force.model_dump(mode="json") if program.in_force else None,
    }


def program_rows(catalog: Catalog, on: dt.date) -> list[dict[str, Any]]:
    """Every program's summary, in catalog order."""
    return [program_row(r, on) for r in catalog.programs.values()]


def program_detail(rules: ProgramRules, on: dt.date) -> dict[str, Any]:
    """One program's summary and its whole rule file as data (criteria, parameters with every
    dated value, status and reference, delivery, references)."""
    return {**program_row(rules, on), "rules": rules.program.model_dump(mode="json")}


def event_rows(catalog: Catalog) -> list[dict[str, Any]]:
    """Every life event: its data fields, the programs it reviews, follow-ups, notifications."""
    return [
        {
            "event": spec.id,
            "name": spec.name.model_dump(),
            "data": {
                key: {"kind": field.type or f"fact:{field.fact}", "required": field.required}
                for key, field in spec.data.items()
            },
            "programs": sorted(catalog.reviewed_by(spec.id)),
            "follow_ups": [f.id for f in spec.follow_ups],
            "notify": [n.agency for n in spec.notify],
        }
        for spec in catalog.life_events.values()
    ]
