"""Budget years follow the calendar in Bayannur's time zone, not UTC."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Shanghai")


def budget_year(at: datetime) -> int:
    return at.astimezone(LOCAL_TZ).year
