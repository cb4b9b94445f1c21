"""``POST /v1/eligibility`` and ``POST /v1/events``: a portal's screener, anonymous, storing
nothing.

Both answer on the event loop's own thread, not in the thread pool (``off_loop``) as the routes
that wait on the database do: the work is pure Python computation, which a second thread cannot
run alongside under the interpreter's lock, so the pool only added a hop (a queue, a wake-up of
the loop through its self-pipe, two lock handoffs: about 6% of a busy worker's samples) and
longer waits for the lock. Measured with two workers under load: 204-218 -> 232-236 checks/s,
p99 36-54 -> 26-33 ms. A worker serves one computation at a time either way; one process per
core (``--workers``) is what serves several at once.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response

from api.body import read_json
from api.routes.common import ERRORS, body, json_response
from api.routes.examples import BIRTH, HOUSEHOLD
from api.services import Services, services
from engine.catalog.profile import Profile, before_first_figures
from engine.eligibility.result import CheckResult
from engine.errors import ParameterValueMissing
from engine.events.result import EventResult

__all__ = ["router"]

router = APIRouter(
    prefix="/v1",
    tags=["screening"],
    responses={k: ERRORS[k] for k in (400, 401, 413, 422)},
)
Svc = Annotated[Services, Depends(services)]


def _profile(svc: Services, data: Any) -> Profile:
    """A profile (parsed JSON) validated, with figures on its date."""
    engine = svc.engine
    profile = engine.parse(data)
    try:
        engine.catalog.check_parameters(profile.as_of)
    except ParameterValueMissing as exc:
        first = engine.catalog.earliest_complete_date
        raise before_first_figures(profile.as_of, first, exc.location) from None
    return profile


def checked(svc: Services, data: Any) -> CheckResult:
    """The engine's answer for a profile (parsed JSON)."""
    result: CheckResult = svc.engine.check(_profile(svc, data))
    svc.metrics.checks.inc()
    return result


def checked_json(svc: Services, data: Any) -> Response:
    """:func:`checked`'s answer as its JSON response, written without building its models."""
    answer = svc.engine.check_json(_profile(svc, data))
    svc.metrics.checks.inc()
    return Response(answer, media_type="application/json")


@router.post(
    "/eligibility",
    summary="Check a household against every program",
    openapi_extra=body("Profile", HOUSEHOLD, "A household profile (docs/contracts.md)."),
    response_model=CheckResult,
)
async def eligibility(request: Request, svc: Svc) -> Response:
    """Every program: status, amount, why (criterion by criterion), what is missing, the next
    question. Stores nothing."""
    data = await read_json(request)
    return checked_json(svc, data)  # on the loop: see the module's docstring


@router.post(
    "/events",
    summary="What a life event changes (stateless)",
    openapi_extra=body("LifeEvent", BIRTH, "A life event and its household (docs/contracts.md)."),
    response_model=EventResult,
)
async def event(request: Request, svc: Svc) -> Response:
    """What now applies, changes or stops, by when, the follow-ups and who would be told.
    Stores nothing."""
    data = await read_json(request)
    result = svc.engine.event(data, written=True)  # on the loop: see the module's docstring
    svc.metrics.events.labels("false").inc()
    return json_response(result)
