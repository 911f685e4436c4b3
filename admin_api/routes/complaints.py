"""The complaint desk (Art. 9(3)): farmers' complaints about a service, read and resolved by the
county as verified (it counts against the expert in the yearly assessment) or unfounded, with a note.

Parse → one core call → render.
"""

from __future__ import annotations

from admin_api.endpoints import Api, Call
from admin_api.schemas.complaints import (
    ComplaintItem,
    ComplaintOut,
    ComplaintPage,
    ComplaintQuery,
    ComplaintResolved,
    ResolveBody,
)
from core.complaint_desk import complaint_detail, complaint_page
from core.feedback import resolve_complaint
from core.permissions import Permission

api = Api(tag="complaints")


@api.route(
    "GET",
    "/api/v1/complaints",
    summary="Farmers' complaints by state, in the caller's county",
    permission=Permission.read_complaints,
)
async def list_complaints(call: Call, query: ComplaintQuery) -> ComplaintPage:
    async with call.uow() as uow:
        rows = await complaint_page(
            uow, call.staff, query.status.stored, limit=query.limit, after_id=query.after_id()
        )
    return ComplaintPage(
        items=[ComplaintItem.of(row) for row in rows], next_cursor=query.next_cursor([r.id for r in rows])
    )


@api.route(
    "GET",
    "/api/v1/complaints/{id}",
    summary="One complaint with its request, the expert and the farmer's rating",
    permission=Permission.read_complaints,
)
async def read_complaint(call: Call) -> ComplaintOut:
    async with call.uow() as uow:
        return ComplaintOut.of(await complaint_detail(uow, call.staff, call.path_id()))


@api.route(
    "POST",
    "/api/v1/complaints/{id}/resolve",
    summary="Resolve an open complaint as verified or unfounded, with a note; once only",
    permission=Permission.resolve_complaints,
    errors=(409,),
)
async def resolve(call: Call, body: ResolveBody) -> ComplaintResolved:
    async with call.uow() as uow:
        complaint = await resolve_complaint(
            uow,
            complaint_id=call.path_id(),
            staff=call.staff,
            verified=body.verdict == "verified",
            resolution=body.note,
            now=call.now(),
        )
    return ComplaintResolved.of(complaint)
