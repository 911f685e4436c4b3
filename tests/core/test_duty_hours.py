from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.duty_hours import (
    DAILY_DUTY,
    REVIEW_ZONE,
    duty_seconds_between,
    expected_review_at,
    is_on_duty,
    review_deadline,
)

HOUR = 3600


def sh(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=REVIEW_ZONE)


@pytest.mark.parametrize(
    ("hour", "minute", "on_duty"),
    [
        (0, 0, False),
        (8, 59, False),
        (9, 0, True),
        (11, 59, True),
        (12, 0, False),
        (14, 59, False),
        (15, 0, True),
        (17, 59, True),
        (18, 0, False),
        (23, 59, False),
    ],
)
def test_duty_windows_are_half_open(hour: int, minute: int, on_duty: bool) -> None:
    assert is_on_duty(sh(2024, 6, 15, hour, minute)) is on_duty


def test_last_microsecond_before_noon_is_on_duty() -> None:
    assert is_on_duty(sh(2024, 6, 15, 12) - timedelta(microseconds=1))


def test_weekends_and_holidays_are_duty_days() -> None:
    saturday, national_day = sh(2024, 6, 15, 10), sh(2024, 10, 1, 16)
    assert saturday.weekday() == 5
    assert is_on_duty(saturday) and is_on_duty(national_day)


@pytest.mark.parametrize(
    ("submitted", "expected"),
    [
        (sh(2024, 6, 15, 0, 0), sh(2024, 6, 15, 9)),
        (sh(2024, 6, 15, 8, 59), sh(2024, 6, 15, 9)),
        (sh(2024, 6, 15, 9, 0), sh(2024, 6, 15, 9, 0)),
        (sh(2024, 6, 15, 11, 59), sh(2024, 6, 15, 11, 59)),
        (sh(2024, 6, 15, 12, 0), sh(2024, 6, 15, 15)),
        (sh(2024, 6, 15, 14, 59), sh(2024, 6, 15, 15)),
        (sh(2024, 6, 15, 15, 0), sh(2024, 6, 15, 15, 0)),
        (sh(2024, 6, 15, 17, 59), sh(2024, 6, 15, 17, 59)),
        (sh(2024, 6, 15, 18, 0), sh(2024, 6, 16, 9)),
        (sh(2024, 6, 15, 23, 59), sh(2024, 6, 16, 9)),
        (sh(2024, 1, 31, 18, 30), sh(2024, 2, 1, 9)),
        (sh(2023, 2, 28, 19), sh(2023, 3, 1, 9)),
        (sh(2024, 2, 28, 19), sh(2024, 2, 29, 9)),
        (sh(2024, 2, 29, 19), sh(2024, 3, 1, 9)),
        (sh(2024, 12, 31, 20), sh(2025, 1, 1, 9)),
    ],
)
def test_expected_review_at(submitted: datetime, expected: datetime) -> None:
    assert expected_review_at(submitted) == expected


def test_utc_input_is_judged_in_shanghai_time_and_answered_in_utc() -> None:
    # 10:30 UTC is 18:30 in Shanghai: after hours, so 09:00 Shanghai next day = 01:00 UTC.
    submitted = datetime(2024, 12, 31, 10, 30, tzinfo=UTC)
    assert not is_on_duty(submitted)
    answer = expected_review_at(submitted)
    assert answer == datetime(2025, 1, 1, 1, 0, tzinfo=UTC)
    assert answer.tzinfo is UTC


def test_other_zones_are_converted() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    # 03:00 in Berlin in summer (UTC+2) is 09:00 in Shanghai (UTC+8).
    assert is_on_duty(datetime(2024, 7, 1, 3, 0, tzinfo=berlin))
    assert not is_on_duty(datetime(2024, 7, 1, 2, 59, tzinfo=berlin))
    fixed = timezone(timedelta(hours=-5))
    assert is_on_duty(datetime(2024, 7, 1, 2, 0, tzinfo=fixed))  # 15:00 Shanghai


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        is_on_duty(datetime(2024, 6, 15, 10))


@pytest.mark.parametrize(
    ("start", "end", "seconds"),
    [
        (sh(2024, 6, 15, 9), sh(2024, 6, 15, 12), 3 * HOUR),
        (sh(2024, 6, 15, 10), sh(2024, 6, 15, 16), 3 * HOUR),
        (sh(2024, 6, 15, 12), sh(2024, 6, 15, 15), 0),
        (sh(2024, 6, 15, 11, 59), sh(2024, 6, 15, 15, 1), 120),
        (sh(2024, 6, 15, 17, 59), sh(2024, 6, 16, 9, 1), 120),
        (sh(2024, 6, 15, 0), sh(2024, 6, 16, 0), 6 * HOUR),
        (sh(2024, 1, 31, 17), sh(2024, 2, 1, 10), 2 * HOUR),
        (sh(2024, 2, 28, 17), sh(2024, 3, 1, 10), 1 * HOUR + 6 * HOUR + 1 * HOUR),
        (sh(2023, 2, 28, 17), sh(2023, 3, 1, 10), 2 * HOUR),
        (sh(2024, 12, 31, 17, 30), sh(2025, 1, 1, 9, 30), HOUR),
        (sh(2024, 1, 1), sh(2025, 1, 1), 366 * 6 * HOUR),
    ],
)
def test_duty_seconds_between(start: datetime, end: datetime, seconds: int) -> None:
    assert duty_seconds_between(start, end) == seconds


def test_duty_seconds_are_zero_when_end_is_not_after_start() -> None:
    assert duty_seconds_between(sh(2024, 6, 15, 11), sh(2024, 6, 15, 10)) == 0
    assert duty_seconds_between(sh(2024, 6, 15, 11), sh(2024, 6, 15, 11)) == 0


def test_duty_seconds_across_zones() -> None:
    start = datetime(2024, 6, 15, 1, 0, tzinfo=UTC)  # 09:00 Shanghai
    end = datetime(2024, 6, 15, 17, 0, tzinfo=ZoneInfo("Asia/Tokyo"))  # 16:00 Shanghai
    assert duty_seconds_between(start, end) == 4 * HOUR


@pytest.mark.parametrize(
    ("submitted", "hours", "deadline"),
    [
        (sh(2024, 6, 15, 9), 3, sh(2024, 6, 15, 12)),
        (sh(2024, 6, 15, 9), 4, sh(2024, 6, 15, 16)),
        (sh(2024, 6, 15, 9), 6, sh(2024, 6, 15, 18)),
        (sh(2024, 6, 15, 9), 9, sh(2024, 6, 16, 12)),
        (sh(2024, 6, 15, 19), 1, sh(2024, 6, 16, 10)),
        (sh(2024, 6, 15, 13), 0.5, sh(2024, 6, 15, 15, 30)),
        (sh(2024, 12, 31, 17), 2, sh(2025, 1, 1, 10)),
    ],
)
def test_review_deadline(submitted: datetime, hours: float, deadline: datetime) -> None:
    assert review_deadline(submitted, duty_hours=hours) == deadline


def test_review_deadline_needs_positive_hours() -> None:
    with pytest.raises(ValueError, match="positive"):
        review_deadline(sh(2024, 6, 15, 9), duty_hours=0)


def test_daily_duty_is_six_hours() -> None:
    assert timedelta(hours=6) == DAILY_DUTY


# Whole seconds keep the additivity exact; years after 1991 keep Shanghai free of daylight saving.
instants = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
).map(lambda d: d.replace(microsecond=0))
zones = st.sampled_from(
    [UTC, REVIEW_ZONE, ZoneInfo("America/New_York"), timezone(timedelta(hours=5, minutes=30))]
)


@given(st.lists(instants, min_size=3, max_size=3).map(sorted))
def test_duty_seconds_are_additive_over_a_split_point(points: list[datetime]) -> None:
    start, middle, end = points
    assert duty_seconds_between(start, end) == (
        duty_seconds_between(start, middle) + duty_seconds_between(middle, end)
    )


@given(instants, instants)
def test_duty_seconds_never_exceed_wall_seconds(a: datetime, b: datetime) -> None:
    start, end = sorted((a, b))
    assert 0 <= duty_seconds_between(start, end) <= (end - start).total_seconds()


@given(instants, zones)
def test_expected_review_is_not_before_submission_and_on_duty(submitted: datetime, zone: tzinfo) -> None:
    local = submitted.astimezone(zone)
    review = expected_review_at(local)
    assert review >= local
    assert is_on_duty(review)
    assert review.tzinfo is local.tzinfo
    assert duty_seconds_between(local, review) == 0


@given(instants, st.integers(min_value=1, max_value=24 * 60))
def test_review_deadline_is_inverse_of_duty_seconds(submitted: datetime, minutes: int) -> None:
    deadline = review_deadline(submitted, duty_hours=minutes / 60)
    assert duty_seconds_between(submitted, deadline) == minutes * 60
    assert duty_seconds_between(submitted, deadline - timedelta(seconds=1)) == minutes * 60 - 1
