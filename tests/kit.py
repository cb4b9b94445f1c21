"""Shared test helpers: one engine on the bundled rules, and namespaces for the checker."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from typing import Any

from hypothesis import HealthCheck, assume, settings

from engine import Engine
from engine.catalog.expressions import Namespace
from engine.errors import InputError
from engine.events.result import EventResult

#: the bundled rules, loaded once for the suite (engines hold no global state: tests that
#: change rules build their own)
ENGINE = Engine.load(clock=lambda: dt.date(2026, 1, 15))
CATALOG = ENGINE.catalog
FACTS = CATALOG.facts


#: the property tests' settings: LAWS_EXAMPLES=500 explores further than the suite's default
LAWS = settings(
    max_examples=int(os.environ.get("LAWS_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def event_or_skip(body: Mapping[str, Any]) -> EventResult:
    """The engine's answer to a drawn life event; a property test skips (hypothesis ``assume``)
    an event the drawn household cannot have (no spouse to separate from…)."""
    try:
        return ENGINE.event(body)
    except InputError:
        assume(False)
        raise  # not reached: assume(False) raises


def namespace(**kw: Any) -> Namespace:
    """A checker namespace over the bundled facts and definitions."""
    return Namespace(FACTS, definitions=CATALOG.definitions, **kw)


def code(fact: str, value: str) -> float:
    """The array code of an enum value."""
    return float(FACTS[fact].code(value))


def person(member_id: str, role: str, born: str | None = None, **facts: Any) -> dict[str, Any]:
    """One member of a test household (``born``: the date of birth)."""
    member: dict[str, Any] = {"id": member_id, "role": role, **facts}
    if born is not None:
        member["date_of_birth"] = born
    return member


def household(
    province: str | None, *members: dict[str, Any], as_of: str = "2026-01-15", **facts: Any
) -> dict[str, Any]:
    """A test profile: the members, the province (None: not stated) and household facts."""
    place = {"province": province} if province is not None else {}
    return {"as_of": as_of, "household": {**place, **facts, "members": list(members)}}


def maria_and_leo(as_of: str = "2026-01-15", **facts: Any) -> dict[str, Any]:
    """The contract's example family: a single parent with $35,000 and a child born in 2023."""
    return household(
        facts.pop("province", "ON"),
        person("maria", "applicant", "1991-05-02", residency_status="citizen", net_income=35000),
        person("leo", "child", "2023-09-10", custody="full"),
        as_of=as_of,
        **facts,
    )


def sam(**facts: Any) -> dict[str, Any]:
    """A citizen born in 1985 who has lived in Canada all along, with no income of any kind
    (``facts`` add to or replace these)."""
    no_income = dict.fromkeys(("net_income", "employment_income", "self_employment_income"), 0)
    return person(
        "sam",
        "applicant",
        "1985-04-02",
        **{"residency_status": "citizen", "months_in_canada": 400, **no_income, **facts},
    )
