"""The review deadline (Art. 14(3)): the end (18:00 Asia/Shanghai) of the duty day on which review is
expected, and the one-comparison form the queue selects overdue requests with."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.duty_hours import REVIEW_ZONE, overdue_before, review_due_by


def sh(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=REVIEW_ZONE)


@pytest.mark.parametrize(
    ("submitted", "due"),
    [
        # Morning, before duty: reviewed from 09:00, due the same evening.
        (sh(2026, 12, 2, 7, 30), sh(2026, 12, 2, 18)),
        # On duty, and in the lunch break: still that day.
        (sh(2026, 12, 2, 10), sh(2026, 12, 2, 18)),
        (sh(2026, 12, 2, 13), sh(2026, 12, 2, 18)),
        (sh(2026, 12, 2, 17, 59), sh(2026, 12, 2, 18)),
        # Evening: 18:00 is already off duty; reviewed, and due, the next day.
        (sh(2026, 12, 2, 18), sh(2026, 12, 3, 18)),
        (sh(2026, 12, 2, 21), sh(2026, 12, 3, 18)),
        # Night, after midnight: that (new) day.
        (sh(2026, 12, 3, 2), sh(2026, 12, 3, 18)),
        # Weekends are duty days too (Art. 14(3): every day): Saturday evening is due on Sunday.
        (sh(2026, 12, 5, 19), sh(2026, 12, 6, 18)),
        (sh(2026, 12, 6, 11), sh(2026, 12, 6, 18)),
    ],
)
def test_a_request_is_due_at_the_end_of_its_review_day(submitted: datetime, due: datetime) -> None:
    assert review_due_by(submitted) == due
    assert review_due_by(submitted.astimezone(UTC)) == due  # the zone given is the zone answered
    assert review_due_by(submitted.astimezone(UTC)).tzinfo is UTC


@pytest.mark.parametrize(
    ("now", "cutoff"),
    [
        (sh(2026, 12, 2, 18), sh(2026, 12, 2, 18)),  # the day just ended
        (sh(2026, 12, 2, 23), sh(2026, 12, 2, 18)),
        (sh(2026, 12, 3, 8), sh(2026, 12, 2, 18)),
        (sh(2026, 12, 3, 17, 59), sh(2026, 12, 2, 18)),
    ],
)
def test_overdue_before_is_the_last_day_end(now: datetime, cutoff: datetime) -> None:
    assert overdue_before(now) == cutoff


instants = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2028, 1, 1), timezones=st.just(UTC)
)


@given(submitted=instants, waited=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=3)))
def test_the_queue_comparison_is_the_deadline_rule(submitted: datetime, waited: timedelta) -> None:
    now = submitted + waited
    assert (review_due_by(submitted) <= now) == (submitted < overdue_before(now))
    # And the deadline is the first 18:00 after submission: never later than a day and a bit.
    assert submitted < review_due_by(submitted) <= submitted + timedelta(days=1)
