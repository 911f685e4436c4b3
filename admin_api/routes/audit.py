"""The audit log: who did what, when, and what it changed; newest first, filtered, in pages.

County staff read the entries about their own county's objects only (core.audit.entries).
"""

from __future__ import annotations

from admin_api.endpoints import Api, Call
from admin_api.schemas.audit import AuditEntry, AuditPage, AuditQuery
from core import audit
from core.permissions import Permission

api = Api(tag="audit")


@api.route(
    "GET",
    "/api/v1/audit",
    summary="The audit log, newest first: filter by actor, object, action and time",
    permission=Permission.read_audit,
)
async def read_audit(call: Call, query: AuditQuery) -> AuditPage:
    where = audit.AuditFilter(
        **query.model_dump(
            include={"actor_kind", "actor_id", "entity", "entity_id", "action", "since", "until"}
        )
    )
    async with call.uow() as uow:
        rows = await audit.entries(uow, call.staff, where, limit=query.limit, before_id=query.after_id())
    return AuditPage(
        items=[AuditEntry.of(row) for row in rows], next_cursor=query.next_cursor([r.id for r in rows])
    )
