"""The team leader's view of the team: load, lateness and the yearly minimum (Art. 7, 9(3)).

Each county's expert team has a leader (团长, associate-senior or above, Art. 7) who keeps the team
serving: invitations answered within the day, everyone on the way to the yearly minimum of five
services (an expert under it is dismissed, Art. 9(3)2(1)). PRODUCT.md: "lateness is visible to the
leader". The live load is read from the open requests; the year's figures and the ratings from
the running figures (core.expert_figures), which reconcile with the requests and their events, so
they are the ones the county assesses.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select

from core import expert_figures
from core.budget import budget_year
from core.errors import NotFound, NotPermitted
from core.matching import YEARLY_MINIMUM_SERVICES
from core.requests import INVITATION_TTL
from storage.enums import ExpertStatus, RequestStatus
from storage.models import County, Expert, ServiceRequest, Team
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
    in_team = select(Expert.id).where(Expert.team_id == team.id, Expert.status == ExpertStatus.active)
    # Columns, not ORM experts with their specialties: a team is a few hundred members.
    members = (
        await uow.session.execute(
            in_team.with_only_columns(Expert.id, Expert.name, Expert.title).order_by(Expert.id)
        )
    ).all()
    ids = in_team  # a subquery, not a list of a few hundred bound ids

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
    # This year's services, answers, declines and expiries and the ratings of all time, from the
    # running figures (one row per member and year), not from the members' whole history.
    figures = await expert_figures.for_experts(uow, ids, year)
    statuses = []
    for member in members:
        count, first_expiry = waiting.get(member.id, (0, None))
        # An invitation expires INVITATION_TTL after it was sent (core.requests.approve).
        sent = first_expiry - INVITATION_TTL if first_expiry is not None else None
        oldest = (now - sent).total_seconds() / 3600 if sent is not None else None
        kept = figures.get(member.id, expert_figures.ExpertFigures())
        statuses.append(
            MemberStatus(
                expert_id=member.id,
                name=member.name,
                title=member.title,
                waiting=count,
                oldest_waiting_hours=max(oldest, 0.0) if oldest is not None else None,
                in_service=in_service.get(member.id, 0),
                services=kept.services,
                expired=kept.expiries,
                declined=kept.declines,
                answer_hours=kept.answer_hours,
                rating_avg=kept.rating_stars / kept.rating_count if kept.rating_count else None,
                rating_count=kept.rating_count,
            )
        )
    statuses.sort(key=lambda s: (not s.late, s.services, s.expert_id))
    return TeamOverview(team.name, county.name, year, YEARLY_MINIMUM_SERVICES, tuple(statuses))


async def _count_by_expert(uow: UnitOfWork, ids: Select[Any], *where: ColumnElement[bool]) -> dict[int, int]:
    rows = await uow.session.execute(
        select(ServiceRequest.expert_id, func.count())
        .where(ServiceRequest.expert_id.in_(ids), *where)
        .group_by(ServiceRequest.expert_id)
    )
    return {expert_id: int(count) for expert_id, count in rows.all() if expert_id is not None}
