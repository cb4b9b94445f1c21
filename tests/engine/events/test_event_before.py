"""A life event evaluates the household before it only where the event may change an answer:
the same answer as evaluating every program before it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import strategies
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kit import CATALOG, ENGINE, FACTS, event_or_skip

from engine.eligibility.evaluate import check
from engine.events.apply import changed_facts, member_changes

DAYS = (dt.date(2025, 1, 15), dt.date(2026, 1, 15))
YEARS = tuple(sorted(CATALOG.base_years(*DAYS)))

#: events that change facts only, and events that change the members (children or adults)
EVENTS: dict[str, dict[str, Any]] = {
    "job_loss": {"member": "applicant0", "without_fault": True},
    "new_job": {"member": "applicant0", "employment_income": 48000},
    "income_change": {"member": "applicant0", "net_income": 12000},
    "retirement": {"member": "applicant0"},
    "disability_onset": {"member": "applicant0"},
    "becoming_caregiver": {"member": "applicant0"},
    "start_studies": {"member": "applicant0"},
    "approaching_pension_age": {"member": "applicant0"},
    "move": {"province": "BC", "municipality": "vancouver"},
    "birth": {"child": {"id": "new", "custody": "full"}, "birth_parent": "applicant0"},
    "adoption": {"child": {"id": "new", "date_of_birth": "2020-02-01", "custody": "full"}},
    "death_of_child_or_parent": {"deceased": "child0"},
    "union": {"partner": {"id": "sam", "net_income": 40000}, "kind": "common_law"},
    "death_of_spouse": {"deceased": "spouse0", "contributed_to_cpp": True},
    "separation": {"spouse": "spouse0"},
}


def _every_program_before(profile: Any, *_: Any) -> Any:
    """Every program before the event, validated into models (the engine compares its own
    dicts, and only for the programs the event may change)."""
    return check(ENGINE.compiled, profile, ask=False, texts=False).results


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=strategies.profiles(FACTS, DAYS, YEARS, max_children=2),
    kind=st.sampled_from(sorted(EVENTS)),
)
def test_an_event_answers_as_if_every_program_were_evaluated_before_it(
    data: dict[str, Any], kind: str
) -> None:
    body = {**data, "event": {"type": kind, "date": data["as_of"], "data": EVENTS[kind]}}
    restricted = event_or_skip(body)
    ENGINE._before = _every_program_before  # type: ignore[method-assign]
    try:
        everything = ENGINE.event(body)
    finally:
        del ENGINE._before
    assert restricted.model_dump() == everything.model_dump()


def test_the_facts_an_event_changed_and_when_the_members_changed() -> None:
    ana = {"id": "ana", "role": "applicant", "net_income": 30000.0}
    before = {"province": "ON", "members": [ana]}
    assert changed_facts(before, before) == set()
    assert changed_facts(before, {**before, "members": [{**ana, "net_income": 0.0}]}) == {
        "net_income"
    }
    dropped = {"id": "ana", "role": "applicant"}  # a fact no longer stated changed too
    assert changed_facts(before, {"members": [dropped]}) == {"province", "net_income"}
    spouse = {"id": "ben", "role": "spouse"}
    assert changed_facts(before, {**before, "members": [ana, spouse]}) is None
    assert changed_facts(before, {**before, "members": [{**ana, "role": "spouse"}]}) is None


def test_a_program_reads_the_facts_of_the_programs_it_reads() -> None:
    reads = ENGINE.catalog.facts_read
    for pid, rules in ENGINE.catalog.programs.items():
        for other in rules.depends_on() & reads.keys():
            assert reads[other] <= reads[pid], (pid, other)
    # the CCB asks the child's age through age_on: the date of birth is read
    assert {"date_of_birth", "net_income", "custody"} <= reads["ca_ccb"]


def test_the_members_who_came_or_went_and_what_changed_for_those_who_stay() -> None:
    ana = {"id": "ana", "role": "applicant", "net_income": 30000.0}
    leo = {"id": "leo", "role": "child"}
    ben = {"id": "ben", "role": "spouse"}
    before = {"province": "ON", "members": [ana, ben]}
    assert member_changes(before, {**before, "members": [ana, ben, leo]}) == (set(), {"child"})
    assert member_changes(before, {**before, "members": [ana]}) == (set(), {"spouse"})
    poorer = {**ana, "net_income": 0.0}
    assert member_changes(before, {"province": "BC", "members": [poorer, leo]}) == (
        {"province", "net_income"},
        {"spouse", "child"},
    )
    assert member_changes(before, {**before, "members": [ben, ana]}) is None  # order
    assert member_changes(before, {**before, "members": [{**ana, "role": "spouse"}]}) is None
