"""What county staff read of farmers' complaints (Art. 9(3)): lists by state, one complaint with what
it is about. Resolving one is `core.feedback.resolve_complaint`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import aliased

from core.errors import NotFound, does_not_exist
from core.permissions import Permission
from core.scope import Staff
from storage.enums import ComplaintStatus, RequestStatus
from storage.models import Complaint, County, Expert, Farmer, Rating, ServiceRequest
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class ComplaintRow:
    id: int
    request_id: int
    county: str
    farmer: str
    expert: str | None
    text: str
    status: ComplaintStatus
    created_at: datetime
    resolved_at: datetime | None


@dataclass(frozen=True)
class ComplaintDetail(ComplaintRow):
    resolution: str | None
    farmer_id: int
    expert_id: int | None
    request_status: RequestStatus
    request_subject: str | None
    request_description: str
    submitted_at: datetime | None
    rating_stars: int | None  # the farmer's rating of the same service, if given
    rating_comment: str | None


_EXPERT = aliased(Expert)


def _select() -> Select[Complaint, ServiceRequest, str, str, str | None, Rating | None]:
    return (
        select(Complaint, ServiceRequest, County.name, Farmer.name, _EXPERT.name, Rating)
        .join(ServiceRequest, ServiceRequest.id == Complaint.request_id)
        .join(County, County.id == ServiceRequest.county_id)
        .join(Farmer, Farmer.id == Complaint.farmer_id)
        .outerjoin(_EXPERT, _EXPERT.id == Complaint.expert_id)
        .outerjoin(Rating, Rating.request_id == Complaint.request_id)
    )


def _row(
    complaint: Complaint, request: ServiceRequest, county: str, farmer: str, expert: str | None
) -> ComplaintRow:
    return ComplaintRow(
        complaint.id,
        request.id,
        county,
        farmer,
        expert,
        complaint.text,
        complaint.status,
        complaint.created_at,
        complaint.resolved_at,
    )


async def complaint_page(
    uow: UnitOfWork, staff: Staff, status: ComplaintStatus, *, limit: int, after_id: int | None = None
) -> list[ComplaintRow]:
    """One page of complaints in `status`, in the staff's scope: open ones oldest first (the order to
    work them in), resolved ones newest first. `after_id`: the last id of the previous page."""
    staff.ensure(Permission.read_complaints)
    newest_first = status is not ComplaintStatus.open
    query = (
        _select()
        .where(Complaint.status == status)
        .order_by(Complaint.id.desc() if newest_first else Complaint.id)
        .limit(limit)
    )
    if staff.county_id is not None:
        query = query.where(ServiceRequest.county_id == staff.county_id)
    if after_id is not None:
        query = query.where(Complaint.id < after_id if newest_first else Complaint.id > after_id)
    rows = (await uow.session.execute(query)).all()
    return [
        _row(complaint, request, county, farmer, expert)
        for complaint, request, county, farmer, expert, _ in rows
    ]


async def complaint_detail(uow: UnitOfWork, staff: Staff, complaint_id: int) -> ComplaintDetail:
    staff.ensure(Permission.read_complaints)
    found = (await uow.session.execute(_select().where(Complaint.id == complaint_id))).one_or_none()
    if found is None:
        raise NotFound(does_not_exist("complaint", complaint_id))
    complaint, request, county, farmer, expert, rating = found
    staff.ensure_county(request.county_id, what="complaint", object_id=complaint_id)
    return ComplaintDetail(
        **_row(complaint, request, county, farmer, expert).__dict__,
        resolution=complaint.resolution,
        farmer_id=complaint.farmer_id,
        expert_id=complaint.expert_id,
        request_status=request.status,
        request_subject=request.subject,
        request_description=request.description,
        submitted_at=request.submitted_at,
        rating_stars=rating.stars if rating else None,
        rating_comment=rating.comment if rating else None,
    )
