"""Patterns over time: each kind at its boundaries, and thousands of clients from several
threads with the same answers as one by one."""

from __future__ import annotations

import datetime as dt
import random
from concurrent.futures import ThreadPoolExecutor

from kit import ENGINE

from engine.events.facts import EventFact, PersonFact
from engine.events.patterns import PatternMatcher

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
