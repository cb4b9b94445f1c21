"""Clients of the tell-us-once store: register, read, record life events, suggestions, fact
history, the export. A citizen reaches only their own record; a caseworker only the clients
of their agency, and states the purpose of every read (audited); other roles none."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel
from sqlalchemy import Connection

from api.auth import Principal, require
from api.body import read_json
from api.problems import Problem
from api.routes.common import ERRORS, body, json_response, off_loop
from api.routes.examples import EVENT, HOUSEHOLD
from api.routes.screening import checked_json
from api.services import Services, services
from engine.eligibility.result import CheckResult
from engine.errors import InputError
from engine.events.result import EventResult
from engine.tellusonce import export, profile
from engine.tellusonce.clients import agency_clients, client_agency
from engine.tellusonce.facts import history
from engine.tellusonce.recording import evaluate_ahead, record_event, register

__all__ = ["authorize", "router"]

router = APIRouter(prefix="/v1/clients", tags=["clients"], responses=ERRORS)
Svc = Annotated[Services, Depends(services)]
Person = Annotated[Principal, Depends(require("citizen", "caseworker"))]
Caseworker = Annotated[Principal, Depends(require("caseworker"))]
Purpose = Annotated[
    str | None,
    Query(
        min_length=3,
        max_length=200,
        description="Why the record is read (required of caseworkers; audited).",
    ),
]
Day = Annotated[dt.date | None, Query(description="The day (YYYY-MM-DD; default today).")]


def authorize(connection: Connection, caller: Principal, client_id: str) -> None:
    """Nothing if ``caller`` may reach the client; a 404 otherwise (whether or not it exists,
    so a record's existence is never revealed to someone who may not see it)."""
    if caller.role == "citizen" and caller.client != client_id:
        raise _missing(client_id)
    try:
        agency = client_agency(connection, client_id)
    except InputError:
        raise _missing(client_id) from None
    permitted(caller, client_id, agency)


def permitted(caller: Principal, client_id: str, agency: str | None) -> None:
    """:func:`authorize` on the client's ``agency`` already read (an existing client, read
    with its record: one round trip less)."""
    if caller.role == "citizen" and caller.client != client_id:
        raise _missing(client_id)
    if caller.role == "caseworker" and agency != caller.agency:
        raise _missing(client_id)


def _missing(client_id: str) -> Problem:
    """The answer for a client the caller may not reach, the same as for one that does not
    exist (an unknown client's ``InputError`` is this 404 too: ``api.problems``)."""
    return Problem(404, f"no client '{client_id}'")


def _purpose(caller: Principal, purpose: str | None) -> str:
    if purpose is not None:
        return purpose
    if caller.role == "caseworker":
        raise Problem(422, "purpose: required of a caseworker", errors=[("purpose", "required")])
    return "own record"


class Created(BaseModel):
    """A registered client."""

    id: str


class Shared(BaseModel):
    """An agency told of the change, under an agreement."""

    agency: str
    agreement: str


class Recorded(BaseModel):
    """A recorded life event: the engine's answer, and what the store kept and shared."""

    result: EventResult
    facts_recorded: int
    shared_with: list[Shared]


@router.post(
    "",
    status_code=201,
    summary="Register a household",
    openapi_extra=body("Profile", HOUSEHOLD, "The household's profile (docs/contracts.md)."),
)
async def create(request: Request, response: Response, caller: Caseworker, svc: Svc) -> Created:
    """A new client served by the caseworker's agency, with its members and facts."""
    data = await read_json(request)

    def work() -> str:
        with svc.store.begin() as connection:
            return register(
                connection, svc.engine, data, source=f"caseworker:{caller.subject}",
                actor=caller.subject, role=caller.role, agency=caller.agency,
            )  # fmt: skip

    client_id = await off_loop(work)
    response.headers["Location"] = f"/v1/clients/{client_id}"
    return Created(id=client_id)


class ClientMember(BaseModel):
    """A member of a listed client's household."""

    id: str
    role: str
    present: bool


class ClientRow(BaseModel):
    """A client the caseworker's agency serves."""

    id: str
    created_at: str | None
    members: list[ClientMember]


class ClientList(BaseModel):
    """The clients of the caseworker's agency, newest first."""

    data: list[ClientRow]
    count: int


@router.get("", summary="The clients of the caseworker's agency", response_model=ClientList)
def list_clients(caller: Caseworker, svc: Svc, purpose: Purpose = None) -> dict[str, Any]:
    """Every client the caseworker's agency serves, newest first, with the members of each
    household (ids and roles), so a caseworker can find one. Audited with the purpose."""
    why = _purpose(caller, purpose)
    with svc.store.begin() as connection:
        rows = agency_clients(
            connection, str(caller.agency), actor=caller.subject, role=caller.role, purpose=why
        )
    return {"data": rows, "count": len(rows)}


@router.get("/{client_id}", summary="The client's profile")
def read(
    client_id: str,
    caller: Person,
    svc: Svc,
    on: Day = None,
    known_at: Annotated[
        dt.datetime | None, Query(description="As the store knew it then (ISO 8601).")
    ] = None,
    purpose: Purpose = None,
) -> dict[str, Any]:
    """The household as it stood on ``on``, as known at ``known_at`` (the profile contract)."""
    why = _purpose(caller, purpose)
    with svc.store.begin() as connection:
        authorize(connection, caller, client_id)
        return profile(
            connection, client_id, on=on or svc.engine.clock(), known_at=known_at,
            actor=caller.subject, role=caller.role, purpose=why,
        )  # fmt: skip


@router.get(
    "/{client_id}/suggestions",
    summary="What the client may receive now",
    response_model=CheckResult,
)
def suggestions(
    client_id: str, caller: Person, svc: Svc, on: Day = None, purpose: Purpose = None
) -> Response:
    """The full check of the client's household as the store holds it on ``on``."""
    why = _purpose(caller, purpose)
    with svc.store.begin() as connection:
        authorize(connection, caller, client_id)
        held = profile(
            connection, client_id, on=on or svc.engine.clock(), actor=caller.subject,
            role=caller.role, purpose=why,
        )  # fmt: skip
    return checked_json(svc, held)


@router.post(
    "/{client_id}/events",
    summary="Record a life event the client tells",
    openapi_extra=body("RecordedEvent", EVENT, "The event ({type, date, data}) and as_of."),
    response_model=Recorded,
)
async def record(client_id: str, request: Request, caller: Person, svc: Svc) -> Response:
    """Keep what the event changed, share it with the agencies the client consented to, and
    answer what now applies, by when."""
    data = await read_json(request)
    if not isinstance(data, dict) or not isinstance(data.get("event"), dict):
        raise Problem(422, "event: required", errors=[("/event", "required")])
    told = data.get("as_of")
    try:
        as_of = dt.date.fromisoformat(told) if isinstance(told, str) else svc.engine.clock()
    except ValueError:
        raise Problem(422, "as_of: not a date", errors=[("/as_of", "not a date")]) from None

    def work() -> Response:
        def allowed(agency: str | None) -> None:  # the agency is read with the record
            permitted(caller, client_id, agency)

        if caller.role == "citizen":  # their own record or none: known before any read
            permitted(caller, client_id, None)
        ahead = evaluate_ahead(
            svc.store, svc.engine, client_id, data["event"], as_of=as_of, allowed=allowed,
            written=True,  # the answer is only written out (json_response)
        )  # fmt: skip
        with svc.store.begin() as connection:
            done = record_event(
                connection, svc.engine, client_id, data["event"], as_of=as_of,
                source=f"{caller.role}:{caller.subject}", actor=caller.subject, role=caller.role,
                ahead=ahead, written=True, allowed=allowed,
            )  # fmt: skip
        svc.metrics.events.labels("true").inc()
        return json_response(
            Recorded.model_construct(
                result=done.result,
                facts_recorded=done.facts,
                shared_with=[Shared(agency=a, agreement=g) for a, g in done.change.queued],
            )
        )

    return await off_loop(work)


@router.get("/{client_id}/facts", summary="Every fact recorded, with its history")
def facts(client_id: str, caller: Person, svc: Svc, purpose: Purpose = None) -> dict[str, Any]:
    """Every fact row: member, name, value, from when it holds, when recorded, from where."""
    why = _purpose(caller, purpose)
    with svc.store.begin() as connection:
        authorize(connection, caller, client_id)
        rows = history(connection, client_id, actor=caller.subject, role=caller.role, purpose=why)
    return {"data": rows, "count": len(rows)}


@router.get("/{client_id}/export", summary="Everything held about the client")
def export_client(
    client_id: str, caller: Person, svc: Svc, purpose: Purpose = None
) -> dict[str, Any]:
    """Facts with their history, consents, what was shared with whom and when, and who read
    the record."""
    why = _purpose(caller, purpose)
    with svc.store.begin() as connection:
        authorize(connection, caller, client_id)
        return export(connection, client_id, actor=caller.subject, role=caller.role, purpose=why)
