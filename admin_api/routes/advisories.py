"""The advisory desk (Art. 8(2)): experts' warnings waiting for review; approve (the bot sends it to
the county's farmers it concerns) or reject with a reason (the bot tells the expert).

Parse → one core call → render. The bot's advisory sender reads the delivery rows an approval writes
(bot.advisory_sender), whichever tool approved.
"""

from __future__ import annotations

from admin_api.endpoints import Api, Call
from admin_api.schemas.advisories import (
    AdvisoryDecision,
    AdvisoryItem,
    AdvisoryOut,
    AdvisoryPage,
    AdvisoryQuery,
    AdvisoryRejectBody,
)
from core import advisories
from core.advisory_review import advisory_detail, advisory_page
from core.permissions import Permission

api = Api(tag="advisories")
VIA = "api"


@api.route(
    "GET",
    "/api/v1/advisories",
    summary="Experts' advisories by review state, in the caller's county",
    permission=Permission.review_advisories,
)
async def list_advisories(call: Call, query: AdvisoryQuery) -> AdvisoryPage:
    async with call.uow() as uow:
        rows = await advisory_page(
            uow, call.staff, query.status, limit=query.limit, after_id=query.after_id()
        )
    return AdvisoryPage(
        items=[AdvisoryItem.of(row) for row in rows], next_cursor=query.next_cursor([r.id for r in rows])
    )


@api.route(
    "GET",
    "/api/v1/advisories/{id}",
    summary="One advisory in full: text, expert, screening flags, how many farmers it reaches",
    permission=Permission.review_advisories,
)
async def read_advisory(call: Call) -> AdvisoryOut:
    async with call.uow() as uow:
        return AdvisoryOut.of(await advisory_detail(uow, call.staff, call.path_id()))


@api.route(
    "POST",
    "/api/v1/advisories/{id}/approve",
    summary="Approve: the bot sends it to the county's farmers it concerns and tells the expert",
    permission=Permission.review_advisories,
    errors=(409,),
)
async def approve_advisory(call: Call) -> AdvisoryDecision:
    async with call.uow() as uow:
        advisory, count = await advisories.approve_advisory(
            uow, call.path_id(), call.staff, via=VIA, now=call.now()
        )
    return AdvisoryDecision(id=advisory.id, status=advisory.status, recipients=count)


@api.route(
    "POST",
    "/api/v1/advisories/{id}/reject",
    summary="Reject with a reason the expert reads; nobody receives it",
    permission=Permission.review_advisories,
    errors=(409,),
)
async def reject_advisory(call: Call, body: AdvisoryRejectBody) -> AdvisoryDecision:
    async with call.uow() as uow:
        advisory = await advisories.reject_advisory(
            uow, call.path_id(), call.staff, reason=body.reason, via=VIA, now=call.now()
        )
    return AdvisoryDecision(id=advisory.id, status=advisory.status, recipients=0)
