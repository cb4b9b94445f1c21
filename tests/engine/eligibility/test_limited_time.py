"""Benefits paid for some weeks, and programs that start on a date: both are data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kit import household, person

from engine import Engine

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "rules"
ENGINE = Engine.load(FIXTURES / "limited_time")


def _weekly(as_of: str, **facts: Any) -> Any:
    data = household(None, person("ana", "applicant", **facts), as_of=as_of)
    return next(r for r in ENGINE.check(data).results if r.program == "xx_weekly")


def test_a_benefit_paid_for_15_weeks_gives_the_weekly_rate_the_weeks_and_the_total() -> None:
    result = _weekly("2026-01-15", employment_income=52000)
    # 55% of 52,000 / 52 = 550.00 a week, for 15 weeks: 8,250.00 in total, all within a year
    assert result.status == "eligible" and result.amount is not None
    assert (result.amount.weekly, result.amount.weeks, result.amount.total) == (550.0, 15, 8250.0)
    assert result.amount.annual == 8250.0


def test_a_program_asked_about_before_it_starts_says_so_with_its_date() -> None:
    result = _weekly("2025-06-30", employment_income=52000)
    assert result.status == "ineligible" and result.amount is None
    first = result.criteria[0]
    assert first.id == "is_in_force" and first.status == "false"
    assert "starts on 2025-07-01" in first.explain.en and "2025-07-01" in first.explain.fr
    # a day later it is in force
    assert _weekly("2025-07-01", employment_income=52000).status == "eligible"
