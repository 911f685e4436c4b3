"""Views of a text that the matchers run over, each able to map a hit back to the original text.

The *plain* view is the folded text with noise deleted. The *collapsed* view additionally
squeezes runs of one repeated character. Positions are mapped back lazily: building the map costs
a Python loop over the text, so it is only paid for texts that have a candidate hit.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import cached_property
from itertools import pairwise

import numpy as np
import numpy.typing as npt

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
    _kept_mask: npt.NDArray[np.bool_] | None = field(repr=False)

    @cached_property
    def _kept(self) -> list[int] | None:
        return None if self._kept_mask is None else np.flatnonzero(self._kept_mask).tolist()

    def origin(self, index: int) -> int:
        kept = self._kept
        return index if kept is None else kept[index]

    def original_span(self, start: int, end: int) -> Span:
        return Span(self.origin(start), self.origin(end - 1) + 1)

    def words(self, start: int, end: int) -> list[tuple[int, int]]:
        """``[start, end)`` cut where the original text had deleted characters between."""
        breaks = self._breaks
        edges = [start, *breaks[bisect_right(breaks, start) : bisect_left(breaks, end)], end]
        return list(pairwise(edges))

    @cached_property
    def _breaks(self) -> list[int]:
        """View indices whose original character did not directly follow the previous one's."""
        if self._kept_mask is None:
            return []
        return (np.flatnonzero(np.diff(np.flatnonzero(self._kept_mask)) != 1) + 1).tolist()

    @cached_property
    def has_repeats(self) -> bool:
        return _REPEAT.search(self.text) is not None

    @cached_property
    def has_latin(self) -> bool:
        return _LATIN.search(self.text) is not None


def plain_view(text: str, tables: FoldTables) -> PlainView:
    return PlainView(text, *tables.fold(text))


@dataclass
class CollapsedView:
    """The plain view with each run of one repeated character squeezed to a single character."""

    plain: PlainView
    text: str

    @cached_property
    def _runs(self) -> list[tuple[int, int]]:
        """Plain-view [start, end) of every character of this view (built only once a term matched)."""
        runs: list[tuple[int, int]] = []
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
