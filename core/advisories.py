"""Advisories (Art. 8(2)): experts publish pest, disaster and epidemic warnings; county staff review them."""

from __future__ import annotations

from sqlalchemy import select

from core.errors import IllegalTransition, InvalidInput, NotFound
from core.scope import Staff
from storage.enums import AdvisoryCategory, AdvisoryStatus
from storage.models import Advisory, Expert, Farmer, ServiceObject
from storage.types import utcnow
from storage.uow import UnitOfWork

MAX_BODY = 2000


async def submit_advisory(
    uow: UnitOfWork,
    expert_id: int,
    *,
    category: AdvisoryCategory,
    body: str,
    target_subjects: list[str],
) -> Advisory:
    expert = await uow.session.get(Expert, expert_id)
    if expert is None:
        raise NotFound("expert not found")
    body = body.strip()
    if not body:
        raise InvalidInput("the advisory is empty")
    if len(body) > MAX_BODY:
        raise InvalidInput(f"an advisory is limited to {MAX_BODY} characters")
    advisory = Advisory(
        expert_id=expert.id,
        county_id=expert.county_id,
        category=category,
        title=body.splitlines()[0][:60],
        body=body,
        target_subjects=target_subjects,
    )
    uow.session.add(advisory)
    await uow.commit()
    return advisory


async def review_advisory(
    uow: UnitOfWork, advisory_id: int, staff: Staff, *, approve: bool, reason: str | None = None
) -> Advisory:
    advisory = await uow.session.get(Advisory, advisory_id)
    if advisory is None:
        raise NotFound(f"advisory {advisory_id} does not exist")
    staff.ensure_county(advisory.county_id)
    if advisory.status is not AdvisoryStatus.pending_review:
        raise IllegalTransition(f"advisory {advisory_id} is {advisory.status}, not waiting for review")
    if not approve and not (reason and reason.strip()):
        raise InvalidInput("a rejection needs a reason")
    advisory.status = AdvisoryStatus.approved if approve else AdvisoryStatus.rejected
    advisory.reviewed_by = staff.admin_id
    advisory.reviewed_at = utcnow()
    advisory.reason = reason
    await uow.commit()
    return advisory


async def recipients(uow: UnitOfWork, advisory: Advisory) -> list[Farmer]:
    """Farmers of the advisory's county who receive advisories (all of them: industry filtering is by
    the service object's main industries when the advisory names subjects)."""
    query = (
        select(Farmer, ServiceObject.main_industries)
        .join(ServiceObject, ServiceObject.id == Farmer.service_object_id)
        .where(Farmer.county_id == advisory.county_id, Farmer.advisories_enabled.is_(True))
    )
    wanted = set(advisory.target_subjects)
    return [
        farmer
        for farmer, industries in (await uow.session.execute(query)).all()
        if not wanted or wanted & set(industries or [])
    ]
