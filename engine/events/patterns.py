"""Patterns over time: the ``patterns`` of the life event files, compiled into one
durable-rules ruleset and matched over a client's dated events and household on the day of the
question.

Each kind of pattern is one rule (see :class:`engine.catalog.life_events.Pattern`): a job loss
with no new job since, from the end of EI's waiting week to the claim deadline; a survivor now
60 to 64; an unregistered birth; ten years after an arrival; a child turning 6 or 18; a 64th
birthday. Dates are day numbers (``date.toordinal()``) and the day of the question is a fact
(``clock``), so every window is a comparison and no timer runs.

durable-rules 2.0.28 (its C engine) has bugs this module works around without changing it,
found with valgrind and gdb on its sources (``src/rules/``; docs/events.md has the details):

- ``createStateNode`` (state.c) leaves a session's action context uninitialised and
  ``deleteStateNode`` frees it: deleting a session in which no action ran frees a garbage
  pointer ("free(): invalid pointer"). So every question ends with a ``done`` fact that a
  sentinel rule always answers: an action has then run and reset that context, and only then
  is the session deleted (one that did not is kept, and the ruleset is rebuilt long before the
  engine's 1,024 live sessions).
- ``reduceExpressionSequence`` (events.c) skips one expression too many when the last join
  test of an ``$and`` group is false and reads past the group's end (segmentation faults
  after hundreds of questions). So every group with join tests ends with a join test that
  always holds (:func:`_last`).
- The same function never evaluates the join tests that follow a nested ``$or`` group, so no
  condition with join tests holds an ``$or``: one ``none()`` per ``unless`` event.
- ``Host.assert_facts`` raises ``MessageNotHandledException`` (some fact matched no rule)
  before it runs the actions that matched; the ``done`` fact runs them. An exception inside an
  action is swallowed by durable-rules: each action catches and keeps it, and the question
  raises it.
- Facts carry no string that a rule or an action reads back (strings of stored facts point into
  the caller's JSON): events and persons are referred to by their index.

One owner (the host, without timer threads), one lock for the process, a short-lived session
per question, deleted afterwards: threads share a matcher. Measured by the study behind these
rules: no crash, wrong answer or memory growth over 1,000,000 questions from four threads, nor
in 50 fresh processes whose first question half-matched a rule (the earlier use crashed each of
those).

Examples:
    >>> from engine.engine import Engine
    >>> patterns = PatternMatcher(Engine.load().catalog.life_events)
    >>> job_loss = EventFact("job_loss", dt.date(2026, 5, 1), "sam")
    >>> [a.pattern for a in patterns.alerts([job_loss], [], dt.date(2026, 5, 20))]
    ['ei_claim_deadline_near']
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import itertools
import operator
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from durable import engine as durable_engine
from durable import lang

from engine.catalog.life_events import LifeEventFile, Pattern
from engine.errors import EvaluationError
from engine.events.dates import add_months
from engine.events.facts import Alert, EventFact, PersonFact

__all__ = ["PatternError", "PatternMatcher"]

#: sessions kept (their sentinel did not run) before the ruleset is made again
_KEPT_SESSIONS = 256
_NAMES = itertools.count()
#: one lock for every use of durable-rules in the process: its ``lang`` keeps the ruleset being
#: defined on module-global stacks, and its C engine's state is shared by every ruleset
_DURABLE = threading.RLock()
_LAST_DAY = dt.date.max.toordinal()


class PatternError(EvaluationError):
    """A pattern's action or durable-rules itself failed on a question (never swallowed): an
    engine failure, as the command line and the service report one."""


class _Host(durable_engine.Host):  # type: ignore[misc]
    """A host without timer threads: every action runs inside the call that asserts."""

    def _run(self) -> None:
        return None


def _last(mine: Any, other: Any) -> Any:
    """A join test that always holds (day numbers lie in 1 to 3,652,059), written last in every
    group with join tests: see the module's notes on ``reduceExpressionSequence``."""
    return mine > other - 100_000_000


def _later(day: dt.date, months: int) -> int:
    """``day`` plus ``months`` as a day number; 0 (no match) past the last date Python knows."""
    try:
        return add_months(day, months).toordinal()
    except ValueError:
        return 0


def _age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class _Session:
    """What the actions of one question found (pattern index, event or person index, due day
    number), and whether its sentinel ran."""

    def __init__(self) -> None:
        self.found: list[tuple[int, str, int, int | None]] = []
        self.errors: list[BaseException] = []
        self.done = False


class PatternMatcher:
    """The patterns of a catalog's life events, compiled into one durable-rules ruleset."""

    def __init__(self, events: Mapping[str, LifeEventFile]) -> None:
        self._patterns = [(e, p) for e, spec in events.items() for p in spec.patterns]
        self._years = sorted({p.years for _, p in self._patterns if p.years})
        self._ages = sorted({p.age for _, p in self._patterns if p.age is not None})
        self._questions = itertools.count()
        self._sessions: dict[str, _Session] = {}
        self._kept = 0
        self._name = ""
        self._host: Any = None
        self._define()

    # -- the ruleset ------------------------------------------------------------------------

    def _define(self) -> None:
        """Compile the patterns into a new ruleset, owned by a new host."""
        self._name = f"lifeevents_patterns_{next(_NAMES)}"
        with _DURABLE:  # a ruleset made again in a question holds it already (re-entrant)
            ruleset = lang.ruleset(self._name)
            with ruleset:
                for index, (event_id, pattern) in enumerate(self._patterns):
                    conditions = self._conditions(event_id, pattern)
                    lang.when_all(*conditions)(self._action(index, pattern))
                lang.when_all(lang.m.kind == "done")(self._sentinel)
            try:
                definition = ruleset.define()
            finally:
                lang._rulesets.pop(self._name, None)  # compiled once: not kept by the module
        self._host = _Host()
        self._host.register_rulesets(dict([definition]))
        self._kept = 0

    def _conditions(self, event_id: str, p: Pattern) -> list[Any]:
        # durable-rules' expressions change in place when combined (``c.e.day + 7`` is the
        # same object as ``c.e.day``): each use reads a new reference
        m, c = lang.m, lang.c
        happened = (m.kind == "event") & (m.type == event_id)

        def window(anchor: Callable[[], Any]) -> Any:
            clock = (m.kind == "clock") & (m.day >= anchor() + p.from_days)
            return clock & (m.day <= anchor() + p.to_days) & _last(m.day, anchor())

        if p.kind == "no_follow_up":
            since = [
                lang.none(
                    (m.kind == "event") & (m.type == u) & (m.day >= c.e.day)
                    & _last(m.day, c.e.day)
                )
                for u in p.unless
            ]  # fmt: skip
            return [c.e << happened, c.k << window(lambda: c.e.day), *since]
        if p.kind == "anniversary":
            key = f"after_{p.years}"
            event = happened & (getattr(m, key) > 0)
            return [c.e << event, c.k << window(lambda: getattr(c.e, key))]
        roles = functools.reduce(operator.or_, [m.role == r for r in p.roles])
        if p.kind == "birthday":
            key = f"turns_{p.age}"
            person = (m.kind == "person") & roles & (getattr(m, key) > 0)
            return [c.p << person, c.k << window(lambda: getattr(c.p, key))]
        person = (m.kind == "person") & roles & (m.age >= p.min_age) & (m.age <= p.max_age)
        return [c.e << happened, c.p << person]  # event_then_age

    def _action(self, index: int, p: Pattern) -> Callable[[Any], None]:
        def act(context: Any) -> None:
            session = self._sessions[str(context.s.sid)]
            try:
                session.found.append(self._match(index, p, context))
            except BaseException as exc:  # durable-rules would swallow it
                session.errors.append(exc)

        return act

    def _match(self, index: int, p: Pattern, context: Any) -> tuple[int, str, int, int | None]:
        """What a pattern's action keeps: the pattern, the event or person it is about (by
        index) and the due day number."""
        if p.kind == "no_follow_up":
            return index, "event", int(context.e.at), int(context.e.day) + p.to_days
        if p.kind == "anniversary":
            return index, "event", int(context.e.at), int(getattr(context.e, f"after_{p.years}"))
        if p.kind == "birthday":
            return index, "person", int(context.p.at), int(getattr(context.p, f"turns_{p.age}"))
        return index, "person", int(context.p.at), None

    def _sentinel(self, context: Any) -> None:
        self._sessions[str(context.s.sid)].done = True

    # -- one question ---------------------------------------------------------------------

    def _facts(
        self, sid: str, history: Sequence[EventFact], persons: Sequence[PersonFact], day: dt.date
    ) -> list[dict[str, Any]]:
        facts: list[dict[str, Any]] = [
            {"sid": sid, "id": "clock", "kind": "clock", "day": day.toordinal()}
        ]
        for at, event in enumerate(history):
            fact = {"sid": sid, "id": f"e{at}", "kind": "event", "at": at, "type": event.type,
                    "day": event.date.toordinal()}  # fmt: skip
            for years in self._years:
                fact[f"after_{years}"] = _later(event.date, 12 * years)
            facts.append(fact)
        for at, person in enumerate(persons):
            fact = {"sid": sid, "id": f"p{at}", "kind": "person", "at": at, "role": person.role,
                    "age": -1}  # fmt: skip
            if person.date_of_birth is not None:
                fact["age"] = _age_on(person.date_of_birth, day)
                for age in self._ages:
                    fact[f"turns_{age}"] = _later(person.date_of_birth, 12 * age)
            facts.append(fact)
        return facts

    def _ask(self, facts: list[dict[str, Any]], sid: str) -> _Session:
        """The question's session, asked and closed under the lock."""
        session = self._sessions[sid] = _Session()
        failure: BaseException | None = None
        try:
            # a fact no rule reads: the actions that matched run with `done`
            with contextlib.suppress(durable_engine.MessageNotHandledException):
                self._host.assert_facts(self._name, facts)
            self._host.assert_fact(self._name, {"sid": sid, "id": "done", "kind": "done"})
        except BaseException as exc:  # reported below, after the clean-up
            failure = exc
        finally:
            del self._sessions[sid]
            if session.done:
                self._host.delete_state(self._name, sid)
            else:  # never delete a session no action ran in: see the module's notes
                self._kept += 1
                if self._kept >= _KEPT_SESSIONS:
                    self._define()
        if failure is not None:
            raise PatternError("patterns", f"durable-rules failed: {failure!r}") from failure
        if not session.done:
            raise PatternError("patterns", "durable-rules did not finish the question")
        return session

    def alerts(
        self, history: Sequence[EventFact], persons: Sequence[PersonFact], day: dt.date
    ) -> list[Alert]:
        """The patterns that match ``history`` (oldest first, the new event last) and the
        household's ``persons`` on ``day``, by due date.

        Raises:
            PatternError: an action failed, or durable-rules did.
        """
        with _DURABLE:
            sid = f"q{next(self._questions)}"
            session = self._ask(self._facts(sid, history, persons, day), sid)
        if session.errors:
            error = session.errors[0]
            raise PatternError("patterns", f"a pattern's action failed: {error!r}") from error
        unique: dict[tuple[str, str | None, dt.date | None], Alert] = {}
        for index, kind, at, due in session.found:
            event_id, pattern = self._patterns[index]
            member = history[at].member or None if kind == "event" else persons[at].id
            when = dt.date.fromordinal(due) if due is not None and 0 < due <= _LAST_DAY else None
            unique[(pattern.id, member, when)] = Alert(pattern.id, event_id, when, member, pattern)
        return sorted(
            unique.values(), key=lambda a: (a.due or dt.date.max, a.pattern, a.member or "")
        )
