"""Date arithmetic of life events: deadlines, follow-ups, birthdays and anniversaries."""

from __future__ import annotations

import calendar
import datetime as dt

__all__ = ["add_months"]


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus whole months (the last day of a shorter month when it has no such day).

    Examples:
        >>> add_months(dt.date(2026, 1, 31), 1), add_months(dt.date(2026, 3, 1), 11)
        (datetime.date(2026, 2, 28), datetime.date(2027, 2, 1))
    """
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
