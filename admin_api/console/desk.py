"""The desk beside the queue: an advisory read and decided, a complaint read and resolved, reviewers'
notes on a request.

A view reads the form, calls ONE core use case (the same the API's advisories, complaints and notes
routes call) and redirects to the page that shows the outcome. The checks (role, county, state, a
reason or note required) are core's; a refusal is the console's error page.
"""

from __future__ import annotations

from urllib.parse import urlencode

from aiohttp import web

from admin_api.bodies import read_form
from admin_api.console.render import outcome, page
from admin_api.console.views import VIA, checked_form, services, signed_in
from admin_api.console.views import request_id as path_id
from admin_api.schemas.complaints import ResolveBody
from core import advisories, review_notes
from core.advisory_review import ReviewState, advisory_detail
from core.complaint_desk import complaint_detail
from core.feedback import resolve_complaint

routes = web.RouteTableDef()


def _shown(path: str, done: str) -> web.HTTPSeeOther:
    return web.HTTPSeeOther(f"{path}?{urlencode({'done': done})}")


@routes.get("/advisories/{id}")
async def advisory_page(request: web.Request) -> web.Response:
    session = signed_in(request)
    async with services(request).uow() as uow:
        detail = await advisory_detail(uow, session.staff, path_id(request))
    return page(
        request,
        "advisory.html",
        page_name="advisories",
        a=detail,
        pending=detail.status == "pending_review",
        done=outcome(request, "approved", "rejected"),
        states=ReviewState,
    )


@routes.post("/advisories/{id}/approve")
async def approve_advisory(request: web.Request) -> web.Response:
    session, _ = await checked_form(request)
    svc = services(request)
    async with svc.uow() as uow:
        advisory, _count = await advisories.approve_advisory(
            uow, path_id(request), session.staff, via=VIA, now=svc.clock()
        )
    raise _shown(f"/console/advisories/{advisory.id}", "approved")


@routes.post("/advisories/{id}/reject")
async def reject_advisory(request: web.Request) -> web.Response:
    session, form = await checked_form(request)
    svc = services(request)
    async with svc.uow() as uow:
        advisory = await advisories.reject_advisory(
            uow, path_id(request), session.staff, reason=str(form.get("reason", "")), via=VIA, now=svc.clock()
        )
    raise _shown(f"/console/advisories/{advisory.id}", "rejected")


@routes.get("/complaints/{id}")
async def complaint_page(request: web.Request) -> web.Response:
    session = signed_in(request)
    async with services(request).uow() as uow:
        detail = await complaint_detail(uow, session.staff, path_id(request))
    return page(
        request, "complaint.html", page_name="complaints", c=detail, done=outcome(request, "resolved")
    )


@routes.post("/complaints/{id}/resolve")
async def resolve(request: web.Request) -> web.Response:
    session, form = await checked_form(request)
    verdict = read_form({"verdict": form.get("verdict"), "note": form.get("note", "")}, ResolveBody)
    svc = services(request)
    async with svc.uow() as uow:
        complaint = await resolve_complaint(
            uow,
            complaint_id=path_id(request),
            staff=session.staff,
            verified=verdict.verdict == "verified",
            resolution=verdict.note,
            now=svc.clock(),
        )
    raise _shown(f"/console/complaints/{complaint.id}", "resolved")


@routes.post("/requests/{id}/notes")
async def add_note(request: web.Request) -> web.Response:
    session, form = await checked_form(request)
    svc = services(request)
    async with svc.uow() as uow:
        note = await review_notes.add_note(
            uow, session.staff, path_id(request), str(form.get("text", "")), via=VIA, now=svc.clock()
        )
    raise web.HTTPSeeOther(f"/console/requests/{note.request_id}#notes")
