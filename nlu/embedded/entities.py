"""Entities from the gazetteer (canonicalised through the synonyms) and quantities from a pattern."""

from __future__ import annotations

import re

from nlu.embedded.gazetteer import Match
from nlu.interface import Entity
from nlu.lexicon import ENTITY_OF_LOOKUP
from nlu.quantity import UNITS

_QUANTITY = re.compile(
    rf"(?:\d+(?:\.\d+)?|[一二两三四五六七八九十百千万几半]+)\s*(?:多|来|余)?\s*(?:{UNITS})"
)


def quantities(text: str) -> list[Entity]:
    return [
        Entity("quantity", m.group(0).replace(" ", ""), m.start(), m.end()) for m in _QUANTITY.finditer(text)
    ]


def extract(text: str, matches: list[Match], synonyms: dict[str, str]) -> tuple[Entity, ...]:
    found = quantities(text)
    taken = [(e.start, e.end) for e in found]
    for match in matches:
        entity = ENTITY_OF_LOOKUP.get(match.lookup)
        if entity is None or any(s < match.end and match.start < e for s, e in taken):
            continue
        found.append(Entity(entity, synonyms.get(match.term, match.term), match.start, match.end))
    return tuple(sorted(found, key=lambda e: e.start))
