"""The farmer's word on a service: ratings that settle it, and complaints the county verifies.

Art. 11(2): farmers rate the expert's service and answer for what they write; Art. 9(3)2(3): a
verified complaint counts against the expert. Each function is one use case and commits its unit of
work. Screening the farmer's text (Art. 11(3)) is the caller's job, before calling in.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import exists, select

from core import audit, expert_figures, lifecycle
from core.actors import Actor
from core.errors import IllegalTransition, InvalidInput, NotFound, NotPermitted, does_not_exist, within_limit
from core.lifecycle import Action
from core.permissions import Permission
from core.requests import load_request
from core.scope import Staff
from storage.enums import ComplaintStatus, RequestStatus
from storage.models import Complaint, Rating, ServiceRequest
from storage.types import utcnow
from storage.uow import UnitOfWork

MAX_TEXT_LENGTH = 2000
STARS = range(1, 6)
AUTO_CONFIRM_AFTER_DAYS = 3


def _clean_text(text: str | None, *, field: str, required: bool) -> str | None:
    cleaned = (text or "").strip()
    if required and not cleaned:
        raise InvalidInput(f"{field} must not be empty", field=field)
    return within_limit(cleaned, MAX_TEXT_LENGTH, field=field, what=f"the {field}") or None


async def _farmers_request(uow: UnitOfWork, request_id: int, farmer_id: int) -> ServiceRequest:
    request = await load_request(uow, request_id)  # locked: a double tap cannot settle twice
    if request.farmer_id != farmer_id:
        raise NotPermitted("only the farmer who asked may do this", request_id=request_id)
    return request


async def ratable(uow: UnitOfWork, request_id: int, farmer_id: int, *, lock: bool = True) -> ServiceRequest:
    """The farmer's completed service, not rated yet; IllegalTransition (with the status) otherwise.
    Asked by the stars' button before the comment question, so an old button is refused at once."""
    request = await load_request(uow, request_id, lock=lock)
    if request.farmer_id != farmer_id:
        raise NotPermitted("only the farmer who asked may do this", request_id=request_id)
    if await uow.session.scalar(select(exists().where(Rating.request_id == request_id))):
        raise IllegalTransition("this service is already rated", request_id=request_id, status="settled")
    if request.status is not RequestStatus.completed or request.expert_id is None:
        raise IllegalTransition(
            f"a service can be rated once the expert completes it; this one is {request.status}",
            request_id=request_id,
            status=str(request.status),
        )
    return request


async def rate(
    uow: UnitOfWork,
    *,
    request_id: int,
    farmer_id: int,
    stars: int,
    comment: str | None = None,
    now: datetime | None = None,
) -> Rating:
    """The farmer rates a completed service (1–5 stars), which settles the request. Commits."""
    if isinstance(stars, bool) or stars not in STARS:
        raise InvalidInput("rate the service with 1 to 5 stars", field="stars", stars=stars)
    comment = _clean_text(comment, field="comment", required=False)
    request = await ratable(uow, request_id, farmer_id)
    assert request.expert_id is not None  # ratable: completed, so an expert served it
    now = now or utcnow()
    rating = Rating(
        request_id=request.id,
        farmer_id=farmer_id,
        expert_id=request.expert_id,
        stars=stars,
        comment=comment,
        created_at=now,
    )
    uow.session.add(rating)
    await expert_figures.count_rating(uow, request.expert_id, stars, now)
    await lifecycle.apply(
        uow, request, Action.settle, Actor.farmer(farmer_id), reason=f"rated {stars}/5", at=now
    )
    await uow.commit()
    return rating


async def auto_confirm_due(
    uow: UnitOfWork, *, now: datetime, after_days: int = AUTO_CONFIRM_AFTER_DAYS
) -> list[int]:
    """Settle completed services left unrated for `after_days`; no rating is invented. Commits.

    Returns the ids of the settled requests. Rows locked by a concurrent run are skipped, not waited for.
    """
    due = await uow.session.scalars(
        select(ServiceRequest)
        .where(
            ServiceRequest.status == RequestStatus.completed,
            ServiceRequest.completed_at <= now - timedelta(days=after_days),
            ~exists().where(Rating.request_id == ServiceRequest.id),
        )
        .order_by(ServiceRequest.id)
        .with_for_update(skip_locked=True)
    )
    settled = []
    reason = f"auto-confirmed after {after_days} days without a rating"
    for request in due.all():
        await lifecycle.apply(uow, request, Action.settle, Actor.system(), reason=reason, at=now)
        settled.append(request.id)
    await uow.commit()
    return settled


async def complain(
    uow: UnitOfWork, *, request_id: int, farmer_id: int, text: str, now: datetime | None = None
) -> Complaint:
    """The farmer complains about a submitted request, in any later status. Commits."""
    cleaned = _clean_text(text, field="complaint", required=True)
    request = await _farmers_request(uow, request_id, farmer_id)
    if request.submitted_at is None:
        raise IllegalTransition(
            "a request can be complained about once it is submitted", request_id=request_id
        )
    complaint = Complaint(
        request_id=request.id,
        farmer_id=farmer_id,
        expert_id=request.expert_id,
        text=cleaned,
        created_at=now or utcnow(),
    )
    uow.session.add(complaint)
    await uow.commit()
    return complaint


async def resolve_complaint(
    uow: UnitOfWork,
    *,
    complaint_id: int,
    staff: Staff,
    verified: bool,
    resolution: str,
    now: datetime | None = None,
) -> Complaint:
    """County staff (or the city) verify or dismiss an open complaint; audited. Commits.

    A verified complaint counts against the expert in the yearly assessment (Art. 9(3)2(3)).
    """
    staff.ensure(Permission.resolve_complaints)
    cleaned = _clean_text(resolution, field="resolution", required=True)
    complaint = await uow.session.get(Complaint, complaint_id, with_for_update=True)
    if complaint is None:
        raise NotFound(does_not_exist("complaint", complaint_id))
    request = await load_request(uow, complaint.request_id, lock=False)
    staff.ensure_county(request.county_id, what="complaint", object_id=complaint_id)
    if complaint.status is not ComplaintStatus.open:
        raise IllegalTransition(
            f"this complaint is already {complaint.status}",
            complaint_id=complaint_id,
            status=str(complaint.status),
        )
    complaint.status = ComplaintStatus.verified if verified else ComplaintStatus.dismissed
    complaint.resolution = cleaned
    complaint.resolved_at = now or utcnow()
    await audit.record(
        uow,
        staff.actor,
        f"complaint.{complaint.status}",
        "complaint",
        complaint.id,
        before={"status": str(ComplaintStatus.open)},
        after={"status": str(complaint.status), "resolution": cleaned},
        county_id=request.county_id,
        request_id=request.id,
        expert_id=complaint.expert_id,
    )
    await uow.commit()
    return complaint
