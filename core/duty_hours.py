"""The back office's duty-hours calendar (Art. 14(3)).

Reviewers are on duty 09:00–12:00 and 15:00–18:00 Asia/Shanghai every day, weekends and holidays
included; an invitation sent after 18:00 is reviewed the next day. Windows are half-open, so 12:00 and
18:00 are already off duty.

Every function takes aware datetimes in any zone and answers in the zone it was given. Durations are
measured on a "duty clock" that runs only inside the windows: duty time elapsed since 0001-01-01 local,
in microseconds. Differences of that clock are duty durations, which makes them exactly additive.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from core.budget import LOCAL_TZ

REVIEW_ZONE = LOCAL_TZ


@dataclass(frozen=True)
class DutyWindow:
    start: time
    end: time

    @property
    def length(self) -> timedelta:
        return _since_midnight(self.end) - _since_midnight(self.start)


DUTY_WINDOWS: tuple[DutyWindow, ...] = (
    DutyWindow(time(9), time(12)),
    DutyWindow(time(15), time(18)),
)

_MICROSECOND = timedelta(microseconds=1)


def _since_midnight(t: time) -> timedelta:
    return timedelta(hours=t.hour, minutes=t.minute, seconds=t.second, microseconds=t.microsecond)


DAILY_DUTY = sum((w.length for w in DUTY_WINDOWS), timedelta())


def _local(at: datetime) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("naive datetime refused: pass an aware datetime")
    return at.astimezone(REVIEW_ZONE)


def _window_start(day: date, window: DutyWindow) -> datetime:
    return datetime.combine(day, window.start, tzinfo=REVIEW_ZONE)


def is_on_duty(at: datetime) -> bool:
    wall = _local(at).time()
    return any(w.start <= wall < w.end for w in DUTY_WINDOWS)


def expected_review_at(submitted_at: datetime) -> datetime:
    """When a reviewer will look: now if on duty, else the start of the next duty window."""
    if is_on_duty(submitted_at):
        return submitted_at
    local = _local(submitted_at)
    wall = local.time()
    later_today = [w for w in DUTY_WINDOWS if wall < w.start]
    if later_today:
        start = _window_start(local.date(), later_today[0])
    else:
        start = _window_start(local.date() + timedelta(days=1), DUTY_WINDOWS[0])
    return start.astimezone(submitted_at.tzinfo)


# Each window as (start, length) in microseconds since midnight: the review queue reads the duty clock
# twice for every request it lists, so the windows are not worked out again each time.
_SPANS_US = tuple((_since_midnight(w.start) // _MICROSECOND, w.length // _MICROSECOND) for w in DUTY_WINDOWS)
_DAILY_DUTY_US = DAILY_DUTY // _MICROSECOND


def duty_clock(at: datetime) -> int:
    """The duty clock at `at`: duty time since 0001-01-01 local, in microseconds. The difference of
    two readings is the duty time between them (what `duty_seconds_between` answers in seconds)."""
    local = _local(at)
    wall = local.time()
    elapsed_us = ((wall.hour * 60 + wall.minute) * 60 + wall.second) * 1_000_000 + wall.microsecond
    on_duty_us = sum(min(max(elapsed_us - start, 0), length) for start, length in _SPANS_US)
    return local.date().toordinal() * _DAILY_DUTY_US + on_duty_us


def duty_seconds_between(start: datetime, end: datetime) -> int:
    """Whole seconds of duty time in [start, end); 0 when end is not after start."""
    micros = duty_clock(end) - duty_clock(start)
    return max(micros, 0) // 1_000_000


def review_deadline(submitted_at: datetime, *, duty_hours: float) -> datetime:
    """The first instant by which `duty_hours` of duty time have passed since `submitted_at`."""
    if duty_hours <= 0:
        raise ValueError("duty_hours must be positive")
    target = duty_clock(submitted_at) + timedelta(hours=duty_hours) // _MICROSECOND
    ordinal, remainder = divmod(target, DAILY_DUTY // _MICROSECOND)
    if remainder == 0:
        # Reaching a day boundary on the duty clock means the previous day's last window just ended.
        ordinal, remainder = ordinal - 1, DAILY_DUTY // _MICROSECOND
    day = date.fromordinal(ordinal)
    for window in DUTY_WINDOWS:
        length = window.length // _MICROSECOND
        if remainder <= length:
            deadline = _window_start(day, window) + remainder * _MICROSECOND
            return deadline.astimezone(submitted_at.tzinfo)
        remainder -= length
    raise AssertionError("remainder exceeds a day of duty")  # pragma: no cover


def end_of_duty_day(at: datetime) -> datetime:
    """The end of the last duty window on `at`'s local day (18:00 Asia/Shanghai)."""
    local = _local(at)
    return datetime.combine(local.date(), DUTY_WINDOWS[-1].end, tzinfo=REVIEW_ZONE).astimezone(at.tzinfo)


def review_due_by(submitted_at: datetime) -> datetime:
    """The review deadline of a request (Art. 14(3)): the end of the duty day on which its review is
    expected, i.e. 18:00 local on the day of `expected_review_at(submitted_at)`.

    Why the end of that day and not "N duty hours": Art. 14(3) promises review on the expected day
    (a request sent after 18:00 is reviewed the next day), not within a count of hours; reviewers
    take a day's queue in order, so a request is late only once the day it was due has ended with
    it still waiting. Every day has duty hours, so a Saturday evening's request is due on Sunday at
    18:00. Equivalently: the first 18:00 strictly after submission (`overdue_before` relies on it).
    """
    return end_of_duty_day(expected_review_at(submitted_at))


def overdue_before(now: datetime) -> datetime:
    """The instant such that a request submitted before it is past `review_due_by` at `now`: the
    latest end of a duty day at or before `now`. Since `review_due_by(s)` is the first day end after
    s, `review_due_by(s) <= now` exactly when s precedes that instant, which lets the queue select
    overdue requests with one comparison on `submitted_at` (its index) instead of a per-row rule."""
    today_end = end_of_duty_day(now)
    if today_end <= now:
        return today_end
    return end_of_duty_day(_local(now) - timedelta(days=1)).astimezone(now.tzinfo)
