"""What screening says about a text: the verdict and the hits behind it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from enum import StrEnum
from typing import Any, NamedTuple, TypeVar


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


@dataclass(frozen=True, slots=True)
class Hit:
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


@dataclass(frozen=True, slots=True)
class ScreeningResult:
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
    return Verdict(max(hits, key=lambda hit: hit.action.strength).action.value)


_Record = TypeVar("_Record", "Hit", "ScreeningResult")


def build_all(cls: type[_Record], *columns: Sequence[Any]) -> list[_Record]:
    """``cls(*row)`` for each row of the columns (one per field, in order), built a column at a time:
    for the many results of a batch this takes a third of the time of calling ``cls`` per row. Only
    for these frozen slotted records, which have no ``__post_init__`` to miss."""
    records = [object.__new__(cls) for _ in columns[0]]
    for field, column in zip(fields(cls), columns, strict=True):
        list(map(getattr(cls, field.name).__set__, records, column))
    return records
