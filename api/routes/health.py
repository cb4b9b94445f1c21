"""``GET /healthz`` (the store answers) and ``GET /metrics`` (Prometheus)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from api.metrics import CONTENT_TYPE_LATEST
from api.problems import PROBLEM, Problem, ProblemBody
from api.services import Services, services

__all__ = ["router"]

router = APIRouter(tags=["operations"])
Svc = Annotated[Services, Depends(services)]


@router.get(
    "/healthz",
    summary="Is the service up and its store reachable",
    responses={503: {"model": ProblemBody, "content": {PROBLEM: {}}}},
)
def healthz(svc: Svc) -> dict[str, str]:
    """``ok`` when the store answers a query; a 503 problem otherwise."""
    try:
        with svc.store.connect() as connection:
            connection.execute(text("select 1"))
    except SQLAlchemyError as exc:
        raise Problem(503, f"the store does not answer: {type(exc).__name__}") from None
    return {"status": "ok", "database": "ok"}


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    response_class=Response,
    responses={200: {"content": {CONTENT_TYPE_LATEST: {}}}},
)
def metrics(svc: Svc) -> Response:
    """Request counts and latency histograms by route, checks and events answered."""
    return Response(svc.metrics.exposition(), media_type=CONTENT_TYPE_LATEST)
