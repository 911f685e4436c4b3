"""How much a farmer has: a quantity as written ("二十多亩", "十几只", "三四头", "1.5亩") as a number.

Farmers write numbers in words far more than in digits, and often as estimates. A quantity the form
could not read was left "(未填)" although the farmer had just written it ("十亩地", "三头奶牛").
`parse_quantity` reads digits, Chinese numerals (两千, 一百零五, colloquial 三百五 = 350 and
一万二 = 12,000, 半, 一个半) and the usual estimates, and says whether the number is exact:

- N多 / N来 / N余 / N几 (二十多, 一百来, 十几): at least N;
- two neighbouring digits (三四, 七八十): the range, at least the smaller;
- 几 / 上 before a magnitude (几百, 上千): at least two (one) of that magnitude.

The number is a lower bound for an estimate, so sums and counts never overstate; what the people
read is the farmer's own words (`Quantity.words`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

# The units a farmer counts in; the embedded engine finds quantities by the same list.
UNITS = "个大棚|个棚|公顷|公斤|千克|亩|只|头|棵|株|斤|吨|箱|群|匹|尾|羽|栋|座|口"
_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_MAGNITUDES = {"十": 10, "百": 100, "千": 1000, "万": 10_000}
_QUANTITY = re.compile(
    rf"^(?P<number>\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千万几上半]+?)"
    rf"(?P<approx>[多来余几])?(?P<half>个半|半)?\s*(?P<unit>{UNITS})?(?P<tail>半)?$"
)


@dataclass(frozen=True)
class Quantity:
    value: float  # exact, or the lower bound of an estimate
    unit: str | None
    exact: bool
    words: str  # as the farmer wrote it


def parse_quantity(text: str) -> Quantity | None:
    """The quantity `text` is, or None when it is not one (a unit alone, other words)."""
    words = text.strip().replace(" ", "")
    match = _QUANTITY.match(words)
    if match is None or not match.group("number"):
        return None
    number, approx = match.group("number"), match.group("approx")
    half = match.group("half") or match.group("tail")
    if number.replace(".", "", 1).isdigit():
        value: float | None = float(number)
        exact = True
    else:
        value, exact = _numeral(number)
    if value is None:
        return None
    if approx:
        exact = False
        if approx == "几" and number.endswith("十"):  # 十几, 二十几: 11, 21 at least
            value += 1
    if half:
        value += 0.5
    return Quantity(value, match.group("unit"), exact, words)


def _numeral(numeral: str) -> tuple[float | None, bool]:
    """(value, exact) of a Chinese numeral, perhaps an estimate (三四, 几百, 上千); None if none."""
    if numeral == "半":
        return 0.5, True
    if numeral[0] in "几上" and len(numeral) == 2 and numeral[1] in _MAGNITUDES:
        return float((2 if numeral[0] == "几" else 1) * _MAGNITUDES[numeral[1]]), False
    # Two neighbouring digits side by side (三四, 七八十): a range; read the smaller one.
    digits = [ch for ch in numeral if ch in _DIGITS]
    for first, second in pairwise(numeral):
        if first in _DIGITS and second in _DIGITS and _DIGITS[second] == _DIGITS[first] + 1:
            return _exact_numeral(numeral.replace(second, "", 1)), False
    if "几" in numeral or "上" in numeral or not (digits or numeral[0] in _MAGNITUDES):
        return None, False
    return _exact_numeral(numeral), True


def _exact_numeral(numeral: str) -> float | None:
    """一百零五 = 105, 二十 = 20, 十五 = 15, colloquial 三百五 = 350 and 一万二 = 12,000."""
    total = section = 0
    digit: int | None = None
    zero = False  # a 零 since the last magnitude: the digit after it is units (一百零五)
    last: int | None = None
    for ch in numeral:
        if ch in _DIGITS:
            if _DIGITS[ch] == 0:
                zero = True
                continue
            if digit is not None:
                return None  # two digits in a row that are not a range: not a numeral
            digit = _DIGITS[ch]
        elif ch in _MAGNITUDES:
            magnitude = _MAGNITUDES[ch]
            if magnitude == 10_000:
                total += (section + (digit or 0) or 1) * magnitude
                section = 0
            else:
                section += (1 if digit is None else digit) * magnitude
            digit, zero, last = None, False, magnitude
        else:
            return None
    if digit is not None:
        if last is not None and last >= 100 and not zero:  # 三百五, 一万二: a tenth of the magnitude
            section += digit * last // 10
        else:
            section += digit
    return float(total + section)
