"""Pinyin views: a text (or term) with each Chinese character replaced by its pinyin.

Evaders spell part or all of a term in pinyin (法lun功, falungong) or in pinyin initials (fl功).
Matching the pinyin of the lexicon against the pinyin of the text finds them; the screener only
accepts such a hit where the original text really holds latin letters, so that two ordinary
Chinese words that merely sound alike are never confused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, cached_property
from itertools import accumulate
from bisect import bisect_left

from pypinyin.pinyin_dict import pinyin_dict

from nlu.screening.views import PlainView, Span

# Tone marks dropped, ü typed as v (as pinyin typists do), ê as e, syllabic m/n kept.
_TONELESS = str.maketrans(
    "āáǎàēéěèêếềīíǐìōóǒòūúǔùüǖǘǚǜḿńňǹ",
    "aaaaeeeeeeeiiiioooouuuuvvvvvmnnn",
)
_SPELLED = re.compile(r"[a-z0-9]+")


@cache
def syllable_table() -> dict[int, str]:
    """Chinese character → its most common toneless pinyin syllable."""
    code_points = list(pinyin_dict)
    first_readings = "\n".join(pinyin_dict[cp].split(",", 1)[0] for cp in code_points)
    syllables = first_readings.translate(_TONELESS).split("\n")
    return {cp: syl for cp, syl in zip(code_points, syllables, strict=True) if _SPELLED.fullmatch(syl)}


@cache
def initial_table() -> dict[int, str]:
    return {cp: syllable[0] for cp, syllable in syllable_table().items()}


def spell_all(terms: list[str], table: dict[int, str]) -> list[str | None]:
    """Each folded term in pinyin (or initials); None where a character has no pinyin."""
    if not terms:
        return []
    spelled = "\n".join(terms).translate(table).split("\n")
    return [spelling if _SPELLED.fullmatch(spelling) else None for spelling in spelled]


@dataclass
class PinyinView:
    """The plain view with every Chinese character spelled out (or reduced to its initial)."""

    plain: PlainView
    text: str
    table: dict[int, str]

    @cached_property
    def _unit_ends(self) -> list[int]:
        table = self.table
        return list(accumulate(len(table.get(ord(c), c)) for c in self.plain.text))

    def units(self, start: int, end: int) -> tuple[int, int] | None:
        """The plain-view [start, end) whose spelling is exactly this view span, if the span is whole."""
        ends = self._unit_ends
        first = bisect_left(ends, start + 1)
        last = bisect_left(ends, end)
        unit_start = ends[first - 1] if first else 0
        if unit_start != start or last >= len(ends) or ends[last] != end:
            return None
        return first, last + 1

    def original_span(self, start: int, end: int) -> Span:
        return self.plain.original_span(start, end)


def pinyin_view(plain: PlainView, initials: bool = False) -> PinyinView:
    table = initial_table() if initials else syllable_table()
    return PinyinView(plain, plain.text.translate(table), table)
