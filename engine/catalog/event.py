"""The life event (input contract, docs/contracts.md, "Life event"): a household, what happened
to it and when, and optionally its earlier events.

Only the input is modelled here (``lifeevents schema event`` prints it); the engine that turns
an event into suggestions comes later. The household is the catalog's profile household, so the
same registry checks apply.

Examples:
    >>> from engine.catalog.loader import load_catalog
    >>> from engine.catalog.paths import default_rules_dir
    >>> model = event_model(load_catalog(default_rules_dir()).profile_model)
    >>> event = parse_event({"as_of": "2026-03-02",
    ...     "household": {"province": "ON", "members": [{"id": "maria", "role": "applicant"}]},
    ...     "event": {"type": "birth", "date": "2026-03-01",
    ...               "data": {"child": {"id": "ana", "date_of_birth": "2026-03-01"}}}}, model)
    >>> event.event.type, event.history
    ('birth', [])
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, create_model, model_validator

from engine.catalog.facts import Domain
from engine.catalog.profile import Household, IsoDate, Profile, check_dates, validate_dated
from engine.errors import InputError

__all__ = ["Event", "LifeEvent", "event_model", "parse_event"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Event(_Model):
    """What happened: the event's type, the day it happened and its own data."""

    type: Annotated[
        str,
        Field(
            pattern=r"^[a-z][a-z0-9_]*$",
            max_length=64,
            description="The id of a file in rules/life_events/ (e.g. birth).",
        ),
    ]
    date: Annotated[IsoDate, Field(description="The day the event happened (YYYY-MM-DD).")]
    data: Annotated[
        dict[str, Any],
        Field(description="What the event's type needs, e.g. for a birth the child's id and date."),
    ] = {}


def _as_of_is_optional(schema: dict[str, Any]) -> None:
    schema["required"] = [name for name in schema.get("required", []) if name != "as_of"]


class LifeEvent(_Model):
    """A life event as sent to ``lifeevents event`` and ``POST /v1/events``."""

    model_config = ConfigDict(json_schema_extra=_as_of_is_optional)

    as_of: Annotated[
        IsoDate,
        Field(description="The date of the question (YYYY-MM-DD). Optional: default today."),
    ]
    household: Household
    event: Event
    history: Annotated[
        list[Event],
        Field(description="Earlier events of the same household, oldest first."),
    ] = []

    #: the profile's date facts checked against ``as_of`` (see :attr:`Profile.dates`)
    dates: ClassVar[tuple[tuple[str, str, Domain], ...]] = ()

    @model_validator(mode="after")
    def _household_dates(self) -> LifeEvent:
        check_dates(self.household, self.as_of, self.dates)
        return self

    @model_validator(mode="after")
    def _history_oldest_first(self) -> LifeEvent:
        for index, earlier in enumerate(self.history):
            if earlier.date > self.event.date:
                raise InputError(
                    f"history/{index}/date",
                    f"after the event's date ({self.event.date.isoformat()}): the history holds "
                    "earlier events",
                    fr=f"postérieure à la date de l'événement ({self.event.date.isoformat()}) : "
                    "l'historique contient les événements antérieurs",
                )
            if index and earlier.date < self.history[index - 1].date:
                raise InputError(
                    f"history/{index}/date",
                    "before the previous entry: the history is listed oldest first",
                    fr="antérieure à l'entrée précédente : l'historique va du plus ancien au plus "
                    "récent",
                )
        return self


def event_model(profile: type[Profile]) -> type[LifeEvent]:
    """The life event model over a catalog's profile model (the same household checks)."""
    household: Any = profile.model_fields["household"].annotation
    model = create_model("LifeEvent", __base__=LifeEvent, household=(household, ...))
    model.dates = profile.dates
    return model


def parse_event(data: Any, model: type[LifeEvent], *, today: dt.date | None = None) -> LifeEvent:
    """Validate a life event (parsed JSON); ``today`` is used when it gives no ``as_of``.

    Raises:
        InputError: naming the JSON path of the first problem and the reason.
    """
    return validate_dated(
        data,
        model,
        ("the life event", "l'événement"),
        ("'household' and 'event'", "'household' et 'event'"),
        today,
    )
