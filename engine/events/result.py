"""The answer to a life event (output contract, docs/contracts.md, "Life event"): the household
after the event, ranked suggestions, follow-ups and notifications. Fields are added, never
renamed."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from engine.eligibility.result import (
    Amount,
    CheckResult,
    JurisdictionOut,
    LocalizedText,
    MissingFact,
    ReferenceOut,
    Status,
)

__all__ = [
    "AlertOut",
    "Change",
    "EventOut",
    "EventResult",
    "FollowUpOut",
    "NotificationOut",
    "Suggestion",
]

Change = Literal["newly_eligible", "amount_changed", "no_longer_eligible", "review"]


class _Out(BaseModel):
    # validators are built when first used: a process that answers no life event needs none
    model_config = ConfigDict(frozen=True, defer_build=True)


class Suggestion(_Out):
    """A program the event changes for the household or one of its members.

    ``change``: ``newly_eligible``, ``amount_changed``, ``no_longer_eligible``, or ``review``
    (undetermined now; ``missing`` lists the facts that would decide it). ``deadline``: the
    last day to apply and lose nothing since the event (from the program file's delivery,
    cited there; ``deadline_why`` says which rule), or none. ``member``: the person it concerns,
    for a program evaluated per person (OAS, CPP, EI…). ``bundle``: the follow-up whose one
    step applies for this program (a newborn registration that applies for the child
    benefits); ``action`` is then that step.
    """

    program: str
    change: Change
    status: Status
    amount: Amount | None
    action: LocalizedText
    deadline: dt.date | None = None
    jurisdiction: JurisdictionOut
    name: LocalizedText
    agency_name: LocalizedText
    member: str | None = None
    status_before: Status | None = None
    amount_before: Amount | None = None
    deadline_why: LocalizedText | None = None
    missing: list[MissingFact] = []
    bundle: str | None = None


class FollowUpOut(_Out):
    """Something to do or check after the event, by ``due``."""

    id: str
    due: dt.date
    what: LocalizedText
    reference: ReferenceOut


class NotificationOut(_Out):
    """An agency that would be told under tell-us-once: only ``fields``, only with consent."""

    agency: str
    name: LocalizedText
    fields: list[str]
    requires_consent: bool = True


class AlertOut(_Out):
    """A pattern over the client's history that matched on the day of the question (a job loss
    and no new job with the EI deadline near, a child about to turn 6…): ``due`` is the date it
    points to (a deadline, a birthday, an anniversary), ``member`` whom it concerns."""

    pattern: str
    event: str
    due: dt.date | None
    member: str | None
    what: LocalizedText
    reference: ReferenceOut


class EventOut(_Out):
    """The event as understood."""

    type: str
    date: dt.date
    name: LocalizedText


class EventResult(_Out):
    """The answer to a life event: ``after`` is the full check of the household after it
    (every program, criterion by criterion)."""

    as_of: dt.date
    event: EventOut
    household: dict[str, Any]
    suggestions: list[Suggestion]
    follow_ups: list[FollowUpOut]
    notifications: list[NotificationOut]
    after: CheckResult
    alerts: list[AlertOut] = []
