"""`Idempotency-Key` on every POST: a retried call gets the first call's answer and acts once.

The key is the caller's (1 to 128 printable ASCII characters), per token holder; the first call's
method, path and body are kept with it, so the same key sent with another call is refused (422)
rather than answered with an unrelated earlier answer. A second call arriving while the first still
runs is answered 409 with `Retry-After`; retried after that, it gets the first answer. What is kept
and for how long: core.idempotency.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Awaitable, Callable

from aiohttp import web

from admin_api.problems import PROBLEM_JSON, Problem, refusal
from admin_api.services import SERVICES
from core import idempotency
from core.errors import DomainError
from core.scope import Staff

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"  # set on an answer given again from the first call
_WELL_FORMED = re.compile(r"[\x20-\x7e]{1,128}")


async def once(
    request: web.Request, staff: Staff, respond: Callable[[], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    key = request.headers.get(HEADER)
    if key is None or staff.admin_id is None:
        return await respond()
    if not _WELL_FORMED.fullmatch(key):
        raise Problem(400, "Bad Request", f"{HEADER} must be 1 to 128 printable ASCII characters")
    services = request.app[SERVICES]
    body_hash = hashlib.sha256(await request.read()).hexdigest()
    async with services.uow() as uow:
        earlier = await idempotency.reserve(
            uow,
            staff.admin_id,
            key,
            method=request.method,
            path=request.rel_url.path,
            body_hash=body_hash,
            now=services.clock(),
        )
    if earlier is not None:
        return _again(earlier, request, body_hash)
    try:
        response = await respond()
    except (Problem, DomainError, web.HTTPException) as exc:
        if isinstance(exc, web.HTTPException) and exc.status < 400:
            raise
        response = refusal(exc)
    except BaseException:
        async with services.uow() as uow:  # nothing was answered: a retry with this key may act
            await idempotency.release(uow, staff.admin_id, key)
        raise
    assert isinstance(response, web.Response), "idempotent POSTs answer JSON"
    async with services.uow() as uow:
        if response.status >= 500:
            await idempotency.release(uow, staff.admin_id, key)
        else:
            await idempotency.finish(
                uow, staff.admin_id, key, status=response.status, response=response.text or ""
            )
    return response


def _again(earlier: idempotency.Earlier, request: web.Request, body_hash: str) -> web.Response:
    if (earlier.method, earlier.path, earlier.body_hash) != (request.method, request.rel_url.path, body_hash):
        raise Problem(
            422,
            "Unprocessable Content",
            f"this {HEADER} was used for another call ({earlier.method} {earlier.path} with another "
            "body); send a new key for a new call",
        )
    if earlier.status == idempotency.IN_PROGRESS:
        raise Problem(
            409,
            "Conflict",
            f"the first call with this {HEADER} is still in progress; send it again in a moment "
            "for its answer",
            headers={"Retry-After": "1"},
        )
    content_type = PROBLEM_JSON if earlier.status >= 400 else "application/json"
    return web.Response(
        status=earlier.status,
        text=earlier.response,
        content_type=content_type,
        headers={REPLAYED: "true"},
    )
