"""The team leader's view of the team: load, lateness and the yearly minimum (Art. 7, 9(3)).

Each county's expert team has a leader (团长, associate-senior or above, Art. 7) who keeps the team
serving: invitations answered within the day, everyone on the way to the yearly minimum of five
services (an expert under it is dismissed, Art. 9(3)2(1)). PRODUCT.md: "lateness is visible to the
leader". Everything here is read from the requests and their recorded events, so the figures are
the ones the county assesses.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, select

from core.budget import budget_year, year_bounds
from core.errors import NotFound, NotPermitted
from core.matching import DONE_STATUSES, YEARLY_MINIMUM_SERVICES
from core.requests import INVITATION_TTL
from storage.enums import ExpertStatus, RequestStatus
from storage.models import County, Expert, Rating, RequestEvent, ServiceRequest, Team
from storage.types import utcnow
from storage.uow import UnitOfWork

# An invitation unanswered for half its 24 hours is late: the leader still has time to remind the
# expert before it expires and the farmer has to choose again.
LATE_AFTER_HOURS = INVITATION_TTL.total_seconds() / 3600 / 2


@dataclass(frozen=True)
class MemberStatus:
    expert_id: int
    name: str
    title: str
    waiting: int  # invitations approved and not yet answered
    oldest_waiting_hours: float | None  # since the oldest of them was sent
    in_service: int
    services: int  # completed this year
    expired: int  # invitations let expire this year
    declined: int  # invitations declined this year
    answer_hours: float | None  # mean time from invitation to accept or decline, this year
    rating_avg: float | None
    rating_count: int

    @property
    def late(self) -> bool:
        return self.oldest_waiting_hours is not None and self.oldest_waiting_hours >= LATE_AFTER_HOURS


@dataclass(frozen=True)
class TeamOverview:
    team_name: str
    county_name: str
    year: int
    minimum: int
    members: tuple[MemberStatus, ...]  # the late first, then by services this year, fewest first


async def team_overview(uow: UnitOfWork, leader_id: int, now: datetime | None = None) -> TeamOverview:
    """The leader's team, member by member. Only a team's leader may see it."""
    now = now or utcnow()
    leader = await uow.session.get(Expert, leader_id)
    if leader is None:
        raise NotFound("expert not found")
    if not leader.is_leader:
        raise NotPermitted("only the team leader sees the team's figures")
    team = await uow.session.get(Team, leader.team_id)
    county = await uow.session.get(County, leader.county_id)
    assert team is not None and county is not None
    year = budget_year(now)
    start, end = year_bounds(year)
    members = (
        await uow.session.scalars(
            select(Expert)
            .where(Expert.team_id == team.id, Expert.status == ExpertStatus.active)
            .order_by(Expert.id)
        )
    ).all()
    ids = [m.id for m in members]

    waiting: dict[int, tuple[int, datetime | None]] = {
        expert_id: (int(count), first_expiry)
        for expert_id, count, first_expiry in (
            await uow.session.execute(
                select(
                    ServiceRequest.expert_id,
                    func.count(),
                    func.min(ServiceRequest.invitation_expires_at),
                )
                .where(ServiceRequest.expert_id.in_(ids), ServiceRequest.status == RequestStatus.approved)
                .group_by(ServiceRequest.expert_id)
            )
        ).all()
        if expert_id is not None
    }
    in_service = await _count_by_expert(
        uow, ids, ServiceRequest.status == RequestStatus.in_service, ServiceRequest.expert_id.is_not(None)
    )
    services = await _count_by_expert(
        uow,
        ids,
        ServiceRequest.status.in_(DONE_STATUSES),
        ServiceRequest.completed_at >= start,
        ServiceRequest.completed_at < end,
    )
    passed, answer_hours = await _answers(uow, ids, start, end)
    ratings = {
        expert_id: (float(avg), int(count))
        for expert_id, avg, count in (
            await uow.session.execute(
                select(Rating.expert_id, func.avg(Rating.stars), func.count(Rating.id))
                .where(Rating.expert_id.in_(ids))
                .group_by(Rating.expert_id)
            )
        ).all()
    }

    statuses = []
    for member in members:
        count, first_expiry = waiting.get(member.id, (0, None))
        # An invitation expires INVITATION_TTL after it was sent (core.requests.approve).
        sent = first_expiry - INVITATION_TTL if first_expiry is not None else None
        oldest = (now - sent).total_seconds() / 3600 if sent is not None else None
        rating = ratings.get(member.id)
        statuses.append(
            MemberStatus(
                expert_id=member.id,
                name=member.name,
                title=member.title,
                waiting=count,
                oldest_waiting_hours=max(oldest, 0.0) if oldest is not None else None,
                in_service=in_service.get(member.id, 0),
                services=services.get(member.id, 0),
                expired=passed.get((member.id, "expire"), 0),
                declined=passed.get((member.id, "decline"), 0),
                answer_hours=answer_hours.get(member.id),
                rating_avg=rating[0] if rating else None,
                rating_count=rating[1] if rating else 0,
            )
        )
    statuses.sort(key=lambda s: (not s.late, s.services, s.expert_id))
    return TeamOverview(team.name, county.name, year, YEARLY_MINIMUM_SERVICES, tuple(statuses))


async def _count_by_expert(uow: UnitOfWork, ids: list[int], *where: ColumnElement[bool]) -> dict[int, int]:
    rows = await uow.session.execute(
        select(ServiceRequest.expert_id, func.count())
        .where(ServiceRequest.expert_id.in_(ids), *where)
        .group_by(ServiceRequest.expert_id)
    )
    return {expert_id: int(count) for expert_id, count in rows.all() if expert_id is not None}


async def _answers(
    uow: UnitOfWork, ids: list[int], start: datetime, end: datetime
) -> tuple[dict[tuple[int, str], int], dict[int, float]]:
    """Per member this year: declines and expiries counted, and the mean hours from an invitation
    (its approval, or the farmer's new choice approved again) to the member's accept or decline."""
    events = (
        await uow.session.execute(
            select(RequestEvent.request_id, RequestEvent.action, RequestEvent.at, RequestEvent.expert_id)
            .where(
                RequestEvent.expert_id.in_(ids),
                RequestEvent.action.in_(("approve", "accept", "decline", "expire")),
                RequestEvent.at >= start,
                RequestEvent.at < end,
            )
            .order_by(RequestEvent.request_id, RequestEvent.id)
        )
    ).all()
    passed: dict[tuple[int, str], int] = defaultdict(int)
    waits: dict[int, list[float]] = defaultdict(list)
    invited_at: dict[tuple[int, int], datetime] = {}
    for request_id, action, at, expert_id in events:
        if expert_id is None:
            continue
        if action == "approve":
            invited_at[(request_id, expert_id)] = at
            continue
        if action in ("decline", "expire"):
            passed[(expert_id, action)] += 1
        sent = invited_at.pop((request_id, expert_id), None)
        if sent is not None and action in ("accept", "decline"):
            waits[expert_id].append((at - sent).total_seconds() / 3600)
    return dict(passed), {expert_id: sum(hours) / len(hours) for expert_id, hours in waits.items()}
