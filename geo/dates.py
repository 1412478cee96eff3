"""Calendar arithmetic shared by the core."""

from __future__ import annotations

import datetime as dt

DAYS_PER_MONTH = 30.44
"""The mean length of a Gregorian month, in days."""


def months_before(day: dt.date, months: int) -> dt.date:
    """The day ``months`` average months before ``day`` (a verification or a retention period)."""
    return day - dt.timedelta(days=round(months * DAYS_PER_MONTH))
