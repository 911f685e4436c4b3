"""The experts' registry in the console (Art. 6(2), 7, 9): experts in pages, one expert, certify and
edit, suspend / dismiss / reinstate with a reason, import and export a spreadsheet. The team's
pages (its Art. 7 check, its name and leader) are admin_api.console.teams.

A view reads the form, calls ONE core use case (the same the API's certification routes call) and
redirects, or shows the form again with what was typed and why it was refused. The checks are
core's; the form's fields are checked by the API's own body models (admin_api.schemas).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from aiohttp import web
from multidict import MultiDictProxy

from admin_api.bodies import read_form
from admin_api.console.forms import uploaded
from admin_api.console.render import outcome, page, refusal
from admin_api.console.sessions import ConsoleSession
from admin_api.console.views import VIA, checked_form, services, signed_in
from admin_api.console.views import request_id as path_id
from admin_api.endpoints import ID_MAX, Call
from admin_api.problems import Problem
from admin_api.routes import certification as api_certification
from admin_api.routes.certification import county_for
from admin_api.schemas.certification import ExpertCreate, ExpertEdit, ExportQuery
from admin_api.tables import read_rows
from core import certification, choices, expert_import, rosters
from core.errors import DomainError
from storage.enums import ExpertStatus
from storage.models import Expert

routes = web.RouteTableDef()
PAGE = 50
_WORDS = re.compile(r"[、,，;；\s]+")
_BLANK: dict[str, Any] = {
    "name": "",
    "phone": "",
    "title": "",
    "organisation": "",
    "senior_rank": False,
    "is_leader": False,
    "specialties": [],
    "keywords": [],
    "certified_on": None,
    "county_id": None,
}


def _text(form: MultiDictProxy[Any], name: str) -> str:
    return str(form.get(name, "")).strip()


def _typed(form: MultiDictProxy[Any], *, new: bool) -> dict[str, Any]:
    """The expert form as the API's body models read it; checkboxes are true when sent."""
    values: dict[str, Any] = {
        "name": _text(form, "name"),
        "phone": _text(form, "phone"),
        "title": _text(form, "title"),
        "organisation": _text(form, "organisation"),
        "senior_rank": form.get("senior_rank") == "true",
        "is_leader": form.get("is_leader") == "true",
        "specialties": [str(code) for code in form.getall("specialties", [])],
        "keywords": [word for word in _WORDS.split(_text(form, "keywords")) if word],
        "certified_on": _text(form, "certified_on") or None,
    }
    county = _text(form, "county_id")
    if new and county:
        values["county_id"] = int(county) if county.isdigit() and len(county) <= 10 else county
    return values


def _of(expert: Expert) -> dict[str, Any]:
    """The form's fields as the record holds them (core's own snapshot of it)."""
    held = certification.snapshot(expert)
    return {**held, "certified_on": held["term_start"], "county_id": expert.county_id}


async def _form_page(
    request: web.Request,
    session: ConsoleSession,
    values: dict[str, Any],
    *,
    expert_id: int | None,
    error: str | None = None,
    status: int = 200,
) -> web.Response:
    async with services(request).uow() as uow:
        counties = await choices.counties(uow, session.staff)
        specialties = await choices.specialties(uow, session.staff)
    return page(
        request,
        "expert_form.html",
        status=status,
        page_name="experts",
        values={**_BLANK, **values},
        expert_id=expert_id,
        counties=counties,
        specialties=specialties,
        error=error,
    )


@routes.get("/experts")
async def experts(request: web.Request) -> web.Response:
    session = signed_in(request)
    asked = request.query.get("status", "")
    status = ExpertStatus(asked) if asked in ExpertStatus.__members__ else None
    after = request.query.get("after", "")
    after_id = int(after) if after.isdigit() and 1 <= int(after) <= ID_MAX else None
    async with services(request).uow() as uow:
        rows = await certification.expert_page(
            uow, session.staff, limit=PAGE, after_id=after_id, status=status
        )
    kept = {"status": status.value} if status else {}
    more = None if len(rows) < PAGE else "?" + urlencode({**kept, "after": rows[-1].id})
    return page(
        request,
        "experts.html",
        page_name="experts",
        rows=rows,
        shown=status,
        statuses=ExpertStatus,
        teams=sorted({e.team_id for e in rows}),
        more=more,
    )


@routes.get("/experts/new")
async def new_expert(request: web.Request) -> web.Response:
    session = signed_in(request)
    return await _form_page(
        request, session, {"certified_on": services(request).clock().date().isoformat()}, expert_id=None
    )


@routes.post("/experts/new")
async def create_expert(request: web.Request) -> web.Response:
    session, form = await checked_form(request)
    values = _typed(form, new=True)
    svc = services(request)
    try:
        body = read_form(values, ExpertCreate)
        async with svc.uow() as uow:
            expert = await certification.create_expert(
                uow,
                session.staff,
                county_for(session.staff, body.county_id),
                body.fields(),
                today=svc.clock().date(),
                via=VIA,
            )
    except (Problem, DomainError) as refused:
        return await _refused_form(request, session, values, refused, expert_id=None)
    raise web.HTTPSeeOther(f"/console/experts/{expert.id}?done=certified")


async def _refused_form(
    request: web.Request,
    session: ConsoleSession,
    values: dict[str, Any],
    refused: Problem | DomainError,
    *,
    expert_id: int | None,
) -> web.Response:
    """The form again with what was typed and why not; a refusal of the person (role, county) is
    the error page instead, as anywhere else."""
    status, detail = refusal(refused)
    if status in (403, 404):
        raise refused
    return await _form_page(request, session, values, expert_id=expert_id, error=detail, status=status)


@routes.get("/experts/import")
async def import_form(request: web.Request) -> web.Response:
    session = signed_in(request)
    async with services(request).uow() as uow:
        counties = await choices.counties(uow, session.staff)
    return page(
        request,
        "experts_import.html",
        page_name="experts",
        counties=counties,
        errors=None,
        certified=None,
        columns=expert_import.COLUMNS,
    )


@routes.post("/experts/import")
async def import_experts(request: web.Request) -> web.Response:
    session, form = await checked_form(request)
    raw, content_type = uploaded(form)
    county = _text(form, "county_id")
    svc = services(request)
    async with svc.uow() as uow:
        counties = await choices.counties(uow, session.staff)
    shown: dict[str, Any] = {
        "counties": counties,
        "columns": expert_import.COLUMNS,
        "errors": None,
        "certified": None,
    }
    try:
        async with svc.uow() as uow:
            certified = await expert_import.import_experts(
                uow,
                session.staff,
                county_for(session.staff, int(county) if county.isdigit() and len(county) <= 10 else None),
                lambda: read_rows(raw, content_type),
                today=svc.clock().date(),
                via=VIA,
            )
    except rosters.RosterRejected as rejected:
        shown.update(errors=rejected.errors, error=rejected.message)
        return page(request, "experts_import.html", status=422, page_name="experts", **shown)
    shown["certified"] = certified
    return page(request, "experts_import.html", page_name="experts", **shown)


@routes.get("/experts/export")
async def export_experts(request: web.Request) -> web.StreamResponse:
    session = signed_in(request)
    query = read_form({"format": request.query.get("format", "csv")}, ExportQuery)
    # The API's own handler: one place writes the columns an import reads.
    return await api_certification.export_experts(Call(request, session.staff, services(request)), query)


@routes.get("/experts/{id}")
async def expert_page(request: web.Request) -> web.Response:
    session = signed_in(request)
    async with services(request).uow() as uow:
        expert = await certification.load_expert(uow, session.staff, path_id(request))
    return page(
        request,
        "expert.html",
        page_name="experts",
        e=expert,
        specialties=sorted(expert.specialty_codes),
        acts=certification.status_acts(expert.status),
        done=outcome(request, "certified", "edited", "suspend", "dismiss", "reinstate"),
    )


@routes.get("/experts/{id}/edit")
async def edit_form(request: web.Request) -> web.Response:
    session = signed_in(request)
    async with services(request).uow() as uow:
        expert = await certification.load_expert(uow, session.staff, path_id(request))
    return await _form_page(request, session, _of(expert), expert_id=expert.id)


@routes.post("/experts/{id}/edit")
async def edit_expert(request: web.Request) -> web.Response:
    session, form = await checked_form(request)
    values = _typed(form, new=False)
    expert_id = path_id(request)
    try:
        body = read_form(values, ExpertEdit)
        async with services(request).uow() as uow:
            await certification.edit_expert(uow, session.staff, expert_id, body.fields(), via=VIA)
    except (Problem, DomainError) as refused:
        return await _refused_form(request, session, values, refused, expert_id=expert_id)
    raise web.HTTPSeeOther(f"/console/experts/{expert_id}?done=edited")


@routes.post(r"/experts/{id}/{act:suspend|dismiss|reinstate}")
async def change_status(request: web.Request) -> web.Response:
    session, form = await checked_form(request)
    act = request.match_info["act"]
    async with services(request).uow() as uow:
        expert = await certification.change_status(
            uow, session.staff, path_id(request), act, reason=_text(form, "reason"), via=VIA
        )
    raise web.HTTPSeeOther(f"/console/experts/{expert.id}?done={act}")
