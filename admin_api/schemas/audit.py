"""The audit log's shapes: the filters a reader gives and the entries they get."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import AwareDatetime, BaseModel, Field

from admin_api.endpoints import ID_MAX
from admin_api.pagination import PageQuery
from storage.enums import ActorKind
from storage.models import AuditLog


class AuditQuery(PageQuery):
    actor_kind: ActorKind | None = Field(None, description="admin, farmer, expert or system")
    actor_id: int | None = Field(None, ge=1, le=ID_MAX, description="the admin's (or person's) id")
    entity: str | None = Field(
        None, max_length=32, description="the kind of object: service_request, advisory, complaint, …"
    )
    entity_id: int | None = Field(None, ge=1, le=ID_MAX)
    action: str | None = Field(None, max_length=64, description="e.g. request.approve, advisory.reject")
    since: AwareDatetime | None = Field(None, description="entries at or after this time (with its offset)")
    until: AwareDatetime | None = Field(None, description="entries before this time (with its offset)")


class AuditEntry(BaseModel):
    id: int
    at: datetime
    actor_kind: ActorKind
    actor_id: int | None = Field(description="null for the local operator and the system")
    action: str
    entity: str
    entity_id: int | None
    before: Any = Field(description="what the act changed, as it was (null: nothing was there)")
    after: Any = Field(description="what the act changed, as it is after it")
    detail: dict[str, Any] = Field(description="the act's other details: via, reason, counts")

    @classmethod
    def of(cls, row: AuditLog) -> AuditEntry:
        detail = dict(row.detail or {})
        before, after = detail.pop("before", None), detail.pop("after", None)
        return cls(
            id=row.id,
            at=row.at,
            actor_kind=row.actor_kind,
            actor_id=row.actor_id,
            action=row.action,
            entity=row.entity,
            entity_id=row.entity_id,
            before=before,
            after=after,
            detail=detail,
        )


class AuditPage(BaseModel):
    items: list[AuditEntry]
    next_cursor: str | None = Field(description="send as `cursor` for the next (older) page; null: no more")
