"""An agency's inbox: the changes shared with it, pulled and acknowledged by that agency only."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from api.auth import Principal, require
from api.problems import Problem
from api.routes.common import ERRORS
from api.services import Services, services
from engine.tellusonce import ack, pull

__all__ = ["router"]

router = APIRouter(prefix="/v1/agencies", tags=["agencies"], responses=ERRORS)
Svc = Annotated[Services, Depends(services)]
Agency = Annotated[Principal, Depends(require("agency"))]


def _own(caller: Principal, agency_id: str) -> None:
    if caller.agency != agency_id:
        raise Problem(403, "an agency reads only its own inbox")


@router.get("/{agency_id}/inbox", summary="The agency's messages")
def inbox(
    agency_id: str,
    caller: Agency,
    svc: Svc,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    include_acked: Annotated[bool, Query(alias="all")] = False,
) -> dict[str, Any]:
    """Messages oldest first (unacknowledged only unless ``all``); each read is audited."""
    _own(caller, agency_id)
    with svc.store.begin() as connection:
        rows = pull(
            connection, agency_id, limit=limit, include_acked=include_acked,
            actor=caller.subject, role=caller.role,
        )  # fmt: skip
    return {"data": rows, "count": len(rows)}


@router.post("/{agency_id}/inbox/{message_id}/ack", summary="Acknowledge a message")
def acknowledge(agency_id: str, message_id: int, caller: Agency, svc: Svc) -> dict[str, Any]:
    """Acknowledge one message (again: unchanged)."""
    _own(caller, agency_id)
    with svc.store.begin() as connection:
        return ack(connection, agency_id, message_id, actor=caller.subject, role=caller.role)
