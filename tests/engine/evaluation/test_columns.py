"""Stored populations hold values, never codes, and read back to the same answers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest
import strategies
from hypothesis import given, settings
from hypothesis import strategies as st
from kit import CATALOG, ENGINE, FACTS

from engine.errors import InputError
from engine.evaluation import from_columns, to_columns

AS_OF = dt.date(2026, 1, 15)
YEARS = tuple(sorted(CATALOG.base_years(AS_OF)))
FAMILY = {
    "as_of": AS_OF.isoformat(),
    "household": {
        "province": "ON",
        "municipality": "ottawa",
        "members": [
            {"id": "a", "role": "applicant", "date_of_birth": "1988-04-02", "net_income": 30000},
            {"id": "k", "role": "child", "date_of_birth": "2021-09-30", "custody": "shared"},
        ],
    },
}


def _population(*profiles: dict[str, Any]) -> Any:
    return ENGINE.population([ENGINE.parse(p) for p in profiles])


def test_enums_and_dates_are_stored_as_values_not_codes() -> None:
    columns = to_columns(
        _population(
            FAMILY, {**FAMILY, "household": {"members": [{"id": "x", "role": "applicant"}]}}
        ),
        FACTS,
    )
    assert list(columns["role"]) == ["applicant", "child", "applicant"]
    assert list(columns["province"]) == ["ON", "ON", ""]
    assert list(columns["municipality"]) == ["ottawa", "ottawa", ""]
    assert list(columns["custody"]) == ["", "shared", ""]
    assert columns["date_of_birth"][1] == np.datetime64("2021-09-30")
    assert np.isnat(columns["date_of_birth"][2])
    assert columns[f"net_income:{YEARS[0]}"][0] == 30000
    assert list(columns["household"]) == [0, 0, 1]


def test_a_registry_with_other_codes_reads_the_same_values() -> None:
    columns = to_columns(_population(FAMILY), FACTS)
    shuffled = dict(FACTS.items())
    province = FACTS["province"]
    shuffled["province"] = type(province)(  # the same values under other codes
        **{**province.__dict__, "codes": {v: 100 + c for v, c in province.codes.items()}}
    )
    other = type(FACTS)(shuffled)
    back = from_columns(columns, other, AS_OF)
    assert back.household["province"][0] == 100 + FACTS["province"].code("ON")


@settings(max_examples=30, deadline=None)
@given(st.lists(strategies.profiles(FACTS, (AS_OF,), YEARS), min_size=1, max_size=4))
def test_stored_and_read_back_gives_the_same_answers(batch: list[dict[str, Any]]) -> None:
    population = _population(*batch)
    back = from_columns(to_columns(population, FACTS), FACTS, AS_OF)
    before, after = ENGINE.evaluate(population), ENGINE.evaluate(back)
    for program in CATALOG.programs:
        np.testing.assert_array_equal(before.status[program], after.status[program])
        np.testing.assert_array_equal(before.benefit[program], after.benefit[program])
    assert back.member_ids == population.member_ids


@pytest.mark.parametrize(
    ("column", "values", "reason"),
    [
        ("province", ["Ontario", "Ontario"], "'Ontario' is not one of AB"),
        ("role", ["boss", "child"], "'boss' is not one of applicant"),
        ("favourite_colour", ["red", "blue"], "names no stated fact"),
        ("age", [30, 2], "names no stated fact"),
        ("net_income", [1.0, 2.0], "<fact>:<year>"),
        ("household", [1, 0], "ordered by household"),
    ],
)
def test_bad_columns_are_named(column: str, values: list[Any], reason: str) -> None:
    columns = to_columns(_population(FAMILY), FACTS)
    columns[column] = np.array(values)
    with pytest.raises(InputError) as caught:
        from_columns(columns, FACTS, AS_OF)
    assert caught.value.path == column
    assert reason in caught.value.reason
