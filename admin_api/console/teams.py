"""The county's expert team in the console (Art. 7): the teams in pages (or those with a member's
term ending within N days), form the county's team, rename it or set its leader.

The leader's list offers the active members of 副高 or above only; core refuses anyone else all the
same. One page of one team (with its Art. 7 check) is admin_api.console.registry's.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from admin_api.bodies import read_form
from admin_api.console.forms import id_or_text, text_of
from admin_api.console.render import outcome, page, refusal
from admin_api.console.sessions import ConsoleSession
from admin_api.console.views import VIA, checked_form, request_id, services, signed_in
from admin_api.console.vouchers import _query as filters_of
from admin_api.problems import Problem
from admin_api.routes.certification import county_for
from admin_api.schemas.teams import TeamCreate, TeamEdit, TeamListQuery
from core import certification, choices, team_certification
from core.errors import DomainError

routes = web.RouteTableDef()
PAGE = 50


@routes.get("/teams")
async def team_list(request: web.Request) -> web.Response:
    session = signed_in(request)
    query, error = filters_of(TeamListQuery, request, limit=PAGE)
    kept = {k: v for k, v in request.query.items() if k in ("within_days", "ending") and v}
    return await _list_page(request, session, query, kept, error=error)


async def _list_page(
    request: web.Request,
    session: ConsoleSession,
    query: TeamListQuery,
    kept: dict[str, str],
    *,
    error: str | None = None,
    typed: dict[str, Any] | None = None,
    form_error: str | None = None,
    status: int = 200,
) -> web.Response:
    """The teams page; `typed` and `form_error`: the refused team form, shown again."""
    svc = services(request)
    async with svc.uow() as uow:
        reports = await team_certification.team_reports(
            uow,
            session.staff,
            today=svc.clock().date(),
            warn_within=query.warn_within,
            ending_only=query.ending,
            limit=query.limit,
            after_id=query.after_id(),
        )
        counties = await choices.counties(uow, session.staff)
    cursor = query.next_cursor([r.team.id for r in reports])
    typed = typed or {}
    return page(
        request,
        "teams.html",
        status=status,
        page_name="teams",
        reports=reports,
        query=query,
        counties=counties,
        error=error,
        more=None if cursor is None else "?" + urlencode({**kept, "cursor": cursor}),
        name=typed.get("name") or "",
        county_id=str(typed.get("county_id") or ""),
        form_error=form_error,
    )


@routes.post("/teams/new")
async def create_team(request: web.Request) -> web.Response:
    session, form = await checked_form(request)
    typed = {"name": text_of(form, "name"), "county_id": id_or_text(text_of(form, "county_id"))}
    svc = services(request)
    try:
        body = read_form(typed, TeamCreate)
        async with svc.uow() as uow:
            report = await team_certification.create_team(
                uow,
                session.staff,
                county_for(session.staff, body.county_id),
                name=body.name,
                today=svc.clock().date(),
                via=VIA,
            )
    except (Problem, DomainError) as refused:
        status, detail = refusal(refused)
        if status in (403, 404):
            raise
        return await _list_page(
            request, session, TeamListQuery(limit=PAGE), {}, typed=typed, form_error=detail, status=status
        )
    raise web.HTTPSeeOther(f"/console/teams/{report.team.id}?done=formed")


@routes.get("/teams/{id}")
async def team_page(request: web.Request) -> web.Response:
    return await _team_page(request, signed_in(request), request_id(request))


async def _team_page(
    request: web.Request,
    session: ConsoleSession,
    team_id: int,
    *,
    error: str | None = None,
    status: int = 200,
) -> web.Response:
    svc = services(request)
    async with svc.uow() as uow:
        report = await certification.team_report(uow, session.staff, team_id, today=svc.clock().date())
    return page(
        request,
        "team.html",
        status=status,
        page_name="teams",
        report=report,
        # Art. 7: only an active member of 副高 or above may lead (core checks it again).
        may_lead=[e for e in report.members if e.senior_rank],
        error=error,
        done=outcome(request, "formed", "edited"),
    )


@routes.post("/teams/{id}/edit")
async def edit_team(request: web.Request) -> web.Response:
    session, form = await checked_form(request)
    team_id = request_id(request)
    typed = {"name": text_of(form, "name") or None, "leader_id": id_or_text(text_of(form, "leader_id"))}
    svc = services(request)
    try:
        body = read_form(typed, TeamEdit)
        async with svc.uow() as uow:
            await team_certification.edit_team(
                uow,
                session.staff,
                team_id,
                name=body.name,
                leader_id=body.leader_id,
                today=svc.clock().date(),
                via=VIA,
            )
    except (Problem, DomainError) as refused:
        status, detail = refusal(refused)
        if status in (403, 404):
            raise
        return await _team_page(request, session, team_id, error=detail, status=status)
    raise web.HTTPSeeOther(f"/console/teams/{team_id}?done=edited")
