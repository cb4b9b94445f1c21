"""Money, dates and instants written for the page's language, with Babel's CLDR data
(``en_CA``, ``fr_CA``): ``$7,997.00`` / ``7 997,00 $``, ``January 15, 2026`` /
``15 janvier 2026``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from babel.dates import format_date
from babel.numbers import format_currency

__all__ = ["LOCALES", "day", "instant", "money"]

LOCALES = {"en": "en_CA", "fr": "fr_CA"}


def money(value: float, lang: str) -> str:
    """An amount in Canadian dollars, to the cent.

    Examples:
        >>> money(7997, "en"), money(1234.5, "fr") == "1\\u00a0234,50\\u00a0$"
        ('$7,997.00', True)
    """
    return str(format_currency(value, "CAD", locale=LOCALES[lang]))


def day(value: dt.date | str | None, lang: str) -> str:
    """A date written out (an ISO string is read first; None is empty).

    Examples:
        >>> day(dt.date(2026, 1, 15), "en"), day("2026-01-15", "fr")
        ('January 15, 2026', '15 janvier 2026')
    """
    if value is None:
        return ""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return str(format_date(value, format="long", locale=LOCALES[lang]))


def instant(value: Any, lang: str) -> str:
    """An ISO 8601 instant from the store, as its date (the page shows days, not seconds)."""
    if not value:
        return ""
    return day(dt.datetime.fromisoformat(str(value)).date(), lang)
