"""Patterns over time: the ``patterns`` of the life event files, matched over a client's dated
events and household on the day of the question.

Each kind of pattern is a small, total rule over dates (see
:class:`engine.catalog.life_events.Pattern`): a job loss with no new job since, from the end
of EI's waiting week to the claim deadline; a survivor now 60 to 64; an unregistered birth; ten
years after an arrival; a child turning 6 or 18; a 64th birthday. The matcher holds no state
between questions, so threads share it freely.

durable-rules was tried for this matching and left out: measured here (durable-rules 2.0.28 on
Python 3.11), its C engine aborted the process ("free(): invalid pointer") when the first
session of a fresh process half-matched a rule and was deleted, and crashed with a
segmentation fault after one to two thousand questions when sessions were reused or warmed up
first; a benefits engine cannot take that risk in its own process (docs/events.md).

Examples:
    >>> from engine.engine import Engine
    >>> patterns = PatternMatcher(Engine.load().catalog.life_events)
    >>> job_loss = EventFact("job_loss", dt.date(2026, 5, 1), "sam")
    >>> [a.pattern for a in patterns.alerts([job_loss], [], dt.date(2026, 5, 20))]
    ['ei_claim_deadline_near']
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence

from engine.catalog.life_events import LifeEventFile, Pattern
from engine.events.dates import add_months
from engine.events.facts import Alert, EventFact, PersonFact

__all__ = ["PatternMatcher"]


def _later(day: dt.date, months: int) -> dt.date | None:
    """``day`` plus ``months``, or None past the last date Python knows."""
    try:
        return add_months(day, months)
    except ValueError:
        return None


def _age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _within(day: dt.date, anchor: dt.date | None, p: Pattern) -> bool:
    return anchor is not None and p.from_days <= (day - anchor).days <= p.to_days


class PatternMatcher:
    """The patterns of a catalog's life events."""

    def __init__(self, events: Mapping[str, LifeEventFile]) -> None:
        self._patterns = [(e, p) for e, spec in events.items() for p in spec.patterns]

    def _matches(
        self,
        event_id: str,
        p: Pattern,
        history: Sequence[EventFact],
        persons: Sequence[PersonFact],
        day: dt.date,
    ) -> Iterator[Alert]:
        happened = [e for e in history if e.type == event_id]
        if p.kind == "no_follow_up":
            for e in happened:
                followed = any(o.type in p.unless and o.date >= e.date for o in history)
                if not followed and _within(day, e.date, p):
                    due = e.date + dt.timedelta(days=p.to_days)
                    yield Alert(p.id, event_id, due, e.member or None, p)
        elif p.kind == "anniversary":
            for e in happened:
                anniversary = _later(e.date, 12 * (p.years or 0))
                if anniversary is not None and _within(day, anniversary, p):
                    yield Alert(p.id, event_id, anniversary, e.member or None, p)
        elif p.kind == "birthday":
            for person in persons:
                if person.role in p.roles and person.date_of_birth is not None:
                    birthday = _later(person.date_of_birth, 12 * (p.age or 0))
                    if birthday is not None and _within(day, birthday, p):
                        yield Alert(p.id, event_id, birthday, person.id, p)
        elif happened:  # event_then_age
            for person in persons:
                born = person.date_of_birth
                if (
                    person.role in p.roles
                    and born is not None
                    and (p.min_age or 0) <= _age_on(born, day) <= (p.max_age or 0)
                ):
                    yield Alert(p.id, event_id, None, person.id, p)

    def alerts(
        self, history: Sequence[EventFact], persons: Sequence[PersonFact], day: dt.date
    ) -> list[Alert]:
        """The patterns that match ``history`` (oldest first, the new event last) and the
        household's ``persons`` on ``day``, by due date."""
        found = [
            alert
            for event_id, p in self._patterns
            for alert in self._matches(event_id, p, history, persons, day)
        ]
        unique = {(a.pattern, a.member, a.due): a for a in found}
        return sorted(
            unique.values(), key=lambda a: (a.due or dt.date.max, a.pattern, a.member or "")
        )
