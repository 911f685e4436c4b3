"""Budget years follow the calendar in Bayannur's time zone, not UTC."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Shanghai")


def budget_year(at: datetime) -> int:
    return at.astimezone(LOCAL_TZ).year


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """The budget year as a half-open interval of aware datetimes."""
    return datetime(year, 1, 1, tzinfo=LOCAL_TZ), datetime(year + 1, 1, 1, tzinfo=LOCAL_TZ)
