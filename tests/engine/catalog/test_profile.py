"""Bad input is rejected with the JSON path and the reason."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

import pytest
import strategies
from hypothesis import given, settings
from hypothesis import strategies as st
from kit import CATALOG, ENGINE, FACTS

from engine.catalog.profile import parse_profile
from engine.errors import InputError


def _household(**member: Any) -> dict[str, Any]:
    return {"household": {"members": [{"id": "a", "role": "applicant", **member}]}}


@pytest.mark.parametrize(
    ("data", "path", "reason"),
    [
        (_household(date_of_birth="1990-13-01"), "household/members/0/date_of_birth", "not a date"),
        (_household(net_income="lots"), "household/members/0/net_income", "not a number"),
        (
            _household(net_income={"2024": "x"}),
            "household/members/0/net_income/2024",
            "not a number",
        ),
        (_household(custody="half"), "household/members/0/custody", "must be one of"),
        (_household(has_pet=True), "household/members/0/has_pet", "unknown field"),
        (_household(net_income=True), "household/members/0/net_income", "not a number"),
        (_household(net_income="35000"), "household/members/0/net_income", "not a number"),
        (_household(net_income=-1), "household/members/0/net_income", "must be at least 0"),
        (_household(months_in_canada=2000), "household/members/0/months_in_canada", "at most"),
        (_household(has_disability="maybe"), "household/members/0/has_disability", "true or false"),
        ({"household": {"members": []}}, "household/members", "must not be empty"),
        (
            {"household": {"province": "ZZ", "members": [{"id": "a", "role": "applicant"}]}},
            "household/province",
            "must be one of",
        ),
        (
            {"household": {"members": [{"id": "a", "role": "spouse"}]}},
            "household/members",
            "exactly one member must have role 'applicant'",
        ),
        (
            {
                "household": {
                    "members": [{"id": "a", "role": "applicant"}, {"id": "a", "role": "child"}]
                }
            },
            "household/members/1/id",
            "duplicate id",
        ),
        (
            {"as_of": "tomorrow", "household": {"members": [{"id": "a", "role": "applicant"}]}},
            "as_of",
            "not a date",
        ),
        ({}, "household", "required"),
    ],
)
def test_invalid_profile_names_path_and_reason(data: Any, path: str, reason: str) -> None:
    with pytest.raises(InputError) as caught:
        ENGINE.parse(data)
    assert caught.value.path == path
    assert reason in caught.value.reason


def test_absent_facts_stay_unknown_not_zero() -> None:
    member = ENGINE.parse(_household()).household.members[0]
    assert member.net_income is None and member.has_disability is None


def test_a_profile_without_a_date_takes_the_callers_clock_never_the_system_date() -> None:
    assert ENGINE.parse(_household()).as_of == dt.date(2026, 1, 15)  # kit's engine clock
    with pytest.raises(InputError) as caught:
        parse_profile(_household(), CATALOG.profile_model)
    assert caught.value.path == "as_of"


def test_every_stated_fact_of_the_registry_is_a_profile_field() -> None:
    fields = CATALOG.profile_model.model_fields["household"].annotation
    member = fields.model_fields["members"].annotation.__args__[0]  # type: ignore[union-attr]
    stated = {f.name for f in CATALOG.facts.stated if f.entity == "person"} - {"role"}
    assert stated <= set(member.model_fields)


def test_one_run_evaluates_one_date() -> None:
    first = ENGINE.parse({"as_of": "2026-01-15", **_household()})
    second = ENGINE.parse({"as_of": "2026-02-15", **_household()})
    with pytest.raises(InputError) as caught:
        ENGINE.population([first, second])
    assert caught.value.path == "1/as_of"


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=6,
)


@settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "300")), deadline=None)
@given(st.data())
def test_any_json_is_a_profile_or_an_input_error_with_a_path(data: st.DataObject) -> None:
    profile: dict[str, Any] = {
        "as_of": "2026-01-15",
        "household": {
            "province": "ON",
            "members": [
                {"id": "a", "role": "applicant", "net_income": 1000},
                {"id": "b", "role": "child", "date_of_birth": "2020-01-01"},
            ],
        },
    }
    where = data.draw(st.sampled_from(["top", "household", "member", "income"]))
    key = data.draw(st.sampled_from(["as_of", "province", "members", "role", "custody", "x", "id"]))
    value = data.draw(_JSON)
    target = {
        "top": profile,
        "household": profile["household"],
        "member": profile["household"]["members"][1],
        "income": profile["household"]["members"][0],
    }[where]
    target["net_income" if where == "income" else key] = value
    try:
        parsed = ENGINE.parse(profile)
    except InputError as error:
        assert error.reason
        return
    assert parsed.household.members


_DAYS = (dt.date(2025, 1, 15), dt.date(2026, 11, 24))


@settings(max_examples=100, deadline=None)
@given(strategies.profiles(FACTS, _DAYS, tuple(sorted(CATALOG.base_years(*_DAYS)))))
def test_every_profile_the_registry_describes_is_accepted(data: dict[str, Any]) -> None:
    parsed = ENGINE.parse(data)
    stated = {k for m in data["household"]["members"] for k in m} - {"id", "role"}
    assert stated <= FACTS.inputs  # the strategy names only registry facts
    assert len(parsed.household.members) == len(data["household"]["members"])


def test_the_registry_strategies_draw_every_stated_fact() -> None:
    seen: set[str] = set()

    @settings(max_examples=60, deadline=None, database=None)
    @given(strategies.profiles(FACTS, _DAYS))
    def collect(data: dict[str, Any]) -> None:
        seen.update(k for k in data["household"] if k != "members")
        for member in data["household"]["members"]:
            seen.update(member)

    collect()
    assert FACTS.inputs <= seen, sorted(FACTS.inputs - seen)
