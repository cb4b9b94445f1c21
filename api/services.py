"""What the routes share: the settings, the engine (the rules, loaded once), the store and the
metrics; read from the app's state, never from globals."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from sqlalchemy import Engine as Store

from api.metrics import Metrics
from api.settings import Settings
from engine.engine import Engine

__all__ = ["Services", "services"]


@dataclass(frozen=True)
class Services:
    """The service's parts."""

    settings: Settings
    engine: Engine
    store: Store
    metrics: Metrics


async def services(request: Request) -> Services:
    """A dependency: the app's services (a coroutine: see ``api.auth.principal_of``)."""
    found: Services = request.app.state.services
    return found
