"""Read models for the bot: a farmer's requests and balance, an expert's queue and yearly figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, select

from core import ledger
from core.budget import budget_year, year_bounds
from core.errors import NotFound
from core.matching import DONE_STATUSES, OPEN_STATUSES, WAITING_STATUSES, YEARLY_MINIMUM_SERVICES
from storage.enums import RequestStatus
from storage.models import Expert, Farmer, Rating, Reimbursement, ServiceObject, ServiceRequest
from storage.types import utcnow
from storage.uow import UnitOfWork

VISIBLE_TO_FARMER = tuple(s for s in RequestStatus if s is not RequestStatus.draft)
# A draft the farmer gave up before submitting was never a request to anyone: listed, it read as
# 已取消 beside the real ones. The newest open draft is offered apart, to finish (latest_draft).
NEVER_SENT = (ServiceRequest.status == RequestStatus.cancelled) & ServiceRequest.submitted_at.is_(None)


async def farmer_requests(uow: UnitOfWork, farmer_id: int, limit: int = 10) -> list[ServiceRequest]:
    rows = await uow.session.scalars(
        select(ServiceRequest)
        .where(
            ServiceRequest.farmer_id == farmer_id,
            ServiceRequest.status.in_(VISIBLE_TO_FARMER),
            ~NEVER_SENT,
        )
        .order_by(ServiceRequest.id.desc())
        .limit(limit)
    )
    return list(rows.all())


async def latest_waiting(uow: UnitOfWork, farmer_id: int) -> ServiceRequest | None:
    """The farmer's newest request that is submitted but not yet in service: waiting for review, or
    approved and waiting for the expert to accept. A farmer who writes again meanwhile most often
    means that request."""
    return await uow.session.scalar(
        select(ServiceRequest)
        .where(ServiceRequest.farmer_id == farmer_id, ServiceRequest.status.in_(WAITING_STATUSES))
        .order_by(ServiceRequest.id.desc())
        .limit(1)
    )


async def request_known(uow: UnitOfWork, request_id: int) -> ServiceRequest | None:
    """The request as this unit of work knows it: usually just written by the same update, so the
    identity map answers without a query."""
    return await uow.session.get(ServiceRequest, request_id)


async def expert_name(uow: UnitOfWork, expert_id: int | None) -> str:
    """The expert's name; empty when there is none (no expert chosen yet, or no such expert)."""
    expert = await uow.session.get(Expert, expert_id) if expert_id is not None else None
    return expert.name if expert else ""


async def latest_draft(uow: UnitOfWork, farmer_id: int) -> ServiceRequest | None:
    """The farmer's newest unsubmitted request. A farmer who left the intake half-way (the menu, a
    night's pause, "describe again" and then something else) finds it again under My requests;
    older drafts were each replaced by a newer problem and stay out of sight."""
    return await uow.session.scalar(
        select(ServiceRequest)
        .where(ServiceRequest.farmer_id == farmer_id, ServiceRequest.status == RequestStatus.draft)
        .order_by(ServiceRequest.id.desc())
        .limit(1)
    )


async def farmer_balance(
    uow: UnitOfWork, farmer_id: int, now: datetime | None = None
) -> ledger.Balance | None:
    """None when the county has not issued vouchers to the farmer's service object this year."""
    farmer = await uow.session.get(Farmer, farmer_id)
    if farmer is None:
        raise NotFound("farmer not found")
    try:
        account = await ledger.get_account(uow, farmer.service_object_id, budget_year(now or utcnow()))
    except NotFound:
        return None
    return await ledger.account_balance(uow, account.id)


async def service_object_of(uow: UnitOfWork, farmer_id: int) -> ServiceObject:
    farmer = await uow.session.get(Farmer, farmer_id)
    service_object = await uow.session.get(ServiceObject, farmer.service_object_id) if farmer else None
    if service_object is None:
        raise NotFound("farmer not found")
    return service_object


def _open_for(expert_id: int) -> tuple[ColumnElement[bool], ...]:
    return (ServiceRequest.expert_id == expert_id, ServiceRequest.status.in_(OPEN_STATUSES))


async def expert_queue(
    uow: UnitOfWork, expert_id: int, *, offset: int = 0, limit: int | None = None
) -> list[ServiceRequest]:
    """The expert's open requests, oldest first (a slice of them with `offset` and `limit`)."""
    query = select(ServiceRequest).where(*_open_for(expert_id)).order_by(ServiceRequest.id)
    rows = await uow.session.scalars(query.offset(offset).limit(limit))
    return list(rows.all())


@dataclass(frozen=True)
class QueueLine:
    request: ServiceRequest
    farmer_name: str  # several farmers often ask about the same crop: the line says whose it is


async def expert_queue_lines(uow: UnitOfWork, expert_id: int, *, offset: int, limit: int) -> list[QueueLine]:
    """A page of the expert's open requests, oldest first, each with its farmer's name: one query
    however many lines the page has."""
    query = (
        select(ServiceRequest, Farmer.name)
        .outerjoin(Farmer, Farmer.id == ServiceRequest.farmer_id)
        .where(*_open_for(expert_id))
        .order_by(ServiceRequest.id)
    )
    rows = await uow.session.execute(query.offset(offset).limit(limit))
    return [QueueLine(request, name or "") for request, name in rows.all()]


async def expert_queue_size(uow: UnitOfWork, expert_id: int) -> int:
    return int(await uow.session.scalar(select(func.count()).where(*_open_for(expert_id))) or 0)


@dataclass(frozen=True)
class ExpertYear:
    services: int
    minimum: int
    rating_avg: float | None
    rating_count: int
    earned_fen: int


async def expert_year(uow: UnitOfWork, expert_id: int, now: datetime | None = None) -> ExpertYear:
    expert = await uow.session.get(Expert, expert_id)
    if expert is None:
        raise NotFound("expert not found")
    year = budget_year(now or utcnow())
    start, end = year_bounds(year)
    services = await uow.session.scalar(
        select(func.count()).where(
            ServiceRequest.expert_id == expert_id,
            ServiceRequest.status.in_(DONE_STATUSES),
            ServiceRequest.completed_at >= start,
            ServiceRequest.completed_at < end,
        )
    )
    stars = (
        await uow.session.execute(
            select(func.avg(Rating.stars), func.count(Rating.id)).where(Rating.expert_id == expert_id)
        )
    ).one()
    earned = await uow.session.scalar(
        select(func.coalesce(func.sum(Reimbursement.amount_fen), 0)).where(
            Reimbursement.expert_id == expert_id, Reimbursement.budget_year == year
        )
    )
    return ExpertYear(
        services=int(services or 0),
        minimum=YEARLY_MINIMUM_SERVICES,
        rating_avg=float(stars[0]) if stars[0] is not None else None,
        rating_count=int(stars[1]),
        earned_fen=int(earned or 0),
    )
