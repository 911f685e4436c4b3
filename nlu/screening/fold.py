"""Character folding tables: what every text and every term is reduced to before matching.

One table maps a character to its canonical form (width, case, enclosed and styled letters,
digit styles, traditional → simplified); another set of characters is *noise* that evaders slip
between the characters of a term (punctuation, symbols, emoji, spaces, invisible marks) and is
deleted. Both are computed once per process from Unicode data and the OpenCC tables, so that
folding a text is a couple of C-level passes (regex, str.translate) instead of a Python loop.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from dataclasses import dataclass
from functools import cache

import opencc

# General categories whose characters carry no letters: punctuation, symbols (emoji included),
# separators, controls/format/private-use, and combining marks used to decorate letters.
_NOISE_CATEGORY_INITIALS = frozenset("PSZCM")

# Upper-case financial numerals (大写数字) written as the everyday ones; 伍 and 陆 are left out
# because they mostly mean "troop" (队伍) and "land" (大陆), not 5 and 6.
_FINANCIAL_NUMERALS = dict(zip("壹贰貳叁參肆柒捌玖", "一二二三三四七八九", strict=True))

# Roman numerals fold to letters under NFKC (Ⅰ → i); as a number style they mean digits.
_ROMAN_DIGITS = {0x2160 + i: str(i + 1) for i in range(9)} | {0x2170 + i: str(i + 1) for i in range(9)}

# Ranges outside the CJK blocks where a character may fold to something else (accents, ligatures,
# enclosed and styled letters, full width, emoji); scanning only these keeps the build fast.
_SCAN_RANGES = (
    (0x0080, 0x3400),
    (0xA000, 0x10000),
    (0x1D400, 0x1D800),  # mathematical alphanumerics (𝐟𝐮𝐜𝐤)
    (0x1F000, 0x20000),  # enclosed alphanumerics supplement, emoji
    (0x2F800, 0x2FA20),  # CJK compatibility ideographs supplement
    (0xE0000, 0xE0200),  # tags and variation selectors supplement
)

@dataclass(frozen=True, slots=True)
class FoldTables:
    noise: re.Pattern[str]
    """Matches one character to delete."""
    mapped: re.Pattern[str]
    """Matches one character that :attr:`table` changes."""
    noise_but_newline: re.Pattern[str]
    """:attr:`noise` sparing line breaks, to fold many terms joined by them at once."""
    table: dict[int, str]
    """Single character → its single-character canonical form (never a deletion)."""

    def fold_char(self, char: str) -> str:
        """The canonical form of one character, or "" for noise (used for boundaries and terms)."""
        if self.noise.match(char):
            return ""
        return self.table.get(ord(char), char.lower())


def is_noise(char: str) -> bool:
    return unicodedata.category(char)[0] in _NOISE_CATEGORY_INITIALS


def _t2s_map() -> dict[str, str]:
    chars = [chr(cp) for lo, hi in ((0x3400, 0xA000), (0xF900, 0xFB00), (0x20000, 0x2FA20)) for cp in range(lo, hi)]
    # One character a line keeps OpenCC's phrase table from joining neighbours.
    converted = opencc.OpenCC("t2s").convert("\n".join(chars)).split("\n")
    return {a: b for a, b in zip(chars, converted, strict=True) if a != b and len(b) == 1}


def _canonical(char: str, t2s: dict[str, str]) -> str:
    cp = ord(char)
    if cp in _ROMAN_DIGITS:
        return _ROMAN_DIGITS[cp]
    digit = unicodedata.digit(char, None)
    if digit is not None:
        return str(digit)
    folded = "".join(c for c in unicodedata.normalize("NFKC", char).lower() if not is_noise(c))
    return "".join(_FINANCIAL_NUMERALS.get(c, t2s.get(c, c)) for c in folded)


def _char_class(code_points: list[int]) -> str:
    """A regex character class from sorted code points, written as ranges."""
    parts: list[str] = []
    start = prev = code_points[0]
    for cp in [*code_points[1:], -1]:
        if cp == prev + 1:
            prev = cp
            continue
        parts.append(re.escape(chr(start)) if start == prev else f"{re.escape(chr(start))}-{re.escape(chr(prev))}")
        start = prev = cp
    return "[" + "".join(parts) + "]"


@cache
def fold_tables() -> FoldTables:
    t2s = _t2s_map()
    table = {ord(a): _FINANCIAL_NUMERALS.get(b, b) for a, b in t2s.items()}
    table.update((ord(a), b) for a, b in _FINANCIAL_NUMERALS.items())
    noise: list[int] = []
    for lo, hi in _SCAN_RANGES:
        for cp in range(lo, hi):
            char = chr(cp)
            canon = _canonical(char, t2s)
            if not canon:
                noise.append(cp)
            elif len(canon) == 1 and canon != char:
                table[cp] = canon
    for cp in range(ord("A"), ord("Z") + 1):
        table[cp] = chr(cp).lower()
    noise.extend(cp for cp in range(0x80) if is_noise(chr(cp)))
    noise_class = _char_class(sorted(set(noise) - set(table)))
    return FoldTables(
        noise=re.compile(noise_class),
        noise_but_newline=re.compile(rf"(?!\n){noise_class}"),
        mapped=re.compile(_char_class(sorted(table))),
        table=table,
    )
