"""Views of a text that the matchers run over, each able to map a hit back to the original text.

The *plain* view is the folded text with noise deleted. The *collapsed* view additionally
squeezes runs of one repeated character. Positions are mapped back lazily: building the map costs
a Python loop over the text, so it is only paid for texts that have a candidate hit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from nlu.screening.fold import FoldTables

_REPEAT = re.compile(r"(.)\1+", re.DOTALL)
_LATIN = re.compile(r"[a-z]")


@dataclass(slots=True)
class Span:
    start: int
    end: int


@dataclass
class PlainView:
    """The folded text; ``origin(i)`` is the index in the original text of view character ``i``."""

    original: str
    text: str
    _deleted: list[int] = field(repr=False)

    @cached_property
    def _kept(self) -> list[int] | None:
        if not self._deleted:
            return None
        deleted = set(self._deleted)
        return [i for i in range(len(self.original)) if i not in deleted]

    def origin(self, index: int) -> int:
        kept = self._kept
        return index if kept is None else kept[index]

    def original_span(self, start: int, end: int) -> Span:
        return Span(self.origin(start), self.origin(end - 1) + 1)

    @cached_property
    def has_repeats(self) -> bool:
        return _REPEAT.search(self.text) is not None

    @cached_property
    def has_latin(self) -> bool:
        return _LATIN.search(self.text) is not None


def plain_view(text: str, tables: FoldTables) -> PlainView:
    lowered = text.lower()
    if len(lowered) != len(text):  # a few letters lower-case to two characters; let the table fold them
        lowered = text
    deleted = [m.start() for m in tables.noise.finditer(lowered)]
    folded = tables.noise.sub("", lowered) if deleted else lowered
    if tables.mapped.search(folded):
        folded = folded.translate(tables.table)
    return PlainView(text, folded, deleted)


@dataclass
class CollapsedView:
    """The plain view with each run of one repeated character squeezed to a single character."""

    plain: PlainView
    text: str
    _runs: list[tuple[int, int]]  # plain-view [start, end) of every character of this view

    def original_span(self, start: int, end: int) -> Span:
        return Span(self.plain.origin(self._runs[start][0]), self.plain.origin(self._runs[end - 1][1] - 1) + 1)

    def squeezes(self, start: int, end: int) -> bool:
        """Whether the view span stands for more characters than it has (so the plain view missed it)."""
        return any(b - a > 1 for a, b in self._runs[start:end])


def collapsed_view(plain: PlainView) -> CollapsedView:
    runs: list[tuple[int, int]] = []
    position = 0
    for match in _REPEAT.finditer(plain.text):
        runs.extend((i, i + 1) for i in range(position, match.start()))
        runs.append(match.span())
        position = match.end()
    runs.extend((i, i + 1) for i in range(position, len(plain.text)))
    return CollapsedView(plain, _REPEAT.sub(r"\1", plain.text), runs)


def collapse_all(terms: list[str]) -> list[str]:
    """Each term with its runs of one repeated character squeezed (terms hold no line breaks)."""
    return _REPEAT.sub(r"\1", "\n".join(terms)).split("\n")
