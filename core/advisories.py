"""Advisories (Art. 8(2)): experts publish pest, disaster and epidemic warnings; county staff review them."""

from __future__ import annotations

from core.errors import InvalidInput, NotFound
from storage.enums import AdvisoryCategory
from storage.models import Advisory, Expert
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
