"""The audit log: everything an admin (or the system on their behalf) does."""

from __future__ import annotations

from typing import Any

from core.actors import Actor
from storage.models import AuditLog
from storage.uow import UnitOfWork


async def record(
    uow: UnitOfWork, actor: Actor, action: str, entity: str, entity_id: int | None, **detail: Any
) -> AuditLog:
    entry = AuditLog(
        actor_kind=actor.kind,
        actor_id=actor.id,
        action=action,
        entity=entity,
        entity_id=entity_id,
        detail=detail,
    )
    uow.session.add(entry)
    await uow.flush()
    return entry
