"""A farmer's quantity, as written, read as a number: exact, or the lower bound of an estimate."""

from __future__ import annotations

import pytest

from nlu.quantity import Quantity, parse_quantity


@pytest.mark.parametrize(
    ("words", "value", "unit", "exact"),
    [
        ("20亩", 20, "亩", True),
        ("1.5亩", 1.5, "亩", True),
        ("十亩", 10, "亩", True),
        ("三头", 3, "头", True),
        ("两千只", 2000, "只", True),
        ("十五棵", 15, "棵", True),
        ("一百零五只", 105, "只", True),
        ("一千零五十只", 1050, "只", True),
        ("三百五只", 350, "只", True),  # colloquial: 三百五 is 350, not 305
        ("两千五百亩", 2500, "亩", True),
        ("一万二", 12000, None, True),
        ("半亩", 0.5, "亩", True),
        ("五亩半", 5.5, "亩", True),
        ("十几只", 11, "只", False),
        ("二十几头", 21, "头", False),
        ("二十多亩", 20, "亩", False),
        ("一百来只", 100, "只", False),
        ("三四亩", 3, "亩", False),
        ("七八十只", 70, "只", False),
        ("十七八头", 17, "头", False),
        ("几百只", 200, "只", False),
        ("几十只", 20, "只", False),
        ("上千只", 1000, "只", False),
    ],
)
def test_quantities_farmers_write(words: str, value: float, unit: str | None, exact: bool) -> None:
    assert parse_quantity(words) == Quantity(value, unit, exact, words)


@pytest.mark.parametrize("words", ["亩", "多只", "地", "几只", "五五只", "很多只", ""])
def test_what_is_no_quantity(words: str) -> None:
    assert parse_quantity(words) is None
