"""The county's expert team (Art. 7): formed, named and led by the county; terms ending are warned of.

Parse → one core call → render. The rules live in core.team_certification and core.certification.
"""

from __future__ import annotations

from admin_api.endpoints import Api, Call
from admin_api.routes.certification import VIA, county_for
from admin_api.schemas.certification import TeamOut
from admin_api.schemas.teams import TeamCreate, TeamEdit, TeamListQuery, TeamPage, TeamQuery
from core import certification, team_certification
from core.permissions import Permission

api = Api(tag="certification")


@api.route(
    "GET",
    "/api/v1/teams",
    summary="The teams in the caller's scope; ending=true: those with a member's term ending within_days",
    permission=Permission.read_certification,
)
async def list_teams(call: Call, query: TeamListQuery) -> TeamPage:
    async with call.uow() as uow:
        reports = await team_certification.team_reports(
            uow,
            call.staff,
            today=call.now().date(),
            warn_within=query.warn_within,
            ending_only=query.ending,
            limit=query.limit,
            after_id=query.after_id(),
        )
    items = [TeamOut.of(report) for report in reports]
    return TeamPage(items=items, next_cursor=query.next_cursor([t.id for t in items]))


@api.route(
    "POST",
    "/api/v1/teams",
    summary="Form the county's one expert team (Art. 7), before its first expert is certified",
    permission=Permission.certify,
    status=201,
    errors=(409,),
)
async def create_team(call: Call, body: TeamCreate) -> TeamOut:
    async with call.uow() as uow:
        report = await team_certification.create_team(
            uow,
            call.staff,
            county_for(call.staff, body.county_id),
            name=body.name,
            today=call.now().date(),
            via=VIA,
        )
        return TeamOut.of(report)


@api.route(
    "GET",
    "/api/v1/teams/{id}",
    summary="The county's team: members, leader, what Art. 7 asks that it lacks, terms ending within_days",
    permission=Permission.read_certification,
)
async def read_team(call: Call, query: TeamQuery) -> TeamOut:
    async with call.uow() as uow:
        report = await certification.team_report(
            uow, call.staff, call.path_id(), today=call.now().date(), warn_within=query.warn_within
        )
        return TeamOut.of(report)


@api.route(
    "PATCH",
    "/api/v1/teams/{id}",
    summary="Rename the team or set its leader (副高 or above, Art. 7); the leader before is relieved",
    permission=Permission.certify,
    errors=(409,),
)
async def edit_team(call: Call, body: TeamEdit) -> TeamOut:
    async with call.uow() as uow:
        report = await team_certification.edit_team(
            uow,
            call.staff,
            call.path_id(),
            name=body.name,
            leader_id=body.leader_id,
            today=call.now().date(),
            via=VIA,
        )
        return TeamOut.of(report)
