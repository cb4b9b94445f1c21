"""The FastAPI application: ``create_app(settings)`` builds it over one engine and one store.

Routes are thin (``api/routes``: one router per resource) over the engine and the tell-us-once
store; every error is a problem (``api/problems.py``); bodies are read with the size limit of
the command line; requests are counted and timed for ``/metrics``. The OpenAPI document holds
the contract's own schemas (the profile and the life event, built from the rules' fact
registry) with an example for every body.
"""

from __future__ import annotations

import os
from typing import Any

from fastapi import Depends, FastAPI
from sqlalchemy import Engine as Store

from api import problems
from api.auth import principal_of
from api.metrics import Metrics, MetricsMiddleware
from api.routes import agencies, analyses, catalog, clients, consents, health, screening
from api.routes.examples import BIRTH, HOUSEHOLD
from api.services import Services
from api.settings import Settings
from api.web import install as install_web
from engine.catalog.event import event_model
from engine.collector import serving
from engine.engine import Engine
from engine.errors import LifeEventsError
from engine.tellusonce import connect

__all__ = ["DEMO_VARIABLE", "app_from_env", "create_app", "freeze_loaded", "warm_up"]

#: set to 1 by ``lifeevents serve --demo`` for its worker processes (each builds its own app)
DEMO_VARIABLE = "LIFEEVENTS_DEMO"

_REF = "#/components/schemas/{model}"


def _contract_schemas(engine: Engine) -> dict[str, Any]:
    """The profile, the life event and a recorded event's body, with their definitions, as
    OpenAPI components."""
    profile = engine.catalog.profile_model.model_json_schema(ref_template=_REF)
    event = event_model(engine.catalog.profile_model).model_json_schema(ref_template=_REF)
    found: dict[str, Any] = {**profile.pop("$defs", {}), **event.pop("$defs", {})}
    found["Profile"] = profile
    found["LifeEvent"] = event
    found["RecordedEvent"] = {
        "type": "object",
        "title": "RecordedEvent",
        "description": "A life event told by a registered client: the store holds the household.",
        "properties": {
            "as_of": {"type": "string", "format": "date", "description": "Day told."},
            "event": {"$ref": _REF.format(model="Event")},
        },
        "required": ["event"],
        "additionalProperties": False,
    }
    return found


def create_app(
    settings: Settings, *, engine: Engine | None = None, store: Store | None = None
) -> FastAPI:
    """The application over ``engine`` (default: the rules of ``settings``) and ``store``
    (default: ``settings.database_url``, which must be upgraded)."""
    engine = engine or Engine.load(settings.rules)
    services = Services(settings, engine, store or connect(settings.database_url), Metrics())
    app = FastAPI(
        dependencies=[Depends(principal_of)],  # a token, where given, is always checked
        title="lifeevents",
        version="1",
        summary="Life-event benefits engine: eligibility, life events, tell us once.",
        description=(
            "Every federal, provincial/territorial and municipal program of the catalog, "
            "criterion by criterion with the law cited. Errors are RFC 9457 problems. "
            "Anonymous callers may use the catalog and the screening routes; client, consent "
            "and inbox routes need a bearer token (roles citizen, caseworker, analyst, agency); "
            "the equity analyses, an analyst's token."
        ),
    )
    app.state.services = services
    problems.install(app)
    app.add_middleware(MetricsMiddleware, metrics=services.metrics)
    for module in (catalog, screening, clients, consents, agencies, analyses, health):
        app.include_router(module.router)
    install_web(app)  # the caseworker page at / (not in the OpenAPI document)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            from fastapi.openapi.utils import get_openapi

            document = get_openapi(
                title=app.title, version=app.version, summary=app.summary,
                description=app.description, routes=app.routes,
            )  # fmt: skip
            schemas = document.setdefault("components", {}).setdefault("schemas", {})
            for name, schema in _contract_schemas(engine).items():
                schemas.setdefault(name, schema)
            document["components"]["securitySchemes"] = {
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
            }
            document["security"] = [{"bearer": []}, {}]
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


def warm_up(engine: Engine) -> None:
    """Answer the bundled example household and birth once: the code the generated catalog
    writes on first use then exists before the first request (a worker's first check took
    about a quarter of a second), and is frozen with the rest. Rules for which the examples
    do not hold (another catalog, figures from a later date) are simply not warmed."""
    for work in (lambda: engine.check(HOUSEHOLD), lambda: engine.event(BIRTH)):
        try:
            work()
        except LifeEventsError:
            continue


def freeze_loaded(engine: Engine) -> None:
    """Warm ``engine`` up (:func:`warm_up`), then freeze what start-up loaded (the rules, the
    generated code) out of the garbage collector's scans, never scanned again, and collect
    young objects less often (no collector spikes while serving, less time in the
    collector): :func:`engine.collector.serving`."""
    warm_up(engine)
    serving()


def app_from_env() -> FastAPI:
    """The application of one worker process of ``lifeevents serve --workers N`` (uvicorn's
    factory): the settings from the environment the command set (signing key, store, demo),
    the store already upgraded; what it loaded frozen, as in a one-process service."""
    settings = Settings.from_env(demo=os.environ.get(DEMO_VARIABLE) == "1")
    app = create_app(settings)
    freeze_loaded(app.state.services.engine)
    return app
