"""What the patterns over time read and say: a client's dated events, the household's members
on the day of the question, and the alerts that matched."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from engine.catalog.life_events import LifeEventFile, Pattern

__all__ = ["Alert", "EventFact", "PersonFact", "event_fact"]


@dataclass(frozen=True)
class EventFact:
    """One dated event of the client's history (``member``: the member it is about, if any)."""

    type: str
    date: dt.date
    member: str = ""


def event_fact(event: Any, spec: LifeEventFile | None) -> EventFact:
    """A dated event of the input (type, date, data) as the patterns see it: the member it is
    about is the first member field of its data (a new member's id, or an existing member's)."""
    member = ""
    data = getattr(event, "data", None) or {}
    for name, field in spec.data.items() if spec is not None else ():
        value = data.get(name)
        if field.type in ("member", "new_member") and value is not None:
            member = str(value.get("id", "")) if isinstance(value, dict) else str(value)
            break
    return EventFact(str(event.type), event.date, member)


@dataclass(frozen=True)
class PersonFact:
    """One member of the household on the day of the question."""

    id: str
    role: str
    date_of_birth: dt.date | None


@dataclass(frozen=True)
class Alert:
    """A pattern that matched: what to tell, by when (``due``), for whom."""

    pattern: str
    event: str
    due: dt.date | None
    member: str | None
    spec: Pattern
