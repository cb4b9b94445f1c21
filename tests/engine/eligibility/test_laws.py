"""The engine's laws, as hypothesis properties over synthetic households.

- a population run equals the same households checked one by one;
- results are deterministic;
- more income of a type a program is income-tested on never raises its amount;
- dropping facts never flips a determined answer (unknown never produces a confident wrong one);
- a determined answer holds for every completion of the unknown facts (a status, an exact
  amount, or an amount's floor: the same for any values the registry's domains allow).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import strategies
from hypothesis import given
from hypothesis import strategies as st
from kit import CATALOG, ENGINE, FACTS, LAWS

from engine import Engine
from engine.catalog.facts import Fact, Kind
from engine.eligibility import next_question
from engine.eligibility.formatting import round_cents
from engine.eligibility.result import Amount, CheckResult
from engine.kleene import from_days


def _income_types(tested: bool | list[str]) -> list[str]:
    return ["net_income"] if tested is True else list(tested or [])


#: (program, income type): more of that income never raises the program's amount
INCOME_TESTED = [
    (pid, income)
    for pid, r in CATALOG.programs.items()
    for income in _income_types(r.program.income_tested)
]
AS_OF = [dt.date(2024, 7, 1), dt.date(2025, 1, 15), dt.date(2026, 1, 15), dt.date(2026, 11, 24)]
SETTINGS = LAWS


YEARS = tuple(sorted(CATALOG.base_years(*AS_OF)))


def profiles(as_of: dt.date | None = None) -> st.SearchStrategy[dict[str, Any]]:
    """Households drawn from the fact registry (see tests/strategies.py)."""
    return strategies.profiles(FACTS, (as_of,) if as_of else tuple(AS_OF), YEARS)


def _add(member: dict[str, Any], fact: str, extra: float) -> None:
    """Add ``extra`` to a fact stated as one amount or by tax year (every year)."""
    value = member.get(fact, 0)
    if isinstance(value, dict):
        member[fact] = {year: amount + extra for year, amount in value.items()}
    else:
        member[fact] = value + extra


def check(data: dict[str, Any], engine: Engine = ENGINE) -> CheckResult:
    return engine.check(data)


def _statuses(data: dict[str, Any]) -> dict[str, tuple[str, float | None, bool]]:
    """Each program's status, its amount when eligible, and whether that amount is exact (not
    only a lower bound)."""
    result = check(data)
    return {
        r.program: (
            r.status,
            r.amount.annual if r.amount and r.status == "eligible" else None,
            _exact(r.amount),
        )
        for r in result.results
    }


def _exact(amount: Amount | None) -> bool:
    return amount is not None and amount.minimum is None


@SETTINGS
@given(st.lists(profiles(as_of=dt.date(2026, 1, 15)), min_size=1, max_size=6))
def test_population_run_equals_one_by_one(batch: list[dict[str, Any]]) -> None:
    parsed = [ENGINE.parse(p) for p in batch]
    population = ENGINE.population(parsed)
    together = ENGINE.evaluate(population)
    codes = {"eligible": 1.0, "ineligible": 0.0}

    def same(got: float, status: str) -> bool:
        expected = codes.get(status)
        return (np.isnan(got) and expected is None) or got == expected

    for index, data in enumerate(batch):
        persons = {
            population.member_id(p): p for p in np.nonzero(population.household_of == index)[0]
        }
        for result in check(data).results:
            program = result.program
            if result.by_member is None:  # a household program: one answer per household
                assert same(together.status[program][index], result.status), program
                if result.status == "eligible" and _exact(result.amount):
                    got = round_cents(float(together.benefit[program][index]))
                    assert got == result.amount.annual, program
                continue
            for member in result.by_member:  # a person program: one answer per person
                person = persons[member.member]
                assert same(together.person_status[program][person], member.status), program
                if member.status == "eligible" and _exact(member.amount):
                    got = round_cents(float(together.person_benefit[program][person]))
                    assert got == member.amount.annual, program


@SETTINGS
@given(profiles())
def test_results_are_deterministic(data: dict[str, Any]) -> None:
    first = check(data).model_dump_json()
    second = check(data).model_dump_json()
    assert first == second


@SETTINGS
@given(profiles(), st.sampled_from(INCOME_TESTED), st.integers(1, 150_000))
def test_more_income_never_raises_an_amount_tested_on_it(
    data: dict[str, Any], tested: tuple[str, str], extra: int
) -> None:
    program, income = tested
    applicant = data["household"]["members"][0]
    applicant.setdefault("net_income", 10_000)
    before = _statuses(data)
    _add(applicant, income, extra)
    if income != "net_income":
        _add(applicant, "net_income", extra)  # net income includes every income type
    after = _statuses(data)
    if program not in before or "undetermined" in (before[program][0], after[program][0]):
        return
    if before[program][1] is not None and not before[program][2]:  # only a lower bound before
        return
    low = before[program][1] or 0.0
    high = after[program][1] or 0.0
    assert high <= low + 0.005, f"{program}: {low} -> {high} with +{extra} of {income}"


@SETTINGS
@given(profiles(), st.data())
def test_dropping_facts_never_flips_a_determined_answer(data: dict[str, Any], draw: Any) -> None:
    full = _statuses(data)
    reduced = {**data, "household": {**data["household"], "members": []}}
    if "province" in data["household"] and draw.draw(st.booleans()):
        del reduced["household"]["province"]
    for member in data["household"]["members"]:
        droppable = sorted(k for k in member if k not in ("id", "role"))
        dropped = draw.draw(st.sets(st.sampled_from(droppable))) if droppable else set()
        reduced["household"]["members"].append(
            {k: v for k, v in member.items() if k not in dropped}
        )
    partial = _statuses(reduced)
    for program, (status, amount, exact) in partial.items():
        if status == "undetermined" or program not in full:
            continue
        assert full[program][0] == status, program
        if amount is not None and exact:
            assert full[program][1] == amount, program
        elif amount is not None:  # more facts only narrow the range: the floor never drops
            assert (full[program][1] or 0.0) >= amount - 0.005, program


@SETTINGS
@given(profiles())
def test_undetermined_inside_scope_always_names_what_is_missing(data: dict[str, Any]) -> None:
    result = check(data)
    undetermined = [r for r in result.results if r.status == "undetermined"]
    for r in undetermined:
        assert r.missing_facts or r.scope is not None, r.program
    # a program outside its file's scope waits on no fact, so no question can decide it
    askable = [r for r in undetermined if r.missing_facts]
    assert (result.next_question is None) == (not askable)


@SETTINGS
@given(profiles(), st.data())
def test_answering_the_next_question_decides_what_it_promised(
    data: dict[str, Any], draw: Any
) -> None:
    result = check(data)
    question = result.next_question
    if question is None or not question.would_decide:
        return
    parts = question.fact.split("/")
    # the promise is made over the representative answers the next question tried
    fact = FACTS[parts[-1]]
    tried = next_question.samples(fact, dt.date.fromisoformat(data["as_of"]))
    province = data["household"].get("province")
    places = getattr(fact.spec, "values", None) or {}
    if province is not None and any(getattr(v, "province", None) for v in places.values()):
        # a place in a province (a municipality) is asked among the household's province's
        tried = tuple(
            code for code in tried if places[fact.value_of(code)].province in (None, province)
        )
    value = _as_json(fact, draw.draw(st.sampled_from(tried)))
    if parts[0] == "household":
        data["household"][parts[1]] = value
    else:
        member = next(m for m in data["household"]["members"] if m["id"] == parts[1])
        member[parts[2]] = value
    after = {r.program: r.status for r in check(data).results}
    for program in question.would_decide:
        assert after.get(program, "ineligible") != "undetermined", (question.fact, value, program)


def _as_json(fact: Fact, value: float) -> Any:
    """A value as a profile states it (enums by name, booleans, ISO dates)."""
    if fact.kind == Kind.ENUM:
        return fact.value_of(value)
    if fact.kind == Kind.BOOL:
        return value == 1.0
    if fact.kind == Kind.DATE:
        return from_days(value).isoformat()
    return value


@SETTINGS
@given(profiles())
def test_direct_dispatch_gives_what_openfisca_dispatch_gives(data: dict[str, Any]) -> None:
    direct = check(data).model_dump_json()
    through_openfisca = check(data, _through_openfisca()).model_dump_json()
    assert direct == through_openfisca


@SETTINGS
@given(strategies.twinned(FACTS, tuple(AS_OF), YEARS))
def test_direct_dispatch_answers_households_with_twins_as_openfisca_does(
    data: dict[str, Any],
) -> None:
    # members with the same role and facts are read through the first one (Frame.w), and the
    # next question's variants untwin the member they answer for
    direct = check(data).model_dump_json()
    assert direct == check(data, _through_openfisca()).model_dump_json()


@SETTINGS
@given(profiles(), st.data())
def test_a_determined_answer_holds_for_every_completion_of_the_unknown_facts(
    data: dict[str, Any], draw: Any
) -> None:
    partial = _statuses(data)
    completed = draw.draw(strategies.completions(FACTS, data, YEARS))
    full = _statuses(completed)
    for program, (status, amount, exact) in partial.items():
        if status == "undetermined":
            continue
        assert full.get(program, ("ineligible", None, True))[0] == status, program
        if amount is None:
            continue
        got = full[program][1]
        assert got is not None, program
        if exact:
            assert got == amount, program
        else:
            assert got >= amount - 0.005, program  # "at least" holds


_ENGINES: dict[str, Engine] = {}


def _through_openfisca() -> Engine:
    if "openfisca" not in _ENGINES:
        _ENGINES["openfisca"] = Engine(CATALOG, direct_dispatch=False)
    return _ENGINES["openfisca"]
