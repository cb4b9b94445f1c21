"""OpenFisca periods and the rule language's built-in dates, each worked out once.

Parsing a period's text and rebuilding an instant's date cost tens of microseconds, and a run
asks for the same ones thousands of times: both are cached here.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from openfisca_core import periods

from engine.kleene import to_days

__all__ = ["day", "period_of"]


@lru_cache(maxsize=4096)
def period_of(text: str) -> Any:
    """An OpenFisca period from its text, parsed once (parsing costs tens of microseconds)."""
    return periods.period(text)


@lru_cache(maxsize=1024)
def day(instant: Any, name: str) -> float:
    """A built-in date of a period's first day as days since 1970 (OpenFisca's ``date`` of an
    instant is rebuilt on every read, and a population run asks thousands of times)."""
    on = instant.date
    if name == "month_start":
        return to_days(on.replace(day=1))
    if name == "year_start":
        return to_days(on.replace(month=1, day=1))
    if name == "year_end":
        return to_days(on.replace(month=12, day=31))
    return to_days(on)
