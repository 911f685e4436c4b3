"""The audit log: everything an admin (or the system on their behalf) does, with what it changed.

Write an entry in the same unit of work as the change it records, before the commit:

    await audit.record(
        uow, staff.actor, "request.approve", "service_request", request.id,
        before={"status": "pending_review"}, after={"status": "approved"}, via="api",
    )

`before` and `after` are small JSON objects saying what the act changed (a status, a claim's holder,
a note's id); leave them out when nothing existed before (a new note: `after` only) or nothing is left
after. Further keyword arguments are the act's details (`via`, a reason, counts). All of them are
stored in the entry's `detail`; `before` and `after` under those two keys.

Reading (`entries`): newest first, filtered, one keyset page at a time. County staff see only entries
about their own county's objects (`AuditLog.county_id`, see `county_of`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from core.actors import Actor
from core.errors import within_limit
from core.permissions import Permission
from core.scope import Staff
from storage.enums import ActorKind
from storage.models import (
    AdminUser,
    Advisory,
    AuditLog,
    Complaint,
    Expert,
    Farmer,
    InviteCode,
    ServiceObject,
    ServiceOffer,
    ServiceRequest,
    Team,
    ThreadMessage,
)
from storage.models.admin import RequestClaim, ReviewNote
from storage.uow import UnitOfWork

MAX_PAGE = 200


def changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """What an edit changed, as its audit entry keeps it: the keys whose values differ, before and after."""
    changed = [key for key in after if after[key] != before[key]]
    return {key: before[key] for key in changed}, {key: after[key] for key in changed}


async def record(
    uow: UnitOfWork,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: int | None,
    *,
    before: Any = None,
    after: Any = None,
    county_id: int | None = None,
    **detail: Any,
) -> AuditLog:
    """Add an entry to the unit of work (flushed, not committed). `county_id`: the county whose object
    this is; left out, it is found from the entity (`county_of`)."""
    if before is not None:
        detail["before"] = before
    if after is not None:
        detail["after"] = after
    entry = AuditLog(
        actor_kind=actor.kind,
        actor_id=actor.id,
        action=action,
        entity=entity,
        entity_id=entity_id,
        detail=detail,
        county_id=county_id if county_id is not None else await county_of(uow, entity, entity_id),
    )
    uow.session.add(entry)
    await uow.flush()
    return entry


# How an entry's object leads to its county. Most objects carry it; a complaint, a thread message or a
# reviewer's note belong to a request. Objects of no county (a city admin) have none: county staff
# never see those entries.
_DIRECT: dict[str, Any] = {
    "service_request": ServiceRequest,
    "advisory": Advisory,
    "service_offer": ServiceOffer,
    "expert": Expert,
    "farmer": Farmer,
    "service_object": ServiceObject,
    "team": Team,
    "admin_user": AdminUser,
}
_BY_REQUEST: dict[str, Any] = {
    "complaint": Complaint,
    "thread_message": ThreadMessage,
    "review_note": ReviewNote,
    "request_claim": RequestClaim,
}


async def county_of(uow: UnitOfWork, entity: str, entity_id: int | None) -> int | None:
    """The county of the object an entry is about (None: no object, or one of no county). The object
    is usually in the session already, being acted on, so this seldom costs a query."""
    if entity_id is None:
        return None
    if entity in _DIRECT:
        row = await uow.session.get(_DIRECT[entity], entity_id)
        return getattr(row, "county_id", None)
    if entity in _BY_REQUEST:
        model = _BY_REQUEST[entity]
        key = model.request_id if model is RequestClaim else model.id
        return await uow.session.scalar(
            select(ServiceRequest.county_id)
            .join(model, model.request_id == ServiceRequest.id)
            .where(key == entity_id)
        )
    if entity == "invite_code":
        code = await uow.session.get(InviteCode, entity_id)
        if code is None:
            return None
        if code.expert_id is not None:
            return await county_of(uow, "expert", code.expert_id)
        return await county_of(uow, "service_object", code.service_object_id)
    return None


@dataclass(frozen=True)
class AuditFilter:
    actor_kind: ActorKind | None = None
    actor_id: int | None = None
    entity: str | None = None
    entity_id: int | None = None
    action: str | None = None
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive


async def entries(
    uow: UnitOfWork, staff: Staff, where: AuditFilter, *, limit: int, before_id: int | None = None
) -> list[AuditLog]:
    """Entries matching `where`, newest first, older than entry `before_id` (the keyset: ids grow
    with time, so a page never repeats or skips an entry written while a reader pages). County staff
    get their county's entries only."""
    staff.ensure(Permission.read_audit)
    # What a reader typed reaches the database as a parameter: PostgreSQL refuses a NUL in it.
    for field, typed, limit_ in (("action", where.action, 64), ("entity", where.entity, 32)):
        if typed is not None:
            within_limit(typed, limit_, field=field, what=field)
    query = select(AuditLog).order_by(AuditLog.id.desc()).limit(min(limit, MAX_PAGE))
    if staff.county_id is not None:
        query = query.where(AuditLog.county_id == staff.county_id)
    for column, value in (
        (AuditLog.actor_kind, where.actor_kind),
        (AuditLog.actor_id, where.actor_id),
        (AuditLog.entity, where.entity),
        (AuditLog.entity_id, where.entity_id),
        (AuditLog.action, where.action),
    ):
        if value is not None:
            query = query.where(column == value)
    if where.since is not None:
        query = query.where(AuditLog.at >= where.since)
    if where.until is not None:
        query = query.where(AuditLog.at < where.until)
    if before_id is not None:
        query = query.where(AuditLog.id < before_id)
    return list((await uow.session.scalars(query)).all())
