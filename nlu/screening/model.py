"""What screening says about a text: the verdict and the hits behind it."""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple


class Action(StrEnum):
    """What a listed term does to a message, weakest first."""

    ADVISE = "advise"  # allowed, with a note to the sender (e.g. a banned pesticide)
    FLAG = "flag"  # allowed, highlighted for the reviewer
    BLOCK = "block"  # refused; the sender is asked to rephrase

    @property
    def strength(self) -> int:
        return _STRENGTH[self]


_STRENGTH = {Action.ADVISE: 1, Action.FLAG: 2, Action.BLOCK: 3}


class Verdict(StrEnum):
    CLEAN = "clean"
    ADVISE = "advise"
    FLAG = "flag"
    BLOCK = "block"


class Term(NamedTuple):
    text: str
    category: str
    action: Action
    # The team's own term (the built-in lists): found wherever it appears. The farm-word rules that
    # explain a hit away as part of a pest, disease or pesticide name are for long external lists full
    # of everyday words; applied to 法轮功 or 冰毒 they let "法轮功病" or "买冰毒虫" through.
    exact: bool = False


class Hit(NamedTuple):
    """A listed term found in a text; ``start:end`` slices the original text."""

    start: int
    end: int
    matched: str
    term: str
    category: str
    action: Action

    def as_dict(self) -> dict[str, object]:
        return {
            "start": self.start,
            "end": self.end,
            "matched": self.matched,
            "term": self.term,
            "category": self.category,
            "action": str(self.action),
        }


class ScreeningResult(NamedTuple):
    text: str
    verdict: Verdict
    hits: tuple[Hit, ...]

    @property
    def allowed(self) -> bool:
        return self.verdict is not Verdict.BLOCK

    def hits_with(self, action: Action) -> tuple[Hit, ...]:
        return tuple(hit for hit in self.hits if hit.action is action)


def verdict_of(hits: tuple[Hit, ...]) -> Verdict:
    if not hits:
        return Verdict.CLEAN
    # (a dict, not Verdict(value): making an enum member from its value costs a few microseconds)
    return _VERDICT_OF[max(hits, key=lambda hit: _STRENGTH[hit.action]).action]


_VERDICT_OF = {Action.ADVISE: Verdict.ADVISE, Action.FLAG: Verdict.FLAG, Action.BLOCK: Verdict.BLOCK}
