"""Patterns over time, matched by durable-rules: the ``patterns`` of the life event files,
compiled into one ruleset, run over a client's dated events and household on the day of the
question.

durable-rules keeps its state in a C engine that holds at most 1,024 live sessions, whose host
dispatches rulesets from timer threads, and which can swallow an exception raised inside an
action. So one :class:`PatternEngine` owns its host (no timer threads: every match happens in
the call that asserts the facts), every use goes through one lock, each question is a session
of its own deleted before the lock is released, and an action records what it matched in
plain Python while any exception it raises is kept and raised to the caller as
:class:`PatternError`.

Examples:
    >>> from engine.engine import Engine
    >>> patterns = PatternEngine(Engine.load().catalog.life_events)
    >>> job_loss = EventFact("job_loss", dt.date(2026, 5, 1), "sam")
    >>> [a.pattern for a in patterns.alerts([job_loss], [], dt.date(2026, 5, 20))]
    ['ei_claim_deadline_near']
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import operator
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from durable import engine as durable_engine
from durable import lang

from engine.catalog.life_events import LifeEventFile, Pattern
from engine.errors import EvaluationError
from engine.events.dates import add_months

__all__ = ["Alert", "EventFact", "PatternEngine", "PatternError", "PersonFact", "event_fact"]


class PatternError(EvaluationError):
    """An action of the pattern ruleset raised: the patterns' answer cannot be trusted."""


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


class _Host(durable_engine.Host):  # type: ignore[misc]
    """A host without the timer threads: matches run in the asserting call, under our lock."""

    def _run(self) -> None:
        return None


def _age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _birthday(born: dt.date, age: int) -> dt.date:
    return add_months(born, 12 * age)


_counter = itertools.count()


class PatternEngine:
    """The patterns of a catalog's life events, compiled once; safe to share between threads."""

    def __init__(
        self,
        events: Mapping[str, LifeEventFile],
        observer: Callable[[Alert], None] | None = None,
    ) -> None:
        self._patterns = {p.id: (event_id, p) for event_id, e in events.items() for p in e.patterns}
        self._years = sorted({p.years for _, p in self._patterns.values() if p.years})
        self._ages = sorted({p.age for _, p in self._patterns.values() if p.age is not None})
        self._observer = observer
        self._lock = threading.Lock()
        self._found: dict[str, list[Alert]] = {}
        self._errors: dict[str, list[BaseException]] = {}
        self._name = f"lifeevents_patterns_{next(_counter)}"
        self._host = _Host()
        if self._patterns:
            self._host.register_rulesets(dict([self._define()]))

    def _define(self) -> tuple[str, Any]:
        ruleset = lang.ruleset(self._name)
        with ruleset:
            for event_id, pattern in self._patterns.values():
                self._rule(event_id, pattern)
        try:
            return ruleset.define()  # type: ignore[no-any-return]
        finally:
            lang._rulesets.pop(self._name, None)  # never registered on durable's global host

    def _rule(self, event_id: str, p: Pattern) -> None:
        m, c = lang.m, lang.c
        happened = (m.kind == "event") & (m.type == event_id)
        if p.kind == "no_follow_up":
            later = functools.reduce(operator.or_, [m.type == u for u in p.unless])
            conditions = [
                c.e << happened,
                c.k << (m.kind == "clock")
                & (m.day >= c.e.day + p.from_days)
                & (m.day <= c.e.day + p.to_days),
                lang.none((m.kind == "event") & later & (m.day >= c.e.day)),
            ]
        elif p.kind == "anniversary":
            key = f"ann_{p.years}"
            conditions = [
                c.e << happened,
                c.k << (m.kind == "clock")
                & (m.day >= getattr(c.e, key) + p.from_days)
                & (m.day <= getattr(c.e, key) + p.to_days),
            ]
        elif p.kind == "birthday":
            key = f"bday_{p.age}"
            roles = functools.reduce(operator.or_, [m.role == r for r in p.roles])
            conditions = [
                c.p << (m.kind == "person") & roles & (getattr(m, key) > 0),
                c.k << (m.kind == "clock")
                & (m.day >= getattr(c.p, key) + p.from_days)
                & (m.day <= getattr(c.p, key) + p.to_days),
            ]
        else:  # event_then_age
            roles = functools.reduce(operator.or_, [m.role == r for r in p.roles])
            conditions = [
                c.e << happened,
                c.p << (m.kind == "person") & roles & (m.age >= p.min_age) & (m.age <= p.max_age),
            ]
        lang.when_all(*conditions)(self._action(event_id, p))

    def _action(self, event_id: str, p: Pattern) -> Callable[[Any], None]:
        def record(context: Any) -> None:
            sid = str(context.s.sid)
            try:
                if p.kind == "no_follow_up":
                    day = dt.date.fromordinal(int(context.e.day) + p.to_days)
                    member = str(context.e.member) or None
                elif p.kind == "anniversary":
                    day = dt.date.fromordinal(int(getattr(context.e, f"ann_{p.years}")))
                    member = str(context.e.member) or None
                elif p.kind == "birthday":
                    day = dt.date.fromordinal(int(getattr(context.p, f"bday_{p.age}")))
                    member = str(context.p.id)
                else:
                    day, member = None, str(context.p.id)
                alert = Alert(p.id, event_id, day, member, p)
                if self._observer is not None:
                    self._observer(alert)
                self._found.setdefault(sid, []).append(alert)
            except BaseException as exc:  # durable-rules may swallow it: keep it for the caller
                self._errors.setdefault(sid, []).append(exc)

        return record

    def _facts(
        self, sid: str, history: Sequence[EventFact], persons: Sequence[PersonFact], day: dt.date
    ) -> list[dict[str, Any]]:
        facts: list[dict[str, Any]] = [{"sid": sid, "kind": "clock", "day": day.toordinal()}]
        for index, event in enumerate(history):
            fact = {
                "sid": sid,
                "kind": "event",
                "i": index,
                "type": event.type,
                "day": event.date.toordinal(),
                "member": event.member,
            }
            for years in self._years:
                fact[f"ann_{years}"] = add_months(event.date, 12 * years).toordinal()
            facts.append(fact)
        for person in persons:
            fact = {"sid": sid, "kind": "person", "id": person.id, "role": person.role, "age": -1}
            if person.date_of_birth is not None:
                fact["age"] = _age_on(person.date_of_birth, day)
                for age in self._ages:
                    fact[f"bday_{age}"] = _birthday(person.date_of_birth, age).toordinal()
            facts.append(fact)
        return facts

    def alerts(
        self, history: Sequence[EventFact], persons: Sequence[PersonFact], day: dt.date
    ) -> list[Alert]:
        """The patterns that match ``history`` (oldest first, the new event last) and the
        household's ``persons`` on ``day``, by due date.

        Raises:
            PatternError: an action raised while matching (the session is deleted all the same).
        """
        if not self._patterns:
            return []
        with self._lock:
            sid = f"q{next(_counter)}"
            try:
                self._host.assert_facts(self._name, self._facts(sid, history, persons, day))
            finally:
                self._host.delete_state(self._name, sid)
                found = self._found.pop(sid, [])
                errors = self._errors.pop(sid, [])
        if errors:
            raise PatternError(
                "life event patterns", f"an action failed while matching: {errors[0]!r}"
            )
        unique = {(a.pattern, a.member, a.due): a for a in found}
        return sorted(
            unique.values(), key=lambda a: (a.due or dt.date.max, a.pattern, a.member or "")
        )
