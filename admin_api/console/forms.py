"""What a person typed into a console form: a field's text, an id as typed, an uploaded spreadsheet,
money in yuan read as integer fen exactly (never through a float), and a model's validation errors as
one line the form shows.

"600", "12.5", "12.50", "¥1,234.56" and "-20" (where a sign is allowed) read as 60000, 1250, 1250,
123456 and -2000; anything else, or a third decimal, is not an amount: the form says so and keeps
what was typed.
"""

from __future__ import annotations

import re
from typing import Any, TypeVar

from aiohttp import web
from multidict import MultiDictProxy
from pydantic import BaseModel, ValidationError

from admin_api.problems import Problem
from admin_api.tables import CSV, XLSX
from core.errors import InvalidInput

M = TypeVar("M", bound=BaseModel)

_SUFFIX_TYPES = {".csv": CSV, ".xlsx": XLSX}  # a browser names a spreadsheet's type as it likes
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


def text_of(form: MultiDictProxy[Any], name: str) -> str:
    return str(form.get(name, "")).strip()


def id_or_text(text: str) -> int | str | None:
    """An id as typed: a number when it is one (the body model then checks its range), else the text
    the model refuses by name; None when nothing was typed."""
    if not text:
        return None
    return int(text) if text.isdigit() and len(text) <= 10 else text


def uploaded(form: MultiDictProxy[Any], name: str = "file") -> tuple[bytes, str]:
    """The bytes of the form's file and their type, told by the file's suffix where it has one."""
    upload = form.get(name)
    if not isinstance(upload, web.FileField):
        raise Problem(422, "Unprocessable Content", f"{name}: choose a CSV or XLSX file")
    suffix = upload.filename[upload.filename.rfind(".") :].lower() if "." in upload.filename else ""
    return upload.file.read(), _SUFFIX_TYPES.get(suffix, upload.content_type)
