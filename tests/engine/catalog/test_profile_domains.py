"""Input the law does not allow is refused when the profile is parsed, naming the JSON path and
the reason in English and French; every limit comes from the fact registry (rules/facts.yaml)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from kit import ENGINE, FACTS

from engine.catalog.facts import FactSpec
from engine.errors import InputError

AS_OF = "2026-01-15"


def _profile(household: dict[str, Any] | None = None, **member: Any) -> dict[str, Any]:
    people = [{"id": "maria", "role": "applicant", **member}]
    return {"as_of": AS_OF, "household": {"members": people, **(household or {})}}


def _refused(data: dict[str, Any]) -> InputError:
    with pytest.raises(InputError) as caught:
        ENGINE.parse(data)
    return caught.value


def test_a_negative_net_income_is_refused_as_below_the_registrys_minimum() -> None:
    # line 23600 is never below zero (a negative result is entered as 0)
    error = _refused(_profile(net_income=-1))
    assert error.path == "household/members/0/net_income"
    assert (error.reason, error.reason_fr) == ("must be at least 0", "doit être d'au moins 0")


def test_a_negative_income_for_one_tax_year_is_refused_naming_the_year() -> None:
    error = _refused(_profile(net_income={"2024": 31000, "2025": -5}))
    assert error.path == "household/members/0/net_income/2025"
    assert error.reason == "must be at least 0"


@pytest.mark.parametrize("value", [True, False], ids=["true", "false"])
def test_a_json_boolean_as_an_income_is_not_a_number(value: bool) -> None:
    error = _refused(_profile(net_income=value))
    assert (error.path, error.reason, error.reason_fr) == (
        "household/members/0/net_income",
        "not a number",
        "pas un nombre",
    )


@pytest.mark.parametrize("value", ["35000", {"2024": "35000"}], ids=["plain", "by-year"])
def test_an_income_written_as_a_numeric_string_is_not_a_number(value: Any) -> None:
    error = _refused(_profile(net_income=value))
    assert error.path.startswith("household/members/0/net_income")
    assert error.reason == "not a number"


@pytest.mark.parametrize("value", ["true", 1, "yes"])
def test_a_yes_or_no_fact_takes_only_json_true_or_false(value: Any) -> None:
    error = _refused(_profile(has_disability=value))
    assert (error.path, error.reason) == ("household/members/0/has_disability", "not true or false")


@pytest.mark.parametrize("value", [0, 19910502, "1991-05-02T00:00:00", "02/05/1991"])
def test_a_date_is_a_text_written_year_month_day_and_nothing_else(value: Any) -> None:
    error = _refused(_profile(date_of_birth=value))
    assert error.path == "household/members/0/date_of_birth"
    assert error.reason == "not a date (expected YYYY-MM-DD)"
    assert error.reason_fr == "pas une date (format attendu AAAA-MM-JJ)"


def test_a_birth_date_after_as_of_is_refused() -> None:
    error = _refused(_profile(date_of_birth="2026-01-16"))
    assert error.path == "household/members/0/date_of_birth"
    assert error.reason == "must not be after as_of (2026-01-15)"
    assert error.reason_fr == "ne doit pas être postérieure à as_of (2026-01-15)"


def test_a_birth_date_more_than_120_years_before_as_of_is_refused() -> None:
    error = _refused(_profile(date_of_birth="1906-01-14"))
    assert error.path == "household/members/0/date_of_birth"
    assert error.reason == "must not be more than 120 years before as_of (2026-01-15)"


def test_a_birth_date_is_checked_against_the_as_of_that_overrides_the_profiles() -> None:
    with pytest.raises(InputError) as caught:
        ENGINE.parse(_profile(date_of_birth="2025-06-01"), as_of=dt.date(2025, 1, 1))
    assert caught.value.reason == "must not be after as_of (2025-01-01)"


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


@settings(max_examples=200, deadline=None)
@given(
    as_of=st.dates(dt.date(2024, 7, 1), dt.date(2030, 12, 31)),
    born=st.dates(dt.date(1890, 1, 1), dt.date(2031, 12, 31)),
)
def test_a_birth_date_is_accepted_exactly_when_it_lies_between_120_years_before_as_of_and_as_of(
    as_of: dt.date, born: dt.date
) -> None:
    domain = FACTS["date_of_birth"].domain
    assert domain is not None and domain.max_years_before_as_of is not None
    earliest = _years_before(as_of, domain.max_years_before_as_of)
    data = _profile(date_of_birth=born.isoformat()) | {"as_of": as_of.isoformat()}
    allowed = earliest <= born <= as_of
    try:
        ENGINE.parse(data)
    except InputError as error:
        assert not allowed and error.path == "household/members/0/date_of_birth"
        return
    assert allowed


def _municipalities() -> list[tuple[str, str]]:
    spec = FACTS["municipality"].spec
    assert isinstance(spec, FactSpec) and spec.values
    return [(name, value.province) for name, value in spec.values.items() if value.province]


@pytest.mark.parametrize(("municipality", "province"), _municipalities())
def test_a_municipality_is_accepted_in_its_own_province_and_refused_in_any_other(
    municipality: str, province: str
) -> None:
    ENGINE.parse(_profile({"province": province, "municipality": municipality}))
    other = next(p for p in FACTS["province"].values if p != province)
    error = _refused(_profile({"province": other, "municipality": municipality}))
    assert error.path == "household/municipality"
    assert error.reason == f"{municipality!r} is in {province}, but household/province is {other!r}"
    assert error.reason_fr is not None and f"se trouve en {province}" in error.reason_fr


@pytest.mark.parametrize(("municipality", "province"), _municipalities())
def test_a_municipality_without_a_province_states_the_province_it_lies_in(
    municipality: str, province: str
) -> None:
    parsed = ENGINE.parse(_profile({"municipality": municipality}))
    assert parsed.household.province == province


def test_a_household_with_neither_province_nor_municipality_keeps_both_unknown() -> None:
    household = ENGINE.parse(_profile()).household
    assert household.province is None and household.municipality is None


@pytest.mark.parametrize("member_id", ["a/b", "maria lopez", "tab\there", "nul\x00", " "])
def test_a_member_id_that_would_break_the_members_id_fact_paths_is_refused(member_id: str) -> None:
    error = _refused(_profile(id=member_id))
    assert error.path == "household/members/0/id"
    assert error.reason.startswith("must not contain '/', spaces or control characters")


@pytest.mark.parametrize("member_id", ["maria", "Éloïse", "p-1", "child.2", "x" * 64])
def test_a_member_id_of_letters_digits_and_signs_is_accepted(member_id: str) -> None:
    assert ENGINE.parse(_profile(id=member_id)).household.members[0].id == member_id


def test_a_member_id_longer_than_64_characters_is_refused() -> None:
    error = _refused(_profile(id="x" * 65))
    assert (error.reason, error.reason_fr) == (
        "must be at most 64 characters",
        "doit compter au plus 64 caractères",
    )


_NUMBERS = [f.name for f in FACTS.stated if f.type in ("number", "money")]


@pytest.mark.parametrize("fact", _NUMBERS)
def test_every_number_fact_refuses_1e308_and_minus_1e308_naming_the_registrys_bound(
    fact: str,
) -> None:
    domain = FACTS[fact].domain
    assert domain is not None and domain.min is not None and domain.max is not None, fact
    if FACTS[fact].entity == "household":
        high = _refused(_profile({fact: 1e308}))
        low = _refused(_profile({fact: -1e308}))
        where = f"household/{fact}"
    else:
        high = _refused(_profile(**{fact: 1e308}))
        low = _refused(_profile(**{fact: -1e308}))
        where = f"household/members/0/{fact}"
    assert high.path == low.path == where
    assert high.reason == f"must be at most {domain.max:,.0f}"
    assert low.reason == f"must be at least {domain.min:,.0f}"


def test_an_integer_past_the_float_range_is_not_a_finite_number() -> None:
    error = _refused(_profile(net_income=10**400))
    assert (error.reason, error.reason_fr) == ("not a finite number", "pas un nombre fini")


def test_a_tax_year_key_that_is_not_four_digits_is_refused_naming_the_key() -> None:
    error = _refused(_profile(net_income={"24": 1000}))
    assert error.path == "household/members/0/net_income/24"
    assert error.reason == "not a tax year (expected four digits, e.g. 2024)"


@pytest.mark.parametrize(
    ("data", "path", "english", "french"),
    [
        (_profile(custody="half"), "household/members/0/custody", "must be one of", "doit être"),
        (_profile(has_pet=True), "household/members/0/has_pet", "unknown field", "champ inconnu"),
        (
            {"as_of": AS_OF, "household": {"members": []}},
            "household/members",
            "must not be empty",
            "ne doit pas être vide",
        ),
        (
            {"as_of": AS_OF, "household": {"members": [{"id": "a", "role": "spouse"}]}},
            "household/members",
            "exactly one member must have role 'applicant'",
            "un seul membre doit avoir le rôle 'applicant'",
        ),
        ({"as_of": AS_OF}, "household", "required", "obligatoire"),
        ([], "", "the profile must be a JSON object", "le profil doit être un objet JSON"),
    ],
)
def test_every_input_error_reason_is_also_given_in_french_with_the_same_path(
    data: Any, path: str, english: str, french: str
) -> None:
    error = _refused(data)
    assert error.path == path
    assert error.reason.startswith(english) and error.message("en").endswith(error.reason)
    assert error.reason_fr is not None and error.reason_fr.startswith(french)
    assert error.message("fr") == (f"{path}: " if path else "") + error.reason_fr
