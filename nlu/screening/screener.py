"""The screener: built once from term lists, then ``check(text)`` for every text users send."""

from __future__ import annotations

from collections.abc import Iterable

from nlu.screening.collector import collector_paused
from nlu.screening.index import TermIndex
from nlu.screening.lists import TermLists, builtin_lists
from nlu.screening.model import ScreeningResult
from nlu.screening.options import ScreenerOptions
from nlu.screening.text_by_text import TextByText

__all__ = ["Screener", "ScreenerOptions"]

CHUNK = 256
"""Texts ``check_many`` folds and matches together: past a few dozen, larger chunks are no faster."""


class Screener:
    """Finds listed terms in a text, seeing through the usual evasions; immutable once built.

    Its term index (``index.py``) is built once from the lists; every text, alone (``check``) or
    among many (``check_many``), then takes the one path of ``text_by_text.py``: fold, find the
    candidates (``finding.py``), judge them (``judge``), verdict."""

    def __init__(self, lists: TermLists, options: ScreenerOptions | None = None) -> None:
        self.index = TermIndex(lists, options)
        self.lists = lists
        self.options = self.index.options
        self.text_by_text = TextByText(self.index)

    def prepared(self) -> Screener:
        """This screener with what it otherwise computes on its first checks done now (the word
        dictionary and its character pairs, the tables of common words and dropped spellings, the
        pinyin spelling tables), so no user's message pays for them: build and prepare off the
        event loop, then swap in. Returns itself."""
        self.index.prepare()
        # A text of each kind: letters (pinyin), repeats, digits, addresses; alone and with another.
        sample = "请问falun功fl大法赌赌博1234567890 www.example.com 玉米叶子发黄"
        self.check(sample)
        self.check_many([sample, sample])
        return self

    @classmethod
    def builtin(cls, options: ScreenerOptions | None = None) -> Screener:
        return cls(builtin_lists(), options)

    def check(self, text: str) -> ScreeningResult:
        return self.text_by_text.check([text])[0]

    def check_many(self, texts: Iterable[str]) -> list[ScreeningResult]:
        """``check`` for each text, faster: ``CHUNK`` texts at a time are folded together and
        matched in one automaton pass, then judged text by text."""
        texts = texts if isinstance(texts, list) else list(texts)
        results: list[ScreeningResult] = []
        with collector_paused():
            for start in range(0, len(texts), CHUNK):
                results.extend(self.text_by_text.check(texts[start : start + CHUNK]))
        return results
