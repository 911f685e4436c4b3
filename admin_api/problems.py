"""Every failure as problem+json (RFC 9457): one mapping from domain errors to HTTP, for every route.

A person reads `detail` and can act on it; nothing of a stack trace ever leaves the server.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from core.errors import (
    Claimed,
    DomainError,
    IllegalTransition,
    InsufficientBalance,
    InvalidInput,
    NotFound,
    NotPermitted,
    OutOfScope,
)

log = logging.getLogger(__name__)
PROBLEM_JSON = "application/problem+json"

# Most specific first: OutOfScope is a NotPermitted that must look like a missing object.
_STATUS: tuple[tuple[type[DomainError], int], ...] = (
    (OutOfScope, 404),
    (NotFound, 404),
    (NotPermitted, 403),
    (IllegalTransition, 409),
    (InsufficientBalance, 409),
    (Claimed, 409),
    (InvalidInput, 422),
    (DomainError, 422),
)


# A domain error's details ride along as extension members; the few whose names RFC 9457 reserves
# are renamed (an IllegalTransition's `status` is the object's current state, not the HTTP status).
_RENAMED = {"status": "current_status", "type": "kind", "title": "name", "detail": "note", "instance": "ref"}


class Problem(Exception):
    """An HTTP-level refusal raised by the API's own code (bad body, bad token, unknown page)."""

    def __init__(
        self, status: int, title: str, detail: str, *, headers: dict[str, str] | None = None, **extra: Any
    ) -> None:
        super().__init__(detail)
        self.status, self.title, self.detail = status, title, detail
        self.headers = headers or {}
        self.extra = extra


def problem_response(
    status: int,
    title: str,
    detail: str,
    *,
    headers: dict[str, str] | None = None,
    extra: dict[str, object] | None = None,
) -> web.Response:
    body = {**(extra or {}), "type": "about:blank", "title": title, "status": status, "detail": detail}
    response = web.json_response(body, status=status, content_type=PROBLEM_JSON, headers=headers)
    return response


def status_of(error: DomainError) -> int:
    return next(status for kind, status in _STATUS if isinstance(error, kind))


@web.middleware
async def problems_middleware(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    try:
        return await handler(request)
    except (Problem, DomainError) as exc:
        return refusal(exc)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        return refusal(exc)
    except Exception:
        log.exception("%s %s failed", request.method, request.rel_url.path)
        return problem_response(
            500, "Internal Server Error", "the server failed; the failure is logged, nothing was changed"
        )


def refusal(exc: Problem | DomainError | web.HTTPException) -> web.Response:
    """The problem+json answer to a refusal (not to a failure of the server, which is logged)."""
    if isinstance(exc, Problem):
        return problem_response(exc.status, exc.title, exc.detail, headers=exc.headers, extra=exc.extra)
    if isinstance(exc, DomainError):
        details: dict[str, object] = {
            _RENAMED.get(k, k): v for k, v in exc.details.items() if isinstance(v, str | int | float | bool)
        }
        code = code_of(exc)
        return problem_response(status_of(exc), code, detail_of(exc), extra={**details, "code": code})
    headers = {k: v for k, v in exc.headers.items() if k in ("Allow", "WWW-Authenticate")}
    return problem_response(exc.status, exc.reason, _http_detail(exc), headers=headers)


def detail_of(error: DomainError) -> str:
    # Another county's object is answered exactly like a missing one: neither the words nor the
    # code may tell them apart (core.errors.does_not_exist is the one wording of both).
    return error.as_missing if isinstance(error, OutOfScope) else error.message


def code_of(error: DomainError) -> str:
    return NotFound.code if isinstance(error, OutOfScope) else error.code


def _http_detail(exc: web.HTTPException) -> str:
    if exc.status == 404:
        return "no such endpoint; the endpoints are listed at /api/openapi.json"
    if exc.status == 405:
        return f"method not allowed here; allowed: {exc.headers.get('Allow', '')}"
    if exc.status == 413:
        return "the request body is too large"
    return exc.text or exc.reason
