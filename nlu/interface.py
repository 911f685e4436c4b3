"""What the bot gets back from NLU, whichever engine produced it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from nlu.taxonomy import DESCRIBE_PROBLEM

_OF_THE_FARM = frozenset({"crop", "livestock", "pest_disease", "symptom"})


@dataclass(frozen=True, slots=True)
class Intent:
    name: str
    confidence: float


@dataclass(frozen=True, slots=True)
class Specialty:
    """A taxonomy code of PRODUCT.md; ``code`` is None when the text is not an agricultural problem."""

    code: str | None
    confidence: float


@dataclass(frozen=True, slots=True)
class Entity:
    """``text[start:end]`` is what the farmer wrote; ``value`` is its canonical form (葵花 → 向日葵)."""

    entity: str
    value: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class ParseResult:
    text: str
    intent: Intent
    specialty: Specialty
    entities: tuple[Entity, ...] = field(default=())
    engine: str = ""

    @property
    def describes_a_problem(self) -> bool:
        """Whether the text is worth opening a request for: the model read a problem, a specialty, or
        something of the farm in it (a crop, an animal, a pest, a symptom). A thanks, an "ok", an emoji
        or a bare "?" is none of these, and a request opened for it would only ask the farmer what
        kind of problem "谢谢" is. Text without a single letter or character is never one, whatever a
        model makes of it."""
        if not any(character.isalpha() for character in self.text):
            return False
        return (
            self.intent.name == DESCRIBE_PROBLEM
            or self.specialty.code is not None
            or any(e.entity in _OF_THE_FARM for e in self.entities)
        )

    def to_json(self) -> dict[str, Any]:
        """The evaluation contract's line shape (see docs/nlu.md); keep it stable."""
        return {
            "text": self.text,
            "intent": {"name": self.intent.name, "confidence": round(self.intent.confidence, 4)},
            "specialty": {"code": self.specialty.code, "confidence": round(self.specialty.confidence, 4)},
            "entities": [
                {"entity": e.entity, "value": e.value, "start": e.start, "end": e.end} for e in self.entities
            ],
        }


def nothing_to_understand(text: str, engine: str) -> ParseResult:
    """The answer for blank text, which no model should be asked about."""
    return ParseResult(text, Intent("out_of_scope", 1.0), Specialty(None, 1.0), (), engine)


class NluEngine(Protocol):
    name: str

    async def parse(self, text: str) -> ParseResult: ...

    async def close(self) -> None: ...
