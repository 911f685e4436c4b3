"""The console's lists beside the queue: advisories waiting for review, complaints, the audit log.

Read-only pages, each one core call (the API's advisories, complaints and audit routes make the
same ones); one advisory or complaint, and acting on it, is admin_api.console.desk.
"""

from __future__ import annotations

from aiohttp import web

from admin_api.console.render import page
from admin_api.console.views import services, signed_in
from core import audit
from core.advisory_review import ReviewState, advisory_page
from core.complaint_desk import complaint_page
from storage.enums import ComplaintStatus

PAGE = 100
routes = web.RouteTableDef()


@routes.get("/advisories")
async def advisories(request: web.Request) -> web.Response:
    session = signed_in(request)
    asked = request.query.get("state", "pending")
    state = ReviewState(asked) if asked in ReviewState.__members__ else ReviewState.pending
    async with services(request).uow() as uow:
        rows = await advisory_page(uow, session.staff, state, limit=PAGE)
    return page(
        request, "advisories.html", page_name="advisories", rows=rows, shown=state, states=ReviewState
    )


@routes.get("/complaints")
async def complaints(request: web.Request) -> web.Response:
    session = signed_in(request)
    asked = request.query.get("status", "open")
    status = ComplaintStatus(asked) if asked in ComplaintStatus.__members__ else ComplaintStatus.open
    async with services(request).uow() as uow:
        rows = await complaint_page(uow, session.staff, status, limit=PAGE)
    return page(
        request, "complaints.html", page_name="complaints", rows=rows, shown=status, statuses=ComplaintStatus
    )


@routes.get("/audit")
async def audit_log(request: web.Request) -> web.Response:
    session = signed_in(request)
    action = request.query.get("action", "").strip()[:64] or None
    entity = request.query.get("entity", "").strip()[:32] or None
    where = audit.AuditFilter(action=action, entity=entity)
    async with services(request).uow() as uow:
        rows = await audit.entries(uow, session.staff, where, limit=PAGE)
    return page(request, "audit.html", page_name="audit", rows=rows, action=action or "", entity=entity or "")
