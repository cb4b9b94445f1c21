"""The one handle on the rules: load a rules directory once, then check, evaluate, reform.

The API, ``rules diff``, baseline-versus-reform runs and tests each hold their own engine;
nothing is cached per path or per process, so an engine and everything it compiled go away
together.

Examples:
    >>> engine = Engine.load()
    >>> result = engine.check({"as_of": "2026-01-15", "household": {"province": "ON",
    ...     "members": [{"id": "maria", "role": "applicant", "net_income": 35000},
    ...                 {"id": "leo", "role": "child", "date_of_birth": "2023-09-10"}]}})
    >>> ccb = {r.program: r for r in result.results}["ca_ccb"]
    >>> ccb.status, ccb.missing_facts[:1]
    ('undetermined', ['members/maria/months_in_canada'])
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Collection, Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from engine.catalog.catalog_cache import cached_catalog
from engine.catalog.event import LifeEvent, event_model, parse_event
from engine.catalog.loader import rebuild
from engine.catalog.paths import default_rules_dir
from engine.catalog.profile import Profile, input_error, parse_profile
from engine.catalog.program import Catalog
from engine.catalog.reform import Reform, apply_reform
from engine.collector import paused
from engine.eligibility.answer_json import model_json
from engine.eligibility.evaluate import check, check_dates, check_json, check_written, compared
from engine.eligibility.populations import PopulationResult, evaluate_population
from engine.eligibility.result import CheckResult
from engine.eligibility.rule_tests import CaseOutcome, run_rule_tests
from engine.errors import InputError
from engine.evaluation.compiler import CompiledSystem, compile_catalog
from engine.evaluation.population import Population, from_profiles
from engine.evaluation.simulate import Run, simulate
from engine.events.apply import apply_event, member_changes
from engine.events.cases import run_event_cases
from engine.events.facts import PersonFact, event_fact
from engine.events.patterns import PatternMatcher
from engine.events.result import EventResult
from engine.events.suggestions import Compared, event_result, program_of

__all__ = ["Engine"]

Clock = Callable[[], dt.date]


class Engine:
    """A compiled catalog and the operations on it.

    Args:
        catalog: a loaded catalog (see :meth:`load`).
        clock: today's date, for profiles that give no ``as_of`` (passed in, never read deep
            inside a model, so tests and replays control time).
        direct_dispatch: call the engine's own formulas without OpenFisca's dispatch (the same
            answers; off routes every read through ``Simulation.calculate`` for its tracer).
    """

    def __init__(
        self, catalog: Catalog, *, clock: Clock = dt.date.today, direct_dispatch: bool = True
    ) -> None:
        self.catalog = catalog
        with paused():
            self.compiled: CompiledSystem = compile_catalog(
                catalog, direct_dispatch=direct_dispatch
            )
        self.clock = clock
        self.direct_dispatch = direct_dispatch

    @classmethod
    def load(
        cls,
        rules_dir: Path | None = None,
        *,
        clock: Clock = dt.date.today,
        direct_dispatch: bool = True,
    ) -> Engine:
        """Load and compile a rules directory (default: the bundled rules).

        Raises:
            RuleFileError: a broken rule file (file, line, reason), or no program at all.
        """
        with paused():
            catalog = cached_catalog(rules_dir or default_rules_dir())
        return cls(catalog, clock=clock, direct_dispatch=direct_dispatch)

    def parse(self, data: Any, *, as_of: dt.date | None = None) -> Profile:
        """Validate a profile (parsed JSON); ``as_of`` overrides its date.

        Raises:
            InputError: naming the JSON path and the reason.
        """
        return parse_profile(data, self.catalog.profile_model, as_of=as_of, today=self.clock())

    def _profile(self, profile: Profile | Mapping[str, Any]) -> Profile:
        return profile if isinstance(profile, Profile) else self.parse(profile)

    def check(self, profile: Profile | Mapping[str, Any]) -> CheckResult:
        """Every program that applies to the household on its ``as_of``: statuses, amounts,
        explanations, missing facts and the next question.

        Raises:
            InputError: the profile is invalid.
            ParameterValueMissing: ``as_of`` is before the catalog's figures.
        """
        return check(self.compiled, self._profile(profile))

    def check_json(self, profile: Profile | Mapping[str, Any]) -> bytes:
        """:meth:`check`'s answer as the JSON its model writes, byte for byte, without
        building the models (what a service sends).

        Raises:
            InputError: the profile is invalid.
            ParameterValueMissing: ``as_of`` is before the catalog's figures.
        """
        return check_json(self.compiled, self._profile(profile))

    def check_dates(
        self, profile: Profile | Mapping[str, Any], days: Sequence[dt.date]
    ) -> list[CheckResult]:
        """The household's answer on each day (a timeline), from one simulation."""
        if not days:
            raise InputError("days", "at least one date is needed")
        return check_dates(self.compiled, self._profile(profile), days)

    def event(self, data: Mapping[str, Any], *, written: bool = False) -> EventResult:
        """A life event (parsed JSON, docs/contracts.md): the household after it, what now
        applies, changes or stops for the household and each member, by when, the follow-ups
        and the agencies that would be told.

        ``written``: the answer is only written out (``answer_json.model_json``, as a service
        does): the check after the event is not validated into models (``after`` holds the
        engine's dicts, see ``evaluate.check_written``); every other field is as without it,
        and so are the bytes ``model_json`` writes.

        Raises:
            InputError: an unknown event type, data that does not fit the event's file or the
                household, an event dated after ``as_of`` (the path names the field).
            ParameterValueMissing: ``as_of`` is before the catalog's figures.
        """
        parsed = parse_event(data, self._event_model, today=self.clock())
        events = self.catalog.life_events
        spec = events.get(parsed.event.type)
        if spec is None:
            known = ", ".join(sorted(events))
            raise InputError(
                "event/type",
                f"unknown life event {parsed.event.type!r}; the events are: {known}",
                fr=f"événement de vie inconnu {parsed.event.type!r}; les événements sont : {known}",
            )
        if parsed.event.date > parsed.as_of:
            raise InputError(
                "event/date",
                f"after as_of ({parsed.as_of.isoformat()}): tell an event once it has happened",
                fr=f"postérieure à as_of ({parsed.as_of.isoformat()}) : un événement se déclare "
                "une fois survenu",
            )
        household = parsed.household.model_dump(mode="json", exclude_none=True)
        after = apply_event(
            spec, household, parsed.event.model_dump(mode="json"), self.catalog.facts
        )
        # the event's household was validated with the event (the profile's own checks)
        before_profile = self.catalog.profile_model.model_construct(
            as_of=parsed.as_of, household=parsed.household
        )
        try:
            after_profile = self.parse({"as_of": parsed.as_of.isoformat(), "household": after})
        except InputError as exc:
            raise InputError(
                "event/data",
                f"the household after the event is not valid: {exc.path}: {exc.reason}",
                fr=f"le ménage après l'événement n'est pas valide : {exc.path} : "
                f"{exc.reason_fr or exc.reason}",
            ) from None
        after_result = (check_written if written else check)(self.compiled, after_profile)
        if spec.compare_with == "nothing":  # e.g. an arrival: nothing applied before it
            before_result: list[Compared] = []
        else:  # the household before the event: only compared, never shown or asked
            before_result = self._before(before_profile, household, after, after_result)
        history = [*parsed.history, parsed.event]
        alerts = self.patterns.alerts(
            [event_fact(e, events.get(e.type)) for e in history],
            [
                PersonFact(m.id, m.role, getattr(m, "date_of_birth", None))
                for m in after_profile.household.members
            ],
            parsed.as_of,
        )
        return event_result(
            self.catalog, spec, parsed.event.date, after, before_result, after_result, alerts
        )

    def event_json(self, data: Mapping[str, Any]) -> bytes:
        """:meth:`event`'s answer as its JSON, the bytes ``event(data).model_dump_json()``
        writes, without validating the check after the event into models (as the service
        answers it).

        Raises:
            InputError: see :meth:`event`.
            ParameterValueMissing: ``as_of`` is before the catalog's figures.
        """
        return model_json(self.event(data, written=True))

    def _before(
        self,
        profile: Profile,
        household: Mapping[str, Any],
        after: Mapping[str, Any],
        after_result: CheckResult,
    ) -> list[Compared]:
        """The programs' results for a life event's household before it, only compared with
        those after it: the engine's own dicts, not validated into models (nobody reads them).
        A program that reads none of the facts the event changed answers as after the event,
        so only the others are evaluated again. When members joined or left (those who stay
        keep their roles), so do the programs that read no member (only a person's own facts)
        if only children came or went: children have no answer of a person program."""
        moved = member_changes(household, after)
        if moved is None:  # a member who stays changed role or place: any answer may change
            return list(compared(self.compiled, profile))
        changed, roles = moved
        reads, members = self.catalog.facts_read, self.catalog.reads_members
        only = {
            pid
            for pid, rules in self.catalog.programs.items()
            if reads[pid] & changed
            or (
                roles and (members[pid] or (roles - {"child"} and rules.program.entity == "person"))
            )
        }
        before: list[Compared] = list(compared(self.compiled, profile, only=only))
        before.extend(r for r in after_result.results if program_of(r) not in only)
        return before

    @functools.cached_property
    def _event_model(self) -> type[LifeEvent]:
        """The life event model over this catalog's profile model, made once."""
        return event_model(self.catalog.profile_model)

    @functools.cached_property
    def patterns(self) -> PatternMatcher:
        """The patterns over time of this catalog's life events, on durable-rules (one owner,
        one lock: threads share it)."""
        return PatternMatcher(self.catalog.life_events)

    def population(self, profiles: Sequence[Profile], *days: dt.date) -> Population:
        """Profiles in columns, with the incomes of every tax year the days read."""
        when = days or (profiles[0].as_of,)
        return from_profiles(profiles, self.catalog.base_years(*when), self.catalog.facts)

    def evaluate(
        self,
        population: Population,
        on: dt.date | None = None,
        *,
        workers: int = 1,
        programs: Collection[str] | None = None,
    ) -> PopulationResult:
        """Every program (or only ``programs``, with what they read) for every household and
        person of a population, vectorized (on ``workers`` forked processes when more than
        one)."""
        return evaluate_population(
            self.compiled, population, on, workers=workers, programs=programs
        )

    def simulate(self, population: Population, *, explain: bool = False) -> Run:
        """A lazy run over a population (for callers that read parts or several days)."""
        return simulate(self.compiled, population, explain=explain)

    def reformed(self, reform: Reform | Mapping[str, Any]) -> Engine:
        """A new engine whose rules carry the reform (this one is left as it was).

        Raises:
            InputError: the reform names what does not exist or is malformed.
            RuleFileError: a replaced expression does not check.
        """
        if not isinstance(reform, Reform):
            try:
                reform = Reform.model_validate(reform)
            except ValidationError as exc:
                raise input_error(exc) from None
        programs = {pid: rules.program for pid, rules in self.catalog.programs.items()}
        catalog = rebuild(self.catalog, apply_reform(programs, reform))
        return Engine(catalog, clock=self.clock, direct_dispatch=self.direct_dispatch)

    def run_event_tests(self, root: Path | None = None) -> list[CaseOutcome]:
        """The life event cases under ``root`` (default: ``event_tests/`` of this engine's
        rules)."""
        return run_event_cases(self.event, root or self.catalog.root / "event_tests")

    def run_rule_tests(self, root: Path | None = None) -> list[CaseOutcome]:
        """The worked cases under ``root`` (default: ``tests/`` of this engine's rules)."""
        return run_rule_tests(self.compiled, root or self.catalog.root / "tests")
