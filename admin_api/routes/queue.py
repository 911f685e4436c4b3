"""The review queue and claims (Art. 14): which requests wait, and who is working which.

Parse → one core call → render.
"""

from __future__ import annotations

from aiohttp import web

from admin_api.endpoints import Api, Call
from admin_api.schemas.queue import ClaimOut, QueuePage, QueueQuery, Unclaimed, page_json
from core import claims
from core.permissions import Permission
from core.review_queue import review_queue as queue_page

api = Api(tag="queue")
VIA = "api"


@api.route(
    "GET",
    "/api/v1/review-queue",
    summary="Requests waiting for review, oldest first, in the caller's scope, a page at a time",
    permission=Permission.read_requests,
    response=QueuePage,
)
async def review_queue(call: Call, query: QueueQuery) -> web.Response:
    async with call.uow() as uow:
        page = await queue_page(
            uow, call.staff, query.filters(), now=call.now(), limit=query.limit, after=query.after()
        )
    # The API's busiest call: the page's JSON is written straight from core's rows (QueuePage's JSON).
    return web.Response(body=page_json(page), content_type="application/json", charset="utf-8")


@api.route(
    "POST",
    "/api/v1/requests/{id}/claim",
    summary="Claim a request for 30 minutes (again: extend your claim), so no one else decides it",
    permission=Permission.review_requests,
    errors=(409,),
)
async def claim_request(call: Call) -> ClaimOut:
    async with call.uow() as uow:
        claim = await claims.claim(uow, call.path_id(), call.staff, now=call.now(), via=VIA)
    return ClaimOut.of(claim)


@api.route(
    "POST",
    "/api/v1/requests/{id}/unclaim",
    summary="Release your claim (county admins and the city institute: anyone's)",
    permission=Permission.review_requests,
)
async def unclaim_request(call: Call) -> Unclaimed:
    request_id = call.path_id()
    async with call.uow() as uow:
        released = await claims.unclaim(uow, request_id, call.staff, now=call.now(), via=VIA)
    return Unclaimed(request_id=request_id, released=None if released is None else ClaimOut.of(released))
