"""What a person typed into a console form: money in yuan read as integer fen exactly (never
through a float), and a model's validation errors as one line the form shows.

"600", "12.5", "12.50", "¥1,234.56" and "-20" (where a sign is allowed) read as 60000, 1250, 1250,
123456 and -2000; anything else, or a third decimal, is not an amount: the form says so and keeps
what was typed.
"""

from __future__ import annotations

import re
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from core.errors import InvalidInput

M = TypeVar("M", bound=BaseModel)

_AMOUNT = re.compile(r"([+-]?)([0-9]{1,9})(?:\.([0-9]{1,2}))?")


def fen_of(text: str, *, signed: bool = False) -> int | None:
    """The amount in fen, or None when `text` is not yuan with at most two decimals."""
    cleaned = text.strip().replace(",", "").replace("，", "").lstrip("¥￥").strip()
    found = _AMOUNT.fullmatch(cleaned)
    if found is None or (found[1] and not signed):
        return None
    fen = int(found[2]) * 100 + int((found[3] or "0").ljust(2, "0"))
    return -fen if found[1] == "-" else fen


def problems(exc: ValidationError) -> str:
    """Every field the model refused, as `field: why`, in one line."""
    return "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors(include_input=False))


def checked(model: type[M], given: dict[str, Any]) -> M:
    """`given` as the model, or InvalidInput naming every field refused (the page says what to fix)."""
    try:
        return model.model_validate(given)
    except ValidationError as exc:
        raise InvalidInput(problems(exc)) from exc
