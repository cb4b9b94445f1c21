"""A client's consents to sharing agreements: grant, list, revoke (the client themself or a
caseworker of their agency)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from api.auth import Principal, require
from api.routes.clients import authorize
from api.routes.common import ERRORS
from api.services import Services, services
from engine.tellusonce import grant, revoke
from engine.tellusonce.consents import listing

__all__ = ["router"]

router = APIRouter(prefix="/v1/clients", tags=["consents"], responses=ERRORS)
Svc = Annotated[Services, Depends(services)]
Person = Annotated[Principal, Depends(require("citizen", "caseworker"))]


class ConsentIn(BaseModel):
    """Consent to one agreement of rules/sharing/agreements.yaml."""

    agreement_id: str = Field(min_length=1, max_length=64, examples=["cra_child_benefits"])


def _listed(svc: Services, caller: Principal, client_id: str, connection: Any) -> dict[str, Any]:
    rows = listing(
        connection, svc.engine.catalog.sharing, client_id, on=svc.engine.clock(),
        actor=caller.subject, role=caller.role,
    )  # fmt: skip
    return {"data": rows, "count": len(rows)}


@router.post("/{client_id}/consents", status_code=201, summary="Grant consent to an agreement")
def grant_consent(client_id: str, consent: ConsentIn, caller: Person, svc: Svc) -> dict[str, Any]:
    """Record the client's consent to an agreement in force; the client's consents."""
    with svc.store.begin() as connection:
        authorize(connection, caller, client_id)
        grant(
            connection, svc.engine.catalog.sharing, client_id, consent.agreement_id,
            on=svc.engine.clock(), actor=caller.subject, role=caller.role,
        )  # fmt: skip
        return _listed(svc, caller, client_id, connection)


@router.get("/{client_id}/consents", summary="The client's consents")
def list_consents(client_id: str, caller: Person, svc: Svc) -> dict[str, Any]:
    """Each agreement consented to, when granted and revoked, and whether it shares today."""
    with svc.store.begin() as connection:
        authorize(connection, caller, client_id)
        return _listed(svc, caller, client_id, connection)


@router.delete("/{client_id}/consents/{agreement_id}", summary="Revoke consent")
def revoke_consent(client_id: str, agreement_id: str, caller: Person, svc: Svc) -> dict[str, Any]:
    """Nothing more is shared under the agreement, from now on; the client's consents."""
    with svc.store.begin() as connection:
        authorize(connection, caller, client_id)
        revoke(connection, client_id, agreement_id, actor=caller.subject, role=caller.role)
        return _listed(svc, caller, client_id, connection)
