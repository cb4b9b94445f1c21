"""Hypothesis strategies for profiles, built from the fact registry (``rules/facts.yaml``).

Every stated fact is drawn from what its registry entry says: enums from their values (a
municipality from those of the drawn province), numbers and money from their domain and their
samples (and, for yearly facts, either one amount or amounts by tax year), booleans, and dates
inside their domain. A fact the registry limits to some roles (``custody``) is drawn only for
them. Adding a fact to the registry adds it to every property test; nothing here names a fact
except ``date_of_birth``, whose age band per role shapes realistic households.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

from engine.catalog.facts import Fact, FactRegistry, FactSpec

__all__ = ["AGE_BANDS", "completions", "fact_values", "member", "profiles"]

#: the ages drawn per role (the registry allows 0 to 120 for anyone)
AGE_BANDS = {"applicant": (16, 95), "spouse": (16, 95), "child": (0, 20), "dependant": (0, 95)}
_WIDTH = 300_000  # how far past the largest sample a number is drawn when its domain is open


def _bounds(fact: Fact) -> tuple[int, int]:
    top = max(fact.samples, default=1_000)
    low = fact.domain.min if fact.domain and fact.domain.min is not None else -top
    high = fact.domain.max if fact.domain and fact.domain.max is not None else top + _WIDTH
    return int(low), int(min(high, top + _WIDTH))


def _number(fact: Fact) -> st.SearchStrategy[float]:
    low, high = _bounds(fact)
    drawn: st.SearchStrategy[float] = st.integers(low, high)
    if fact.type == "money":
        drawn = drawn | st.integers(low * 100, high * 100).map(lambda cents: cents / 100)
    if fact.samples:
        return st.sampled_from(fact.samples) | drawn
    return drawn


def _date(fact: Fact, as_of: dt.date, ages: tuple[int, int]) -> st.SearchStrategy[str]:
    domain = fact.domain
    oldest = domain.max_years_before_as_of if domain and domain.max_years_before_as_of else 120
    youngest = 0 if domain and domain.not_after_as_of else -1
    low, high = max(ages[0], youngest), min(ages[1], oldest - 1)
    return st.integers(low * 365, high * 365 + 364).map(
        lambda days: (as_of - dt.timedelta(days=days)).isoformat()
    )


def fact_values(
    fact: Fact, as_of: dt.date, *, role: str = "applicant", years: tuple[int, ...] = ()
) -> st.SearchStrategy[Any]:
    """Values a profile may state for ``fact`` on ``as_of`` (as they appear in the JSON).

    ``years`` are the tax years a yearly fact may be stated for; with them, an amount is drawn
    either alone or by year.
    """
    if fact.type == "enum":
        return st.sampled_from(fact.values)
    if fact.type == "bool":
        return st.booleans()
    if fact.type == "date":
        return _date(fact, as_of, AGE_BANDS.get(role, (0, 95)))
    amount = _number(fact)
    if fact.yearly and years:
        by_year = st.dictionaries(st.sampled_from([str(y) for y in years]), amount, min_size=1)
        return amount | by_year
    return amount


def _maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


@st.composite
def member(
    draw: st.DrawFn,
    facts: FactRegistry,
    role: str,
    as_of: dt.date,
    index: int,
    years: tuple[int, ...] = (),
) -> dict[str, Any]:
    """One household member: each person fact the registry allows for ``role``, or unstated."""
    out: dict[str, Any] = {"id": f"{role}{index}", "role": role}
    for fact in facts.stated:
        if fact.entity != "person" or fact.name == "role":
            continue
        if fact.applies_to and role not in fact.applies_to:
            continue
        value = draw(_maybe(fact_values(fact, as_of, role=role, years=years)))
        if value is not None:
            out[fact.name] = value
    return out


def _municipalities(fact: Fact, province: str | None) -> list[str]:
    values = fact.spec.values if isinstance(fact.spec, FactSpec) else None
    return [v for v, s in (values or {}).items() if province is None or s.province == province]


@st.composite
def profiles(
    draw: st.DrawFn,
    facts: FactRegistry,
    days: tuple[dt.date, ...],
    years: tuple[int, ...] = (),
    max_children: int = 3,
) -> dict[str, Any]:
    """A household profile on one of ``days``: an applicant, maybe a spouse, up to
    ``max_children`` children, and household facts (a municipality lies in the drawn province)."""
    when = draw(st.sampled_from(days))
    people = [draw(member(facts, "applicant", when, 0, years))]
    if draw(st.booleans()):
        people.append(draw(member(facts, "spouse", when, 0, years)))
    for index in range(draw(st.integers(0, max_children))):
        people.append(draw(member(facts, "child", when, index, years)))
    household: dict[str, Any] = {"members": people}
    for fact in facts.stated:
        if fact.entity != "household":
            continue
        if fact.name == "municipality":
            places = _municipalities(fact, household.get("province"))
            value = draw(_maybe(st.sampled_from(places))) if places else None
        else:
            value = draw(_maybe(fact_values(fact, when, years=years)))
        if value is not None:
            household[fact.name] = value
    return {"as_of": when.isoformat(), "household": household}


@st.composite
def completions(
    draw: st.DrawFn, facts: FactRegistry, data: dict[str, Any], years: tuple[int, ...] = ()
) -> dict[str, Any]:
    """``data`` with some of its unstated facts stated (any value their domains allow): what
    the household may turn out to be once the missing facts are known."""
    as_of = dt.date.fromisoformat(data["as_of"])
    household = {k: v for k, v in data["household"].items() if k != "members"}
    members = []
    for stated in data["household"]["members"]:
        completed = dict(stated)
        for fact in facts.stated:
            if fact.entity != "person" or fact.name in completed:
                continue
            if fact.applies_to and stated["role"] not in fact.applies_to:
                continue
            value = draw(_maybe(fact_values(fact, as_of, role=stated["role"], years=years)))
            if value is not None:
                completed[fact.name] = value
        members.append(completed)
    if "province" not in household and draw(st.booleans()):
        municipality = facts["municipality"]
        values = municipality.spec.values if isinstance(municipality.spec, FactSpec) else None
        if "municipality" in household and values:
            household["province"] = values[household["municipality"]].province
        else:
            household["province"] = draw(st.sampled_from(facts["province"].values))
    if "municipality" not in household and draw(st.booleans()):
        places = _municipalities(facts["municipality"], household.get("province"))
        if places:
            household["municipality"] = draw(st.sampled_from(places))
    return {"as_of": data["as_of"], "household": {**household, "members": members}}


@st.composite
def twinned(
    draw: st.DrawFn, facts: FactRegistry, days: tuple[dt.date, ...], years: tuple[int, ...] = ()
) -> dict[str, Any]:
    """A household (see :func:`profiles`) with twins: copies of a child (same role and facts,
    another id), and maybe dependants of whom nothing is known."""
    data = draw(profiles(facts, days, years, max_children=2))
    members = data["household"]["members"]
    children = [m for m in members if m["role"] == "child"]
    source = children[0] if children else {"id": "child0", "role": "child"}
    if not children:
        members.append(dict(source))
    for index in range(draw(st.integers(1, 3))):
        members.append({**source, "id": f"twin{index}"})
    for index in range(draw(st.integers(0, 2))):
        members.append({"id": f"dependant{index}", "role": "dependant"})
    return data
