"""The review desk (Art. 14): approving or rejecting a farmer's invitation.

Parse → one core call → render. The expert and the farmer hear of a decision from the bot, which
reads the request's events (bot.notifier), whichever tool made it.
"""

from __future__ import annotations

from admin_api.endpoints import Api, Call
from admin_api.schemas.review import RejectBody, RequestState
from core import review
from core.permissions import Permission

api = Api(tag="review")
VIA = "api"


@api.route(
    "POST",
    "/api/v1/requests/{id}/approve",
    summary="Approve the invitation: the expert is invited (or, for a park's offer, the service starts)",
    permission=Permission.review_requests,
    errors=(409,),
)
async def approve_request(call: Call) -> RequestState:
    async with call.uow() as uow:
        request = await review.approve(uow, call.path_id(), call.staff, via=VIA, now=call.now())
    return RequestState(id=request.id, status=request.status)


@api.route(
    "POST",
    "/api/v1/requests/{id}/reject",
    summary="Reject with a reason the farmer reads; the voucher hold is released",
    permission=Permission.review_requests,
    errors=(409,),
)
async def reject_request(call: Call, body: RejectBody) -> RequestState:
    async with call.uow() as uow:
        request = await review.reject(
            uow, call.path_id(), call.staff, reason=body.reason, via=VIA, now=call.now()
        )
    return RequestState(id=request.id, status=request.status)
