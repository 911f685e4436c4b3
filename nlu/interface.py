"""What the bot gets back from NLU, whichever engine produced it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class Intent:
    name: str
    confidence: float


@dataclass(frozen=True, slots=True)
class Specialty:
    """A taxonomy code of PRODUCT.md; ``code`` is None when the text is not an agricultural problem.

    ``sureness`` is the summed confidence of the code's coarse group (of no problem at all when ``code``
    is None): what the intake's confirmation is decided on (nlu.confidence). None where a parse was made
    by hand without a ranking; the confidence stands for it then."""

    code: str | None
    confidence: float
    sureness: float | None = None


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
