"""Certifying experts and keeping the county's team in order (Art. 6(2), 7, 9).

A county certifies its own experts (Art. 9(2)2); the team has at least ten members and a leader of
副高 or above (Art. 7); an expert serves a five-year term from certification (Art. 9(3)1) and is
suspended, dismissed (解除聘用, Art. 9(3)2) or reinstated by the county. Every change is audited with
what it was before and after. Each refusal names its article, so the county officer can look it up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from core import audit
from core.errors import IllegalTransition, InvalidInput, NotFound, does_not_exist, within_limit
from core.permissions import Permission
from core.phones import roster_mobile
from core.scope import Staff
from storage.enums import ExpertStatus
from storage.models import County, Expert, ExpertSpecialty, Specialty, Team
from storage.uow import UnitOfWork

TEAM_MINIMUM = 10  # Art. 7: 专家团成员不得少于10人
TERM_YEARS = 5  # Art. 9(3)1: 服务专家聘期五年
TERM_WARNING = timedelta(days=90)  # time enough to assess and re-certify before a term ends


def term_end(start: date) -> date:
    """Five years from certification, the day before its anniversary (29 Feb → 28 Feb)."""
    if not 2000 <= start.year <= 2100:
        raise InvalidInput(f"certified on {start}? give the date of certification", field="certified_on")
    try:
        anniversary = start.replace(year=start.year + TERM_YEARS)
    except ValueError:
        anniversary = start.replace(year=start.year + TERM_YEARS, day=28)
    return anniversary - timedelta(days=1)


@dataclass(frozen=True)
class ExpertFields:
    """What a county writes about an expert; None in an edit: unchanged."""

    name: str | None = None
    phone: str | None = None
    title: str | None = None  # 职称
    senior_rank: bool | None = None  # 副高 or above
    organisation: str | None = None
    specialties: list[str] | None = None
    keywords: list[str] | None = None
    is_leader: bool | None = None
    certified_on: date | None = None  # starts the five-year term


def snapshot(expert: Expert) -> dict[str, Any]:
    return {
        "name": expert.name,
        "phone": expert.phone,
        "title": expert.title,
        "senior_rank": expert.senior_rank,
        "organisation": expert.organisation,
        "specialties": sorted(expert.specialty_codes),
        "keywords": list(expert.keywords),
        "is_leader": expert.is_leader,
        "term_start": expert.term_start.isoformat(),
        "term_end": expert.term_end.isoformat(),
        "status": str(expert.status),
    }


async def load_expert(uow: UnitOfWork, staff: Staff, expert_id: int, *, lock: bool = False) -> Expert:
    staff.ensure(Permission.read_certification)
    expert = await uow.session.get(Expert, expert_id, with_for_update=lock)
    if expert is None:
        raise NotFound(does_not_exist("expert", expert_id))
    staff.ensure_county(expert.county_id, what="expert", object_id=expert_id)
    return expert


async def ensure_county_exists(uow: UnitOfWork, staff: Staff, county_id: int) -> None:
    """The county a new record is for: the caller's own (county staff), and one that exists."""
    staff.ensure_county(county_id, what="county")
    if await uow.session.get(County, county_id) is None:
        raise InvalidInput(f"county {county_id} does not exist", field="county_id")


async def county_team(uow: UnitOfWork, county_id: int) -> Team:
    """The county's one team (Art. 7), created with its first expert."""
    team = await uow.session.scalar(select(Team).where(Team.county_id == county_id))
    if team is None:
        team = Team(county_id=county_id, name="精准服务专家团")
        uow.session.add(team)
        await uow.flush()
    return team


async def _check_specialties(uow: UnitOfWork, codes: list[str]) -> None:
    known = set((await uow.session.scalars(select(Specialty.code).where(Specialty.code.in_(codes)))).all())
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise InvalidInput(f"no such specialty: {', '.join(unknown)}", field="specialties")


async def _check_phone_free(uow: UnitOfWork, phone: str, expert: Expert) -> None:
    holder = await uow.session.scalar(select(Expert.id).where(Expert.phone == phone))
    # expert.id read after the query: a new expert is flushed (and numbered) by it
    if holder is not None and holder != expert.id:
        raise InvalidInput(f"the phone {phone} is already expert {holder}'s", field="phone")


async def check_leader(uow: UnitOfWork, expert: Expert) -> None:
    """Art. 7: one leader per team, of 副高 or above."""
    if not expert.is_leader:
        return
    if not expert.senior_rank:
        raise InvalidInput("Art. 7: the team's leader must hold a 副高 title or above", field="is_leader")
    other = await uow.session.scalar(
        select(Expert.name).where(
            Expert.team_id == expert.team_id, Expert.is_leader.is_(True), Expert.id != expert.id
        )
    )
    if other is not None:
        raise IllegalTransition(
            f"Art. 7: the team has one leader, {other}; relieve him first", field="is_leader"
        )


async def _apply(uow: UnitOfWork, expert: Expert, fields: ExpertFields) -> None:
    if fields.name is not None:
        expert.name = within_limit(fields.name.strip(), 64, field="name", what="the name")
        if not expert.name:
            raise InvalidInput("the name is empty", field="name")
    if fields.phone is not None:
        expert.phone = roster_mobile(fields.phone)
        await _check_phone_free(uow, expert.phone, expert)
    if fields.title is not None:
        expert.title = within_limit(fields.title.strip(), 32, field="title", what="the title")
    if fields.senior_rank is not None:
        expert.senior_rank = fields.senior_rank
    if fields.organisation is not None:
        expert.organisation = within_limit(fields.organisation, 128, field="organisation", what="the unit")
    if fields.specialties is not None:
        if not fields.specialties:
            raise InvalidInput("an expert serves in at least one specialty", field="specialties")
        for code in fields.specialties:
            within_limit(code, 32, field="specialties", what="a specialty's code")
        await _check_specialties(uow, fields.specialties)
        expert.specialties = [
            ExpertSpecialty(specialty_code=code) for code in dict.fromkeys(fields.specialties)
        ]
    if fields.keywords is not None:
        expert.keywords = [within_limit(k, 32, field="keywords", what="a keyword") for k in fields.keywords]
    if fields.is_leader is not None:
        expert.is_leader = fields.is_leader
    if fields.certified_on is not None:
        expert.term_start = fields.certified_on
        expert.term_end = term_end(fields.certified_on)
    await check_leader(uow, expert)


async def create_expert(
    uow: UnitOfWork, staff: Staff, county_id: int, fields: ExpertFields, *, today: date, via: str
) -> Expert:
    """Certify an expert for the county (Art. 9(2)2): a five-year term from `certified_on` (or today).
    Commits."""
    staff.ensure(Permission.certify)
    await ensure_county_exists(uow, staff, county_id)
    for name in ("name", "phone", "title", "specialties"):
        if getattr(fields, name) is None:
            raise InvalidInput(f"{name} is required to certify an expert", field=name)
    start = fields.certified_on or today
    team = await county_team(uow, county_id)
    expert = Expert(
        name="",
        phone="",
        title="",
        team_id=team.id,
        county_id=county_id,
        keywords=[],
        term_start=start,
        term_end=term_end(start),
        status=ExpertStatus.active,
        senior_rank=False,
        is_leader=False,
        organisation="",
        specialties=[],  # loaded, so setting it later needs no query
    )
    uow.session.add(expert)
    await _apply(uow, expert, fields)
    await uow.flush()
    await audit.record(
        uow, staff.actor, "expert.certify", "expert", expert.id, after=snapshot(expert), via=via
    )
    await uow.commit()
    return expert


async def edit_expert(
    uow: UnitOfWork, staff: Staff, expert_id: int, fields: ExpertFields, *, via: str
) -> Expert:
    staff.ensure(Permission.certify)
    expert = await load_expert(uow, staff, expert_id, lock=True)
    before = snapshot(expert)
    await _apply(uow, expert, fields)
    was, now = audit.changes(before, snapshot(expert))
    await audit.record(
        uow,
        staff.actor,
        "expert.edit",
        "expert",
        expert.id,
        before=was,
        after=now,
        via=via,
    )
    await uow.commit()
    return expert


# act → (the states it starts from, the state it leaves, its article)
_STATUS_ACTS: dict[str, tuple[frozenset[ExpertStatus], ExpertStatus, str]] = {
    "suspend": (frozenset({ExpertStatus.active}), ExpertStatus.suspended, "Art. 9(3)"),
    "dismiss": (frozenset({ExpertStatus.active, ExpertStatus.suspended}), ExpertStatus.retired, "Art. 9(3)2"),
    "reinstate": (
        frozenset({ExpertStatus.suspended, ExpertStatus.retired}),
        ExpertStatus.active,
        "Art. 9(3)1",
    ),
}


def status_acts(status: ExpertStatus) -> list[str]:
    """The acts that apply to an expert in `status` (what a form offers; change_status checks)."""
    return [act for act, (starts, _, _) in _STATUS_ACTS.items() if status in starts]


async def change_status(
    uow: UnitOfWork, staff: Staff, expert_id: int, act: str, *, reason: str, via: str
) -> Expert:
    """Suspend (no new invitations), dismiss (解除聘用, Art. 9(3)2, with the ground as `reason`) or
    reinstate an expert. A leader is relieved of leading when suspended or dismissed: the team
    report then says it has no leader (Art. 7). Commits."""
    staff.ensure(Permission.certify)
    starts, leaves, article = _STATUS_ACTS[act]
    cleaned = within_limit(reason.strip(), 500, field="reason", what="the reason")
    if not cleaned:
        raise InvalidInput(f"{article}: say why ({act})", field="reason")
    expert = await load_expert(uow, staff, expert_id, lock=True)
    if expert.status not in starts:
        raise IllegalTransition(
            f"the expert is {expert.status}; {act} applies to {' or '.join(sorted(starts))} experts",
            status=str(expert.status),
        )
    before = {"status": str(expert.status), "is_leader": expert.is_leader}
    expert.status = leaves
    if leaves is not ExpertStatus.active:
        expert.is_leader = False
    after = {"status": str(expert.status), "is_leader": expert.is_leader}
    await audit.record(
        uow,
        staff.actor,
        f"expert.{act}",
        "expert",
        expert.id,
        before=before,
        after=after,
        reason=cleaned,
        via=via,
    )
    await uow.commit()
    return expert


@dataclass(frozen=True)
class TeamReport:
    team: Team
    members: list[Expert]  # active members
    leader: Expert | None
    problems: list[str] = field(default_factory=list)  # what Art. 7 asks that the team lacks
    terms_ending: list[Expert] = field(default_factory=list)  # within the warning, soonest first
    warnings: list[str] = field(default_factory=list)  # one per term ending, in words (Art. 9(3)1)


def term_warning(expert: Expert, today: date) -> str:
    days, end = (expert.term_end - today).days, expert.term_end
    if days < 0:
        return f"Art. 9(3)1: {expert.name}'s term ended on {end} ({-days} days ago): re-certify or dismiss"
    return f"Art. 9(3)1: {expert.name}'s term ends on {end}, in {days} days: assess and re-certify"


async def load_team(uow: UnitOfWork, staff: Staff, team_id: int, *, lock: bool = False) -> Team:
    staff.ensure(Permission.read_certification)
    team = await uow.session.get(Team, team_id, with_for_update=lock)
    if team is None:
        raise NotFound(does_not_exist("team", team_id))
    staff.ensure_county(team.county_id, what="team", object_id=team_id)
    return team


async def team_report(
    uow: UnitOfWork, staff: Staff, team_id: int, *, today: date, warn_within: timedelta = TERM_WARNING
) -> TeamReport:
    """The team as Art. 7 asks for it, and the members whose five-year term ends within
    `warn_within` (or has ended), soonest first, each with a warning."""
    team = await load_team(uow, staff, team_id)
    members = list(
        (
            await uow.session.scalars(
                select(Expert)
                .where(Expert.team_id == team_id, Expert.status == ExpertStatus.active)
                .order_by(Expert.id)
            )
        ).all()
    )
    leaders = [m for m in members if m.is_leader]
    leader = leaders[0] if leaders else None
    problems = []
    if len(members) < TEAM_MINIMUM:
        problems.append(
            f"Art. 7: the team has {len(members)} active members; it needs at least {TEAM_MINIMUM}"
        )
    if leader is None:
        problems.append("Art. 7: the team has no leader")
    elif not leader.senior_rank:
        problems.append(f"Art. 7: the leader {leader.name} holds no 副高 title or above")
    ending = sorted((m for m in members if m.term_end <= today + warn_within), key=lambda m: m.term_end)
    return TeamReport(team, members, leader, problems, ending, [term_warning(m, today) for m in ending])


async def expert_page(
    uow: UnitOfWork, staff: Staff, *, limit: int, after_id: int | None, status: ExpertStatus | None
) -> list[Expert]:
    """Experts in the caller's scope by id (a keyset page)."""
    staff.ensure(Permission.read_certification)
    query = select(Expert).order_by(Expert.id).limit(limit)
    if staff.county_id is not None:
        query = query.where(Expert.county_id == staff.county_id)
    if status is not None:
        query = query.where(Expert.status == status)
    if after_id is not None:
        query = query.where(Expert.id > after_id)
    return list((await uow.session.scalars(query)).all())
