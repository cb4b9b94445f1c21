"""``GET /v1/programs``, ``GET /v1/programs/{id}``, ``GET /v1/life-events``: the catalog, open
to anyone."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from api.problems import Problem
from api.routes.common import ERRORS
from api.services import Services, services
from engine.listing import event_rows, program_detail, program_rows

__all__ = ["router"]

router = APIRouter(prefix="/v1", tags=["catalog"], responses={404: ERRORS[404]})
Svc = Annotated[Services, Depends(services)]


@router.get("/programs", summary="The programs of the catalog")
def list_programs(
    svc: Svc,
    level: Annotated[
        str | None, Query(description="federal, provincial, territorial or municipal")
    ] = None,
) -> dict[str, Any]:
    """Every program: names (en, fr), jurisdiction, agency, life events, unverified values."""
    rows = program_rows(svc.engine.catalog, svc.engine.clock())
    if level is not None:
        rows = [r for r in rows if r["jurisdiction"]["level"] == level]
    return {"data": rows, "count": len(rows)}


@router.get("/programs/{program_id}", summary="One program and its rules")
def get_program(program_id: str, svc: Svc) -> dict[str, Any]:
    """One program's summary and its whole rule file as data (criteria, parameters with every
    dated value, its status and reference)."""
    rules = svc.engine.catalog.programs.get(program_id)
    if rules is None:
        raise Problem(404, f"no program '{program_id}'")
    return program_detail(rules, svc.engine.clock())


@router.get("/life-events", summary="The life events the rules know")
def list_life_events(svc: Svc) -> dict[str, Any]:
    """Every life event: its data fields, the programs it reviews, follow-ups, notifications."""
    rows = event_rows(svc.engine.catalog)
    return {"data": rows, "count": len(rows)}
