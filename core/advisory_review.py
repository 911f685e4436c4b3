"""What a reviewer reads of the experts' advisories (Art. 8(2)): lists by review state, one advisory
in full. The decisions themselves are `core.advisories.approve_advisory` / `reject_advisory`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Select, select

from core import advisories
from core.errors import NotFound, does_not_exist
from core.permissions import Permission
from core.review_queue import screening_flags
from core.scope import Staff
from storage.enums import AdvisoryCategory, AdvisoryStatus
from storage.models import Advisory, County, Expert
from storage.uow import UnitOfWork


class ReviewState(StrEnum):
    """The lists a reviewer asks for. `approved` holds the ones already sent out as well."""

    pending = "pending"
    approved = "approved"
    rejected = "rejected"


_STATUSES = {
    ReviewState.pending: (AdvisoryStatus.pending_review,),
    ReviewState.approved: (AdvisoryStatus.approved, AdvisoryStatus.sent),
    ReviewState.rejected: (AdvisoryStatus.rejected,),
}


@dataclass(frozen=True)
class AdvisoryRow:
    id: int
    county: str
    expert: str
    category: AdvisoryCategory
    title: str
    target_subjects: list[str]
    status: AdvisoryStatus
    submitted_at: datetime
    reviewed_at: datetime | None


@dataclass(frozen=True)
class AdvisoryDetail(AdvisoryRow):
    body: str
    expert_id: int
    screening_flags: tuple[str, ...]
    # Pending: the farmers it would reach if approved now; approved: the copies made; rejected: 0.
    recipients: int
    reason: str | None  # why it was rejected, as the expert read it
    reviewed_by: int | None


def _select() -> Select[Advisory, str, str]:
    return (
        select(Advisory, County.name, Expert.name)
        .join(County, County.id == Advisory.county_id)
        .join(Expert, Expert.id == Advisory.expert_id)
    )


def _row(advisory: Advisory, county: str, expert: str) -> AdvisoryRow:
    return AdvisoryRow(
        advisory.id,
        county,
        expert,
        advisory.category,
        advisory.title,
        list(advisory.target_subjects),
        advisory.status,
        advisory.created_at,
        advisory.reviewed_at,
    )


async def advisory_page(
    uow: UnitOfWork, staff: Staff, state: ReviewState, *, limit: int, after_id: int | None = None
) -> list[AdvisoryRow]:
    """One page of advisories in `state`, in the staff's scope. Pending ones oldest first (the order
    to work them in), decided ones newest first; `after_id` is the last id of the previous page."""
    staff.ensure(Permission.review_advisories)
    newest_first = state is not ReviewState.pending
    query = (
        _select()
        .where(Advisory.status.in_(_STATUSES[state]))
        .order_by(Advisory.id.desc() if newest_first else Advisory.id)
        .limit(limit)
    )
    if staff.county_id is not None:
        query = query.where(Advisory.county_id == staff.county_id)
    if after_id is not None:
        query = query.where(Advisory.id < after_id if newest_first else Advisory.id > after_id)
    return [_row(*row) for row in (await uow.session.execute(query)).all()]


async def advisory_detail(uow: UnitOfWork, staff: Staff, advisory_id: int) -> AdvisoryDetail:
    staff.ensure(Permission.review_advisories)
    found = (await uow.session.execute(_select().where(Advisory.id == advisory_id))).one_or_none()
    if found is None:
        raise NotFound(does_not_exist("advisory", advisory_id))
    advisory, county, expert = found
    staff.ensure_county(advisory.county_id, what="advisory", object_id=advisory_id)
    if advisory.status is AdvisoryStatus.pending_review:
        reach = len(await advisories.recipients(uow, advisory))
    else:
        reach = await advisories.copies(uow, advisory.id)
    return AdvisoryDetail(
        **_row(advisory, county, expert).__dict__,
        body=advisory.body,
        expert_id=advisory.expert_id,
        screening_flags=screening_flags(advisory.screening),
        recipients=reach,
        reason=advisory.reason,
        reviewed_by=advisory.reviewed_by,
    )
