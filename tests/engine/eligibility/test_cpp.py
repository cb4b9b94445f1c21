"""The Canada Pension Plan files obey the statute's stated rules (Canada Pension Plan, ss. 44, 46,
56, 58): later starts never pay less, the adjustment stays between -36% and +42%, the survivor's
pension is 60% of the contributor's from 65, the disability benefit never exceeds its maximum, and
no CPP benefit is paid to a household in Québec (the Québec Pension Plan covers it)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from kit import ENGINE, household, person

from engine.eligibility.result import ProgramResult

CPP_PROGRAMS = (
    "ca_cpp_retirement",
    "ca_cpp_survivor",
    "ca_cpp_death_benefit",
    "ca_cpp_children",
    "ca_cpp_disability",
)
#: 2026 figures of ESDC's "Maximum Benefit Amounts and Related Figures - CPP (2026)", Table 1
MAX_AT_65_2026 = 1507.65
DISABILITY_MAX_2026 = 1741.20
#: a pension at 65 in cents, from $0.01 to the 2026 maximum
PENSION = st.integers(min_value=1, max_value=150765).map(lambda cents: cents / 100)
START = st.integers(min_value=720, max_value=1440)


def _result(data: dict[str, Any], program: str) -> ProgramResult:
    return next(r for r in ENGINE.check(data).results if r.program == program)


def _retirement(pension: float, start: int, province: str = "ON") -> ProgramResult:
    member = person(
        "ada",
        "applicant",
        "1958-06-15",
        cpp_pension_at_65=pension,
        cpp_retirement_start_age_months=start,
    )
    return _result(household(province, member, as_of="2026-11-15"), "ca_cpp_retirement")


def _cents(x: Decimal) -> Decimal:
    """Money to the cent, half away from zero (the rule files' round)."""
    return x.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _yearly(monthly: Decimal) -> float:
    return float(_cents(monthly) * 12)


def _annual(r: ProgramResult) -> float:
    assert r.status == "eligible" and r.amount is not None
    return r.amount.annual


@settings(max_examples=30, deadline=None)
@given(PENSION, START, START)
def test_a_later_start_of_the_cpp_retirement_pension_never_pays_less(
    pension: float, a: int, b: int
) -> None:
    early, late = sorted((a, b))
    assert _annual(_retirement(pension, early)) <= _annual(_retirement(pension, late))


@settings(max_examples=30, deadline=None)
@given(PENSION, START)
def test_the_cpp_retirement_pension_is_at_least_64_and_at_most_142_percent_of_the_pension_at_65(
    pension: float, start: int
) -> None:
    at_65 = Decimal(str(pension))
    lowest, highest = _yearly(at_65 * Decimal("0.64")), _yearly(at_65 * Decimal("1.42"))
    assert lowest <= _annual(_retirement(pension, start)) <= highest


def test_a_pension_started_in_the_month_after_the_65th_birthday_is_not_adjusted() -> None:
    assert _annual(_retirement(1234.56, 780)) == 1234.56 * 12


def _survivor(born: str, pension: float) -> ProgramResult:
    member = person(
        "bea",
        "applicant",
        born,
        marital_status="widowed",
        late_spouse_cpp_contributor=True,
        late_spouse_date_of_death="2025-06-01",
        late_spouse_cpp_pension_at_65=pension,
        receives_own_cpp_pension=False,
    )
    return _result(household("ON", member, as_of="2026-11-15"), "ca_cpp_survivor")


@settings(max_examples=30, deadline=None)
@given(PENSION)
def test_a_survivor_aged_65_or_more_gets_60_percent_of_the_contributors_pension(
    pension: float,
) -> None:
    expected = _yearly(Decimal("0.6") * Decimal(str(pension)))
    assert _annual(_survivor("1950-01-01", pension)) == expected


@settings(max_examples=30, deadline=None)
@given(PENSION)
def test_a_survivor_under_65_gets_the_flat_rate_plus_37_5_percent(pension: float) -> None:
    exact = Decimal("238.17") + Decimal("0.375") * Decimal(str(pension))
    expected = _yearly(exact)
    assert _annual(_survivor("1970-01-01", pension)) == expected


@settings(max_examples=30, deadline=None)
@given(st.integers(min_value=0, max_value=500000).map(lambda cents: cents / 100))
def test_the_cpp_disability_benefit_never_exceeds_the_years_maximum(pension: float) -> None:
    member = person(
        "cy",
        "applicant",
        "1975-03-03",
        cpp_severe_prolonged_disability=True,
        cpp_contribution_years=20,
        cpp_contribution_years_last_6=6,
        cpp_pension_at_65=pension,
    )
    r = _result(household("ON", member, as_of="2026-11-15"), "ca_cpp_disability")
    assert 610.46 * 12 - 0.005 <= _annual(r) <= DISABILITY_MAX_2026 * 12 + 0.005


def test_a_household_in_quebec_gets_no_cpp_benefit_because_the_qpp_covers_it() -> None:
    adult = person(
        "dee",
        "applicant",
        "1962-02-02",
        marital_status="widowed",
        cpp_pension_at_65=1000,
        cpp_retirement_start_age_months=780,
        cpp_severe_prolonged_disability=True,
        cpp_contribution_years=30,
        cpp_contribution_years_last_6=6,
        late_spouse_cpp_contributor=True,
        late_spouse_date_of_death="2025-06-01",
        late_spouse_cpp_pension_at_65=1000,
        receives_own_cpp_pension=False,
    )
    child = person("eli", "child", "2015-05-05")
    for province, expected in (("QC", "ineligible"), ("ON", "eligible")):
        data = household(province, adult, child, as_of="2026-11-15")
        statuses = {r.program: r.status for r in ENGINE.check(data).results}
        assert {p: statuses[p] for p in CPP_PROGRAMS} == dict.fromkeys(CPP_PROGRAMS, expected)


def test_a_survivors_pension_of_exactly_half_a_cent_is_rounded_up() -> None:
    # 238.17 + 0.375 x 4.20 = 239.745 exactly: half away from zero gives 239.75 a month
    assert _annual(_survivor("1970-01-01", 4.20)) == 239.75 * 12
