"""Views of a text that the matchers run over, each able to map a hit back to the original text.

The *plain* view is the folded text with noise deleted. The *collapsed* view additionally
squeezes runs of one repeated character. Positions are mapped back lazily: building the map costs
a Python loop over the text, so it is only paid for texts that have a candidate hit.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

_REPEAT = re.compile(r"(.)\1+", re.DOTALL)


@dataclass(slots=True)
class Span:
    start: int
    end: int


class PlainView:
    """The folded text; ``origin(i)`` is the index in the original text of view character ``i``.
    (Plain attributes, not dataclasses or cached properties: a view is made for most texts checked,
    and in Python 3.11 a cached property takes a lock on every first read.)"""

    __slots__ = ("_breaks", "kept", "original", "text")

    def __init__(self, original: str, text: str, kept: list[int] | None) -> None:
        self.original = original
        self.text = text
        self.kept = kept
        """Per view character: its index in the original text (None when folding deleted nothing)."""
        self._breaks: list[int] | None = None

    def origin(self, index: int) -> int:
        kept = self.kept
        return index if kept is None else kept[index]

    def original_span(self, start: int, end: int) -> Span:
        kept = self.kept
        if kept is None:
            return Span(start, end)
        return Span(kept[start], kept[end - 1] + 1)

    def words(self, start: int, end: int) -> list[tuple[int, int]]:
        """``[start, end)`` cut where the original text had deleted characters between."""
        breaks = self._breaks
        if breaks is None:
            # View indices whose original character did not directly follow the previous one's.
            kept = self.kept or []
            breaks = self._breaks = [i for i in range(1, len(kept)) if kept[i] - kept[i - 1] != 1]
        edges = [start, *breaks[bisect_right(breaks, start) : bisect_left(breaks, end)], end]
        return list(pairwise(edges))


class CollapsedView:
    """The plain view with each run of one repeated character squeezed to a single character."""

    __slots__ = ("_built_runs", "plain", "text")

    def __init__(self, plain: PlainView, text: str) -> None:
        self.plain = plain
        self.text = text
        self._built_runs: list[tuple[int, int]] | None = None

    @property
    def _runs(self) -> list[tuple[int, int]]:
        """Plain-view [start, end) of every character of this view (built only once a term matched)."""
        if self._built_runs is not None:
            return self._built_runs
        runs: list[tuple[int, int]] = []
        self._built_runs = runs
        position = 0
        for match in _REPEAT.finditer(self.plain.text):
            runs.extend((i, i + 1) for i in range(position, match.start()))
            runs.append(match.span())
            position = match.end()
        runs.extend((i, i + 1) for i in range(position, len(self.plain.text)))
        return runs

    def original_span(self, start: int, end: int) -> Span:
        runs, origin = self._runs, self.plain.origin
        return Span(origin(runs[start][0]), origin(runs[end - 1][1] - 1) + 1)

    def squeezes(self, start: int, end: int) -> bool:
        """Whether the view span stands for more characters than it has (so the plain view missed it)."""
        return any(b - a > 1 for a, b in self._runs[start:end])


def collapsed_view(plain: PlainView) -> CollapsedView:
    return CollapsedView(plain, _REPEAT.sub(r"\1", plain.text))


def collapse_all(terms: list[str]) -> list[str]:
    """Each term with its runs of one repeated character squeezed (terms hold no line breaks)."""
    if not terms:
        return []
    points = np.frombuffer("\n".join(terms).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    kept = np.ones(len(points), dtype=np.bool_)
    kept[1:] = (points[1:] != points[:-1]) | (points[1:] == ord("\n"))
    return points[kept].tobytes().decode("utf-32-le", "surrogatepass").split("\n")
