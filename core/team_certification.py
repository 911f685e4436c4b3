"""The county's expert team as the county keeps it (Art. 7): formed once, named, led by one 副高.

Each county forms one team (各旗县区须组建…专家团队), of at least ten members covering the local key
industries, with one leader of 副高 or above. Its members are the county's certified experts: they
join by certification and leave by suspension or dismissal (core.certification), so a team short of
ten is reported (TeamReport.problems), not refused: Art. 9(3)2 makes a county dismiss an expert even
when that leaves nine. Terms are the members' (five years from certification, Art. 9(3)1); the lists
here warn of those ending soon so the county assesses and re-certifies in time.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from core import audit
from core.certification import (
    TeamReport,
    check_leader,
    ensure_county_exists,
    load_team,
    team_report,
)
from core.errors import IllegalTransition, InvalidInput, NotFound, does_not_exist, required_text
from core.permissions import Permission
from core.scope import Staff
from storage.enums import ExpertStatus
from storage.models import Expert, Team
from storage.uow import UnitOfWork


def _name(raw: str) -> str:
    return required_text(raw, 64, field="name", what="the team's name")


async def team_reports(
    uow: UnitOfWork,
    staff: Staff,
    *,
    today: date,
    warn_within: timedelta,
    ending_only: bool,
    limit: int,
    after_id: int | None,
) -> list[TeamReport]:
    """The teams in the caller's scope by id (a keyset page), each as GET /teams/{id} reports it;
    `ending_only`: only those with a member whose term ends within `warn_within` (or has ended)."""
    staff.ensure(Permission.read_certification)
    query = select(Team.id).order_by(Team.id)
    if staff.county_id is not None:
        query = query.where(Team.county_id == staff.county_id)
    if after_id is not None:
        query = query.where(Team.id > after_id)
    if ending_only:
        ending = select(Expert.team_id).where(
            Expert.status == ExpertStatus.active, Expert.term_end <= today + warn_within
        )
        query = query.where(Team.id.in_(ending))
    # A county has one team: a page is a handful of reports, each a query or two.
    ids = (await uow.session.scalars(query.limit(limit))).all()
    return [await team_report(uow, staff, i, today=today, warn_within=warn_within) for i in ids]


async def create_team(
    uow: UnitOfWork, staff: Staff, county_id: int, *, name: str, today: date, via: str
) -> TeamReport:
    """Form the county's team (Art. 7), before its first expert is certified. Commits."""
    staff.ensure(Permission.certify)
    await ensure_county_exists(uow, staff, county_id)
    existing = await uow.session.scalar(select(Team.id).where(Team.county_id == county_id))
    if existing is not None:
        raise IllegalTransition(
            f"Art. 7: the county forms one expert team, and has it: team {existing}", team_id=existing
        )
    team = Team(county_id=county_id, name=_name(name))
    uow.session.add(team)
    await uow.flush()
    await audit.record(uow, staff.actor, "team.create", "team", team.id, after={"name": team.name}, via=via)
    await uow.commit()
    return await team_report(uow, staff, team.id, today=today)


async def edit_team(
    uow: UnitOfWork,
    staff: Staff,
    team_id: int,
    *,
    name: str | None,
    leader_id: int | None,
    today: date,
    via: str,
) -> TeamReport:
    """Rename the team or make an active member its leader (副高 or above, Art. 7); the leader before
    is relieved in the same step. Commits."""
    staff.ensure(Permission.certify)
    team = await load_team(uow, staff, team_id, lock=True)
    current = await uow.session.scalar(
        select(Expert).where(Expert.team_id == team_id, Expert.is_leader.is_(True)).limit(1)
    )
    before = {"name": team.name, "leader_id": current.id if current is not None else None}
    if name is not None:
        team.name = _name(name)
    if leader_id is not None and (current is None or current.id != leader_id):
        leader = await uow.session.get(Expert, leader_id, with_for_update=True)
        if leader is None or leader.team_id != team_id:
            raise NotFound(does_not_exist("team member", leader_id))
        if leader.status is not ExpertStatus.active:
            raise IllegalTransition(
                f"Art. 7: the leader manages the team; {leader.name} is {leader.status}, not active",
                status=str(leader.status),
            )
        if not leader.senior_rank:
            raise InvalidInput(
                f"Art. 7: the team's leader must hold a 副高 title or above; {leader.name} is {leader.title}",
                field="leader_id",
            )
        if current is not None:
            current.is_leader = False
            await uow.flush()
        leader.is_leader = True
        await check_leader(uow, leader)
    after = {"name": team.name, "leader_id": leader_id if leader_id is not None else before["leader_id"]}
    was, now = audit.changes(before, after)
    await audit.record(
        uow,
        staff.actor,
        "team.edit",
        "team",
        team.id,
        before=was,
        after=now,
        via=via,
    )
    await uow.commit()
    return await team_report(uow, staff, team.id, today=today)
