"""Yuan typed into a console form, read as integer fen exactly: no float, no third decimal."""

from __future__ import annotations

import pytest

from admin_api.console.forms import fen_of


@pytest.mark.parametrize(
    ("typed", "fen"),
    [
        ("600", 60_000),
        ("0.01", 1),
        ("12.5", 1_250),
        ("12.50", 1_250),
        (" ¥1,234.56 ", 123_456),
        ("￥0.29", 29),  # 0.29 * 100 is 28.999999999999996 as a float
        ("1.005", None),
        ("12.", None),
        ("1e3", None),
        ("", None),
        ("-20", None),  # a batch or a fee is never negative
        ("十元", None),
    ],
)
def test_yuan_reads_as_exact_fen(typed: str, fen: int | None) -> None:
    assert fen_of(typed) == fen


def test_a_correction_may_be_negative() -> None:
    assert (fen_of("-8.8", signed=True), fen_of("+3", signed=True)) == (-880, 300)
