"""From what NLU understood to the intake form's fields."""

from __future__ import annotations

from typing import Any

from core.requests import MAX_SCALE_WORDS
from dialogs.specialty_confirm import sure_specialty
from nlu.interface import ParseResult
from nlu.quantity import parse_quantity


def fields_from_parse(parsed: ParseResult) -> dict[str, Any]:
    by_kind: dict[str, list[str]] = {}
    for entity in parsed.entities:
        by_kind.setdefault(entity.entity, []).append(entity.value)
    fields: dict[str, Any] = {"specialty_code": sure_specialty(parsed)}  # unsure: the farmer is asked
    subjects = by_kind.get("crop", []) + by_kind.get("livestock", [])
    if subjects:
        fields["subject"] = subjects[0]
    if by_kind.get("symptom"):
        fields["symptoms"] = "、".join(dict.fromkeys(by_kind["symptom"]))
    if by_kind.get("growth_stage"):
        fields["growth_stage"] = by_kind["growth_stage"][0]
    if by_kind.get("place"):
        fields["place"] = by_kind["place"][0]
    for words in by_kind.get("quantity", []):
        quantity = parse_quantity(words)
        if quantity is not None:
            fields["scale_quantity"] = quantity.value
            fields["scale_unit"] = quantity.unit
            fields["scale_words"] = quantity.words[:MAX_SCALE_WORDS]
            break
    return fields
