"""`Authorization: Bearer <token>` → the acting Staff (role and county), or 401.

The token itself is checked in `core.admin_tokens` (hashed, revocable, expiring, last use kept);
this module only reads the header and words the refusal.
"""

from __future__ import annotations

from aiohttp import web

from admin_api.problems import Problem
from admin_api.services import SERVICES
from core import review
from core.admin_tokens import is_well_formed
from core.errors import NotPermitted
from core.scope import Staff

_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="jingfu"'}


def _unauthorized(detail: str) -> Problem:
    return Problem(401, "Unauthorized", detail, headers=_CHALLENGE)


def bearer_token(request: web.Request) -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if not header:
        raise _unauthorized("send 'Authorization: Bearer <token>' (jingfu admin create-token issues one)")
    if scheme.lower() != "bearer" or not is_well_formed(token.strip()):
        raise _unauthorized("the Authorization header must be 'Bearer <token>' with a token jingfu issued")
    return token.strip()


async def acting_staff(request: web.Request) -> Staff:
    token = bearer_token(request)
    services = request.app[SERVICES]
    remembered = review.remembered_staff(token, now=services.clock())
    if remembered is not None:
        return remembered
    async with services.uow() as uow:
        try:
            return await review.staff_for_token(uow, token, now=services.clock())
        except NotPermitted as exc:
            raise _unauthorized(exc.message) from None
