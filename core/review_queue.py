"""The reviewers' queue (Art. 14): requests waiting for review, as plain rows ready to print or serve."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from core.errors import NotFound
from core.scope import Staff
from storage.enums import RequestStatus, ServiceMode
from storage.models import County, Expert, Farmer, ServiceOffer, ServiceRequest, Specialty
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class QueuedRequest:
    id: int
    county: str
    farmer: str
    specialty: str | None  # the Chinese name, or the code when the specialty is unknown
    subject: str | None
    description: str
    photo_count: int
    fee_fen: int | None
    service_mode: ServiceMode | None
    submitted_at: datetime | None
    review_expected_at: datetime | None
    screening_flags: tuple[str, ...]
    expert: str | None  # whom the request invites
    # The expert's offer a park member accepted (Art. 15(3)); approving it puts the request in
    # service at once, since the expert has already said yes.
    offer_id: int | None = None


def _hits(screening: Any) -> Iterator[dict[str, Any]]:
    # The intake stores screening results per field; hits may sit at any depth, so walk the structure.
    if isinstance(screening, dict):
        if "term" in screening:
            yield screening
        for value in screening.values():
            yield from _hits(value)
    elif isinstance(screening, list):
        for item in screening:
            yield from _hits(item)


def screening_flags(screening: dict[str, Any] | None) -> tuple[str, ...]:
    """What a reviewer must look at: each flagged term once, as `category:term`."""
    flags: dict[str, None] = {}
    for hit in _hits(screening or {}):
        category = hit.get("category")
        flags[f"{category}:{hit['term']}" if category else str(hit["term"])] = None
    return tuple(flags)


async def _county_id(uow: UnitOfWork, county_name: str) -> int:
    county_id = await uow.session.scalar(select(County.id).where(County.name == county_name))
    if county_id is None:
        known = ", ".join((await uow.session.scalars(select(County.name).order_by(County.code))).all())
        raise NotFound(f"unknown county {county_name!r}; known: {known or 'none (run jingfu seed demo)'}")
    return county_id


async def pending_review(
    uow: UnitOfWork, staff: Staff, *, county_name: str | None = None
) -> list[QueuedRequest]:
    """The queue in the order it should be worked: oldest submission first, within the staff's scope."""
    query = (
        select(ServiceRequest, County.name, Farmer.name, Specialty.name_zh, Expert.name, ServiceOffer.id)
        .join(County, County.id == ServiceRequest.county_id)
        .join(Farmer, Farmer.id == ServiceRequest.farmer_id)
        .outerjoin(Specialty, Specialty.code == ServiceRequest.specialty_code)
        .outerjoin(Expert, Expert.id == ServiceRequest.expert_id)
        .outerjoin(ServiceOffer, ServiceOffer.request_id == ServiceRequest.id)
        .where(ServiceRequest.status == RequestStatus.pending_review)
        .order_by(ServiceRequest.submitted_at, ServiceRequest.id)
    )
    if county_name is not None:
        county_id = await _county_id(uow, county_name)
        staff.ensure_county(county_id)
        query = query.where(ServiceRequest.county_id == county_id)
    if staff.county_id is not None:
        query = query.where(ServiceRequest.county_id == staff.county_id)
    rows = (await uow.session.execute(query)).all()
    return [
        QueuedRequest(
            id=request.id,
            county=county,
            farmer=farmer,
            specialty=specialty or request.specialty_code,
            subject=request.subject,
            description=request.description,
            photo_count=len(request.photo_file_ids or []),
            fee_fen=request.fee_fen,
            service_mode=request.service_mode,
            submitted_at=request.submitted_at,
            review_expected_at=request.review_expected_at,
            screening_flags=screening_flags(request.screening),
            expert=expert,
            offer_id=offer_id,
        )
        for request, county, farmer, specialty, expert, offer_id in rows
    ]
