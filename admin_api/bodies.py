"""Request bodies and query strings validated by pydantic models, with errors a person can act on.

Two traps of the usual recipes are avoided: a body that is not UTF-8 is refused before pydantic sees
it, and validation errors are reported without the input (`include_input=False`), which could be
undecodable bytes or a farmer's text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import cache
from typing import Any, TypeVar

from aiohttp import web
from pydantic import BaseModel, ValidationError

from admin_api.problems import Problem

M = TypeVar("M", bound=BaseModel)


def _errors(exc: ValidationError) -> list[dict[str, Any]]:
    return [
        {"loc": [str(part) for part in error["loc"]], "msg": error["msg"], "type": error["type"]}
        for error in exc.errors(include_input=False, include_url=False, include_context=False)
    ]


async def read_body(request: web.Request, model: type[M]) -> M:
    raw = await request.read()  # over the app's client_max_size: aiohttp answers 413 itself
    if not raw.strip():
        raise Problem(400, "Bad Request", "this call needs a JSON body")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise Problem(400, "Bad Request", "the body is not UTF-8 text") from None
    try:
        return model.model_validate_json(text)
    except ValidationError as exc:
        errors = _errors(exc)
        if any(error["type"] == "json_invalid" for error in errors):
            raise Problem(400, "Bad Request", "the body is not valid JSON") from None
        raise Problem(422, "Unprocessable Content", _summary(errors), errors=errors) from None


def read_query(request: web.Request, model: type[M]) -> M:
    query = dict(request.query)
    repeated = sorted(name for name in query if len(request.query.getall(name)) > 1)
    if repeated:  # taking the first of two values would answer a question nobody asked
        raise Problem(400, "Bad Request", f"give each query parameter once: {', '.join(repeated)}")
    for name in _times(model):
        if _NUMBER.match(query.get(name, "")):
            # pydantic takes a number for a Unix time; the document (and a person) says a date-time.
            detail = f"{name}: give a date and time with its offset, e.g. 2026-03-01T09:00:00+08:00"
            raise Problem(400, "Bad Request", detail)
    try:
        return model.model_validate(query)
    except ValidationError as exc:
        errors = _errors(exc)
        raise Problem(400, "Bad Request", _summary(errors), errors=errors) from None


_NUMBER = re.compile(r"^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$")


@cache
def _times(model: type[BaseModel]) -> tuple[str, ...]:
    """The query parameters the document describes as date-times."""
    properties = model.model_json_schema().get("properties", {})
    return tuple(name for name, prop in properties.items() if '"date-time"' in json.dumps(prop))


def _summary(errors: list[dict[str, Any]]) -> str:
    first = errors[0]
    where = ".".join(first["loc"]) or "body"
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{where}: {first['msg']}{more}"


def read_form(data: Mapping[str, Any], model: type[M]) -> M:
    """A console form's fields checked by the same model as the API's JSON body: 422 naming the field."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = _errors(exc)
        raise Problem(422, "Unprocessable Content", _summary(errors), errors=errors) from None
