"""Pinyin views: a text (or term) with each Chinese character replaced by its pinyin.

Evaders spell part or all of a term in pinyin (法lun功, falungong) or in pinyin initials (fl功).
Matching the pinyin of the lexicon against the pinyin of the text finds them; the screener only
accepts such a hit where the original text really holds latin letters, so that two ordinary
Chinese words that merely sound alike are never confused.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import cache, lru_cache
from itertools import accumulate

from pypinyin.pinyin_dict import pinyin_dict

from nlu.screening.views import PlainView

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


_LATIN_RUN = re.compile(r"[a-z]+")
# Chinese characters either side of typed letters that a spelled term may take in (jiejie被轮奸,
# 中国zf); fewer for initials, where every character nearby would otherwise spell some term.
CONTEXT = {False: 5, True: 3}
_LONGEST_WORD = 30  # longer runs of letters are English (or noise), not pinyin; spare the regex


@cache
def _pinyin_word() -> re.Pattern[str]:
    syllables = sorted(set(syllable_table().values()), key=len, reverse=True)
    return re.compile("(?:" + "|".join(syllables) + ")+")


@lru_cache(maxsize=1 << 16)  # the same words come back again and again
def looks_spelled(word: str, initials: bool) -> bool:
    """Whether typed letters could be pinyin (falungong, lun) or pinyin initials (fl, zf, tmd, and a
    lone letter: 毛二B, which the screener's judge accepts only beside characters written as listed)."""
    if not (1 if initials else 2) <= len(word) <= _LONGEST_WORD:
        return False
    if initials:
        return not any(vowel in word for vowel in "aeiou")
    return _pinyin_word().fullmatch(word) is not None


def spelled_runs(plain: PlainView, runs: list[tuple[int, int]], initials: bool) -> list[tuple[int, int]]:
    """Those of the runs of letters in the plain view that look like pinyin, as a whole or word by
    word (words being what the sender separated by spaces or symbols)."""
    text = plain.text
    spelled = []
    for start, end in runs:
        if looks_spelled(text[start:end], initials) or (
            # the original text had something between the letters: look at each word
            plain.origin(end - 1) - plain.origin(start) != end - start - 1
            and any(looks_spelled(text[a:b], initials) for a, b in plain.words(start, end))
        ):
            spelled.append((start, end))
    return spelled


def latin_runs(text: str) -> list[tuple[int, int]]:
    return [match.span() for match in _LATIN_RUN.finditer(text)]


class PinyinWindow:
    """A stretch of the plain view around typed latin letters, with each Chinese character spelled.

    Only the stretches around letters are spelled out: a spelled term must include some of the
    sender's letters, and Chinese text elsewhere would only produce homophones. (A plain class with
    slots, not a dataclass: a message with letters makes a few.)
    """

    __slots__ = ("_ends", "letters", "source", "start", "table", "text")

    def __init__(
        self, start: int, source: str, text: str, letters: list[tuple[int, int]], table: dict[int, str]
    ) -> None:
        self.start = start  # plain-view index of the window's first character
        self.source = source  # the plain-view characters of the window
        self.text = text  # their spelling
        self.letters = letters  # spans of ``text`` that the sender typed as letters
        self.table = table
        self._ends: list[int] | None = None  # _unit_ends, once made

    def _unit_ends(self) -> list[int]:
        """Where each source character's spelling ends in ``text`` (made once, on first use)."""
        ends = self._ends
        if ends is None:
            table = self.table
            ends = self._ends = list(accumulate(len(table.get(ord(c), c)) for c in self.source))
        return ends

    def touches_letters(self, start: int, end: int) -> bool:
        return any(a < end and start < b for a, b in self.letters)

    def units(self, start: int, end: int) -> tuple[int, int] | None:
        """The plain-view [start, end) spelled exactly by this window span, if the span is whole units."""
        ends = self._unit_ends()
        first = bisect_left(ends, start + 1)
        last = bisect_left(ends, end)
        unit_start = ends[first - 1] if first else 0
        if unit_start != start or last >= len(ends) or ends[last] != end:
            return None
        return self.start + first, self.start + last + 1


def pinyin_windows(
    plain: PlainView, initials: bool = False, runs: list[tuple[int, int]] | None = None
) -> list[PinyinWindow]:
    """Windows around the letters that look like pinyin; ``runs`` are the view's runs of letters
    (found here when not given)."""
    text = plain.text
    runs = spelled_runs(plain, latin_runs(text) if runs is None else runs, initials)
    if not runs:
        return []
    table = initial_table() if initials else syllable_table()
    windows: list[PinyinWindow] = []
    while runs:
        group = [runs.pop(0)]
        while runs and runs[0][0] - group[-1][1] <= 2 * CONTEXT[initials]:
            group.append(runs.pop(0))
        start, end = max(0, group[0][0] - CONTEXT[initials]), group[-1][1] + CONTEXT[initials]
        source = text[start:end]
        letters = []
        for a, b in group:
            offset = len(text[start:a].translate(table))
            letters.append((offset, offset + b - a))
        windows.append(PinyinWindow(start, source, source.translate(table), letters, table))
    return windows
