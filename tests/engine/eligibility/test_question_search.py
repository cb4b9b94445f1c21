"""The next question's search skips work (members with the same role and facts are asked about
once; candidates that cannot decide the most programs are not tried) and finds what trying
every candidate on every program finds."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any
from unittest import mock

import numpy as np
import strategies
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kit import CATALOG, ENGINE, FACTS
from test_laws import AS_OF, YEARS

from engine.eligibility import evaluate, next_question
from engine.eligibility.next_question import Candidate, Depth, Outcomes
from engine.evaluation.population import Population
from engine.kleene import Array

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def exhaustive(
    found: list[Candidate],
    undetermined: list[str],
    outcomes: Outcomes,
    depth: Depth | None = None,
    missing: Any = None,
) -> tuple[Candidate, list[str]] | None:
    """The search as the docstring of ``best_question`` states it, every pair tried."""
    decided_by: list[dict[str, Array]] = []
    stake = dict.fromkeys(undetermined, 0.0)
    for index, candidate in enumerate(found):
        decided: dict[str, Array] = {}
        for program in undetermined:
            if missing is not None and candidate.path not in missing[program]:
                continue
            benefits = outcomes.decided(index, candidate, program)
            if benefits is not None:
                decided[program] = benefits
                stake[program] = max(stake[program], float(np.nan_to_num(benefits).max()))
        decided_by.append(decided)
    scored = []
    for candidate, decided in zip(found, decided_by, strict=True):
        if decided:
            own = float(sum(np.nan_to_num(b).max() for b in decided.values()))
            programs = list(decided)
            score = (len(programs), sum(stake[p] for p in programs), own)
            scored.append((score, candidate, programs))
    if not scored:
        return None
    return next_question.winner(scored, depth)  # the ranking itself is shared; the search is not


@st.composite
def with_twins(draw: Any) -> dict[str, Any]:
    """A drawn household, often with copies of some of its non-applicant members."""
    data = draw(strategies.profiles(FACTS, tuple(AS_OF), YEARS))
    members = data["household"]["members"]
    others = [m for m in members if m["role"] in ("child", "dependant")]
    copied = draw(st.lists(st.sampled_from(others), max_size=3)) if others else []
    for n, member in enumerate(copied):
        twin = copy.deepcopy(member)
        twin["id"] = f"twin{n}"
        members.append(twin)
    return data


def _asked(data: dict[str, Any]) -> tuple[str, list[str]] | None:
    question = ENGINE.check(data).next_question
    return None if question is None else (question.fact, list(question.would_decide))


def _no_twins(population: Population, household: int = 0) -> dict[int, int]:
    return {}


@SETTINGS
@given(with_twins())
def test_the_search_finds_what_trying_everything_finds(data: dict[str, Any]) -> None:
    fast = _asked(data)
    with (
        mock.patch.object(evaluate, "best_question", exhaustive),
        mock.patch.object(Population, "twins", _no_twins),
    ):
        slow = _asked(data)
    assert fast == slow


@SETTINGS
@given(with_twins())
def test_a_twin_s_answers_are_the_first_one_s_with_the_ids_swapped(data: dict[str, Any]) -> None:
    shared = ENGINE.check(data)
    with mock.patch.object(Population, "twins", _no_twins):
        explained = ENGINE.check(data)  # every member explained on their own
    assert shared == explained


def test_a_household_of_identical_children_is_asked_about_one() -> None:
    members = [{"id": "a", "role": "applicant"}]
    members += [{"id": f"c{i}", "role": "child"} for i in range(6)]
    profile = ENGINE.parse({"as_of": "2026-01-15", "household": {"members": members}})
    population = ENGINE.population([profile])
    found = next_question.candidates(population, {"date_of_birth"}, CATALOG.facts)
    assert [c.path for c in found] == ["members/a/date_of_birth", "members/c0/date_of_birth"]


@SETTINGS
@given(with_twins(), st.data())
def test_members_with_the_same_role_and_facts_are_interchangeable(
    data: dict[str, Any], draw: Any
) -> None:
    """What the twin shortcut rests on: answering a fact for a member or for its twin gives
    every program the same answer."""
    members = data["household"]["members"]
    twins = [m for m in members if m["id"].startswith("twin")]
    if not twins:
        return
    twin = draw.draw(st.sampled_from(twins))
    original = next(m for m in members if {**m, "id": twin["id"]} == twin)
    names = sorted(f.name for f in FACTS.stated if f.entity == "person" and f.name != "role")
    name = draw.draw(st.sampled_from(names))
    as_of = dt.date.fromisoformat(data["as_of"])
    value = draw.draw(strategies.fact_values(FACTS[name], as_of, role=twin["role"]))

    def answers(member_id: str) -> list[tuple[str, str, float | None]]:
        changed = copy.deepcopy(data)
        target = next(m for m in changed["household"]["members"] if m["id"] == member_id)
        target[name] = value
        try:
            result = ENGINE.check(changed)
        except Exception as exc:  # the same refusal either way
            return [("refused", type(exc).__name__, None)]
        return [
            (r.program, r.status, None if r.amount is None else r.amount.annual)
            for r in result.results
        ]

    assert answers(original["id"]) == answers(twin["id"])
