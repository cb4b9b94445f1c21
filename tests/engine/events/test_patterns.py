"""Patterns over time: each kind at its boundaries, and thousands of clients from several
threads with the same answers as one by one."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import random
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from kit import ENGINE

from engine.catalog.life_events import Pattern
from engine.events.facts import EventFact, PersonFact
from engine.events.patterns import PatternError, PatternMatcher

D = dt.date
PATTERNS = PatternMatcher(ENGINE.catalog.life_events)


def _found(history: list[EventFact], persons: list[PersonFact], day: dt.date) -> list[tuple]:  # type: ignore[type-arg]
    return [(a.pattern, a.due, a.member) for a in PATTERNS.alerts(history, persons, day)]


def test_a_job_loss_without_a_new_job_warns_from_day_7_to_the_claim_deadline() -> None:
    lost = [EventFact("job_loss", D(2026, 5, 1), "sam")]
    assert _found(lost, [], D(2026, 5, 7)) == []  # the waiting week is not over
    assert _found(lost, [], D(2026, 5, 8)) == [("ei_claim_deadline_near", D(2026, 5, 29), "sam")]
    assert _found(lost, [], D(2026, 5, 29)) == [("ei_claim_deadline_near", D(2026, 5, 29), "sam")]
    assert _found(lost, [], D(2026, 5, 30)) == []  # past the deadline: the alert has done its work
    found_work = [*lost, EventFact("new_job", D(2026, 5, 12), "sam")]
    assert _found(found_work, [], D(2026, 5, 20)) == []


def test_a_survivor_is_reminded_of_the_allowance_from_60_to_64() -> None:
    death = [EventFact("death_of_spouse", D(2019, 3, 1))]

    def at(day: dt.date) -> list[tuple]:  # type: ignore[type-arg]
        found = _found(death, [PersonFact("ruth", "applicant", D(1964, 2, 10))], day)
        return [a for a in found if a[0] == "survivor_aged_60_to_64"]

    assert at(D(2024, 2, 9)) == []  # 59
    assert at(D(2024, 2, 10)) == [("survivor_aged_60_to_64", None, "ruth")]  # 60th birthday
    assert at(D(2029, 2, 9)) == [("survivor_aged_60_to_64", None, "ruth")]  # still 64
    assert at(D(2029, 2, 10)) == []  # 65: the OAS pension and GIS instead


def test_an_unregistered_birth_is_followed_up_until_it_is_registered() -> None:
    birth = [EventFact("birth", D(2026, 3, 1), "ana")]
    ana = [PersonFact("ana", "child", D(2026, 3, 1))]
    assert _found(birth, ana, D(2026, 3, 31)) == []  # within the 30 days
    assert _found(birth, ana, D(2026, 4, 1)) == [("birth_not_registered", D(2027, 3, 1), "ana")]
    registered = [*birth, EventFact("birth_registration", D(2026, 3, 20), "ana")]
    assert _found(registered, ana, D(2026, 4, 1)) == []


def test_ten_years_after_an_arrival_and_birthdays_come_with_their_dates() -> None:
    arrival = [EventFact("arrival", D(2016, 12, 15))]
    persons = [
        PersonFact("tom", "applicant", D(1962, 6, 1)),
        PersonFact("leo", "child", D(2020, 12, 20)),
        PersonFact("zoe", "child", D(2008, 12, 1)),
    ]
    assert (
        _found(arrival, persons, D(2026, 11, 29))
        == [
            ("turned_64", D(2026, 6, 1), "tom"),  # 64 since June: apply for OAS and CPP
            ("ten_years_in_canada", D(2026, 12, 15), None),
            ("child_turns_18", D(2026, 12, 1), "zoe"),
            ("child_turns_6", D(2026, 12, 20), "leo"),
        ][:1]
        + sorted(
            [
                ("ten_years_in_canada", D(2026, 12, 15), None),
                ("child_turns_18", D(2026, 12, 1), "zoe"),
                ("child_turns_6", D(2026, 12, 20), "leo"),
            ],
            key=lambda a: a[1],
        )
    )
    assert _found(arrival, persons, D(2026, 9, 1)) == [("turned_64", D(2026, 6, 1), "tom")]


def _client(rng: random.Random) -> tuple[list[EventFact], list[PersonFact], dt.date]:
    day = D(2026, 1, 1) + dt.timedelta(days=rng.randrange(700))
    kinds = [
        "job_loss",
        "new_job",
        "birth",
        "birth_registration",
        "arrival",
        "death_of_spouse",
        "move",  # no pattern reads it: it must simply be ignored
    ]
    history = sorted(
        (
            EventFact(rng.choice(kinds), day - dt.timedelta(days=rng.randrange(4000)), "m")
            for _ in range(rng.randrange(1, 5))
        ),
        key=lambda e: e.date,
    )
    persons = [
        PersonFact("a", "applicant", day - dt.timedelta(days=rng.randrange(18 * 365, 90 * 365))),
        PersonFact("k", "child", day - dt.timedelta(days=rng.randrange(0, 18 * 365))),
        PersonFact("g", "dependant", day - dt.timedelta(days=rng.randrange(60 * 365, 90 * 365))),
    ]
    return history, persons, day


def test_five_thousand_clients_from_four_threads_answer_as_one_by_one() -> None:
    rng = random.Random(20261129)
    clients = [_client(rng) for _ in range(5000)]
    alone = [PATTERNS.alerts(*client) for client in clients]
    assert sum(bool(a) for a in alone) > 300  # about one client in ten matches a pattern
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(lambda client: PATTERNS.alerts(*client), clients))
    assert together == alone


def test_a_date_past_the_last_one_python_knows_matches_nothing_and_breaks_nothing() -> None:
    late = [EventFact("arrival", D(9995, 6, 1))]  # ten years later is past 9999
    assert PATTERNS.alerts(late, [], D(9999, 12, 31)) == []


# -- durable-rules: answers checked against a plain reading of the patterns, and its failures


def _months_later(day: dt.date, months: int) -> dt.date | None:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    if year > dt.MAXYEAR:
        return None
    last = (D(year, 12, 31) if month == 12 else D(year, month + 1, 1) - dt.timedelta(days=1)).day
    return D(year, month, min(day.day, last))


def _reading(
    patterns: list[tuple[str, Pattern]],
    history: list[EventFact],
    persons: list[PersonFact],
    day: dt.date,
) -> list[tuple]:  # type: ignore[type-arg]
    """Each pattern's meaning (docs/events.md), read one by one: the oracle."""

    def within(anchor: dt.date | None, p: Pattern) -> bool:
        return anchor is not None and p.from_days <= (day - anchor).days <= p.to_days

    def age(born: dt.date) -> int:
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    out = set()
    for event_id, p in patterns:
        happened = [e for e in history if e.type == event_id]
        for e in happened:
            followed = any(o.type in p.unless and o.date >= e.date for o in history)
            if p.kind == "no_follow_up" and within(e.date, p) and not followed:
                out.add((p.id, e.date + dt.timedelta(days=p.to_days), e.member or None))
            if p.kind == "anniversary":
                anniversary = _months_later(e.date, 12 * (p.years or 0))
                if within(anniversary, p):
                    out.add((p.id, anniversary, e.member or None))
        for person in persons:
            born = person.date_of_birth
            if born is None or person.role not in p.roles:
                continue
            if p.kind == "birthday":
                birthday = _months_later(born, 12 * (p.age or 0))
                if within(birthday, p):
                    out.add((p.id, birthday, person.id))
            aged = (p.min_age or 0) <= age(born) <= (p.max_age or 0)
            if p.kind == "event_then_age" and happened and aged:
                out.add((p.id, None, person.id))
    return sorted(out, key=lambda a: (a[1] or dt.date.max, a[0], a[2] or ""))


def test_every_answer_is_the_patterns_plain_reading_on_random_clients() -> None:
    patterns = [(e, p) for e, spec in ENGINE.catalog.life_events.items() for p in spec.patterns]
    rng = random.Random(20261130)
    matched = 0
    for _ in range(3000):
        history, persons, day = _client(rng)
        expected = _reading(patterns, history, persons, day)
        assert _found(history, persons, day) == expected, (history, persons, day)
        matched += bool(expected)
    assert matched > 200


@dataclasses.dataclass
class _Events:
    patterns: list[Pattern]


def _pattern(**fields: Any) -> Pattern:
    words = {"en": "Test pattern.", "fr": "Motif d'essai."}
    reference = {"title": "Test", "url": "https://example.org/"}
    return Pattern.model_validate({"what": words, "reference": reference, **fields})


def test_a_follow_up_of_several_kinds_counts_each_kind_since_the_event() -> None:
    # durable-rules 2.0.28 never evaluates join tests after a nested $or: one none() per kind
    quiet = _pattern(id="quiet", kind="no_follow_up", unless=["new_job", "start_studies"],
                     from_days=0, to_days=90)  # fmt: skip
    matcher = PatternMatcher({"job_loss": _Events([quiet])})  # type: ignore[dict-item]
    lost = EventFact("job_loss", D(2026, 5, 1), "sam")
    day = D(2026, 6, 1)
    assert [a.pattern for a in matcher.alerts([lost], [], day)] == ["quiet"]
    for kind in ("new_job", "start_studies"):
        before = EventFact(kind, D(2026, 4, 1), "sam")  # before the job loss: no follow-up
        after = EventFact(kind, D(2026, 5, 20), "sam")
        assert [a.pattern for a in matcher.alerts([before, lost], [], day)] == ["quiet"]
        assert matcher.alerts([lost, after], [], day) == []


class _Failing(PatternMatcher):
    def _match(self, index: int, p: Pattern, context: Any) -> tuple[int, str, int, int | None]:
        if p.id == "ei_claim_deadline_near":
            raise ValueError("a failing action")
        return super()._match(index, p, context)


def test_an_action_that_raises_is_reported_and_the_next_question_is_answered() -> None:
    matcher = _Failing(ENGINE.catalog.life_events)
    lost = [EventFact("job_loss", D(2026, 5, 1), "sam")]
    with pytest.raises(PatternError, match="a failing action"):
        matcher.alerts(lost, [], D(2026, 5, 8))
    birth = [EventFact("birth", D(2026, 3, 1), "ana")]
    found = matcher.alerts(birth, [PersonFact("ana", "child", D(2026, 3, 1))], D(2026, 4, 1))
    assert [a.pattern for a in found] == ["birth_not_registered"]


_FIRST_QUESTION = """
import datetime as dt, sys
sys.path.insert(0, sys.argv[1])
from engine.engine import Engine
from engine.events.facts import EventFact, PersonFact
from engine.events.patterns import PatternMatcher
matcher = PatternMatcher(Engine.load().catalog.life_events)
birth = [EventFact("birth", dt.date(2026, 3, 1), "ana")]
ana = [PersonFact("ana", "child", dt.date(2026, 3, 1))]
# half-matches the unregistered birth (inside its 30 days): no action of a pattern runs
assert matcher.alerts(birth, ana, dt.date(2026, 3, 31)) == []
print(len(matcher.alerts(birth, ana, dt.date(2026, 4, 1))))
"""


def test_a_fresh_process_whose_first_question_half_matches_a_rule_does_not_crash() -> None:
    # deleting such a session freed an uninitialised pointer in durable-rules 2.0.28; glibc's
    # MALLOC_PERTURB_ fills new memory with garbage, which made the crash certain
    root = str(Path(__file__).resolve().parents[3])
    for perturb in ("165", "90", "0"):
        done = subprocess.run(
            [sys.executable, "-c", _FIRST_QUESTION, root],
            env={**os.environ, "MALLOC_PERTURB_": perturb},
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert (done.returncode, done.stdout.strip()) == (0, "1"), done.stderr[-2000:]


class _Unfinished(PatternMatcher):
    def _sentinel(self, context: Any) -> None:
        """Never marks a question finished: each session is kept, never deleted."""


def test_sessions_that_cannot_be_deleted_are_kept_then_the_ruleset_is_made_again() -> None:
    # durable-rules holds at most 1,024 live sessions: kept ones are dropped with their
    # ruleset well before that
    matcher = _Unfinished(ENGINE.catalog.life_events)
    lost = [EventFact("job_loss", D(2026, 5, 1), "sam")]
    names = set()
    for _ in range(600):
        with pytest.raises(PatternError, match="did not finish"):
            matcher.alerts(lost, [], D(2026, 5, 8))
        names.add(matcher._name)
    assert len(names) == 3  # made again after 256 and 512 kept sessions
    assert PATTERNS.alerts(lost, [], D(2026, 5, 8))  # another matcher is not disturbed


def test_matchers_defined_in_several_threads_at_once_answer_alike() -> None:
    # durable.lang builds a ruleset on module-global stacks: definitions take turns
    lost = [EventFact("job_loss", D(2026, 5, 1), "sam")]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads take turns often: definitions would interleave
    try:
        with ThreadPoolExecutor(max_workers=4) as pool:
            matchers = list(
                pool.map(lambda _: PatternMatcher(ENGINE.catalog.life_events), range(8))
            )
    finally:
        sys.setswitchinterval(interval)
    expected = PATTERNS.alerts(lost, [], D(2026, 5, 8))
    assert expected and all(m.alerts(lost, [], D(2026, 5, 8)) == expected for m in matchers)
