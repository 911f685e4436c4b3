"""Service objects in the console (Art. 10): the list in pages, one object with its roster, record /
correct, take off the list and put back with a reason, and the roster one farmer at a time or as a
spreadsheet (import: every bad row reported, nothing replaced).

A view reads the form, checks it with the API's own body model, calls ONE core use case (the same the
API's service-object routes call) and redirects, or shows the form again with what was typed and why.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from aiohttp import web
from multidict import MultiDictProxy

from admin_api.bodies import read_form
from admin_api.console.forms import id_or_text, text_of, uploaded
from admin_api.console.render import outcome, page, refusal
from admin_api.console.sessions import ConsoleSession
from admin_api.console.views import VIA, checked_form, request_id, services, signed_in
from admin_api.console.vouchers import _query as filters_of
from admin_api.endpoints import Call
from admin_api.problems import Problem
from admin_api.routes import certification as api_certification
from admin_api.routes.certification import county_for
from admin_api.schemas.certification import ExportQuery, ServiceObjectCreate
from admin_api.schemas.service_objects import (
    ListingBody,
    MemberCreate,
    MemberEdit,
    ServiceObjectEdit,
    ServiceObjectQuery,
)
from admin_api.tables import read_rows
from core import choices, roster_members, rosters, service_objects
from core.errors import DomainError
from storage.enums import ServiceObjectKind

routes = web.RouteTableDef()
PAGE = 50
_WORDS = re.compile(r"[、,，;；\s]+")
_BLANK: dict[str, Any] = {
    "kind": "household",
    "county_id": None,
    "name": "",
    "township_id": None,
    "main_industries": [],
    "contact_name": None,
    "contact_phone": None,
}
_DONE = ("recorded", "edited", "deactivate", "reactivate", "added", "member_edited", "removed", "imported")


def _typed(form: MultiDictProxy[Any], *, new: bool) -> dict[str, Any]:
    """The record's form as the API's body models read it; an empty optional field is left empty."""
    values: dict[str, Any] = {
        "name": text_of(form, "name"),
        "township_id": id_or_text(text_of(form, "township_id")),
        "main_industries": [w for w in _WORDS.split(text_of(form, "main_industries")) if w],
        "contact_name": text_of(form, "contact_name") or None,
        "contact_phone": text_of(form, "contact_phone") or None,
    }
    if new:
        values["kind"] = text_of(form, "kind")
        values["county_id"] = id_or_text(text_of(form, "county_id"))
    return values


async def _form_page(
    request: web.Request,
    session: ConsoleSession,
    values: dict[str, Any],
    *,
    object_id: int | None,
    error: str | None = None,
    status: int = 200,
) -> web.Response:
    async with services(request).uow() as uow:
        counties = await choices.counties(uow, session.staff)
        townships = await choices.townships(uow, session.staff)
    return page(
        request,
        "service_object_form.html",
        status=status,
        page_name="service_objects",
        values={**_BLANK, **values},
        object_id=object_id,
        counties=counties,
        townships=townships,
        kinds=ServiceObjectKind,
        error=error,
    )


def _refused(refused: Problem | DomainError) -> tuple[int, str]:
    """The status and words of a refusal a form shows; a refusal of the person (role, county) is the
    error page instead, as anywhere else in the console."""
    status, detail = refusal(refused)
    if status in (403, 404):
        raise refused
    return status, detail


@routes.get("/service-objects")
async def service_object_list(request: web.Request) -> web.Response:
    session = signed_in(request)
    query, error = filters_of(ServiceObjectQuery, request, limit=PAGE)
    async with services(request).uow() as uow:
        rows = await service_objects.service_object_page(
            uow, session.staff, query.where(), limit=query.limit, after_id=query.after_id()
        )
        townships = await choices.townships(uow, session.staff)
    kept = {k: v for k, v in request.query.items() if k in ("kind", "township_id", "certified") and v}
    cursor = query.next_cursor([r.id for r in rows])
    return page(
        request,
        "service_objects.html",
        page_name="service_objects",
        rows=rows,
        query=query,
        kinds=ServiceObjectKind,
        townships=townships,
        township_names={t.id: t.name for t in townships},
        error=error,
        more=None if cursor is None else "?" + urlencode({**kept, "cursor": cursor}),
    )


@routes.get("/service-objects/new")
async def new_service_object(request: web.Request) -> web.Response:
    session = signed_in(request)
    return await _form_page(request, session, {}, object_id=None)


@routes.post("/service-objects/new")
async def create_service_object(request: web.Request) -> web.Response:
    session, form = await checked_form(request)
    values = _typed(form, new=True)
    try:
        body = read_form(values, ServiceObjectCreate)
        async with services(request).uow() as uow:
            found = await service_objects.create_service_object(
                uow,
                session.staff,
                kind=body.kind,
                county_id=county_for(session.staff, body.county_id),
                fields=body.fields(),
                via=VIA,
            )
    except (Problem, DomainError) as refused:
        status, detail = _refused(refused)
        return await _form_page(request, session, values, object_id=None, error=detail, status=status)
    raise web.HTTPSeeOther(f"/console/service-objects/{found.id}?done=recorded")


async def _object_page(
    request: web.Request,
    session: ConsoleSession,
    object_id: int,
    *,
    member: dict[str, str] | None = None,
    editing: dict[str, Any] | None = None,
    errors: list[rosters.RowError] | None = None,
    error: str | None = None,
    status: int = 200,
) -> web.Response:
    async with services(request).uow() as uow:
        found = await rosters.load_service_object(uow, session.staff, object_id)
        members = await rosters.roster(uow, session.staff, object_id)
        townships = await choices.townships(uow, session.staff)
    return page(
        request,
        "service_object.html",
        status=status,
        page_name="service_objects",
        o=found,
        members=members,
        township=next((t.name for t in townships if t.id == found.township_id), None),
        acts=service_objects.listing_acts(session.staff, found),
        member=member or {"name": "", "phone": ""},
        # a refused correction: that member's form open again with what was typed
        editing=editing or {"id": None},
        errors=errors,
        error=error,
        done=outcome(request, *_DONE),
    )


@routes.get("/service-objects/{id}")
async def service_object_page(request: web.Request) -> web.Response:
    return await _object_page(request, signed_in(request), request_id(request))


@routes.get("/service-objects/{id}/edit")
async def edit_form(request: web.Request) -> web.Response:
    session = signed_in(request)
    async with services(request).uow() as uow:
        found = await rosters.load_service_object(uow, session.staff, request_id(request))
    return await _form_page(request, session, service_objects.snapshot(found), object_id=found.id)


@routes.post("/service-objects/{id}/edit")
async def edit_service_object(request: web.Request) -> web.Response:
    session, form = await checked_form(request)
    values = _typed(form, new=False)
    object_id = request_id(request)
    # An emptied optional field is sent as null: the record's field is cleared, as PATCH does.
    sent = {**values, **{k: None for k in ("township_id", "contact_name", "contact_phone") if not values[k]}}
    try:
        body = read_form(sent, ServiceObjectEdit)
        async with services(request).uow() as uow:
            await service_objects.edit_service_object(uow, session.staff, object_id, body.fields(), via=VIA)
    except (Problem, DomainError) as refused:
        status, detail = _refused(refused)
        return await _form_page(request, session, values, object_id=object_id, error=detail, status=status)
    raise web.HTTPSeeOther(f"/console/service-objects/{object_id}?done=edited")


@routes.post(r"/service-objects/{id}/{act:deactivate|reactivate}")
async def change_listing(request: web.Request) -> web.Response:
    session, form = await checked_form(request)
    act = request.match_info["act"]
    object_id = request_id(request)
    body = read_form({"reason": text_of(form, "reason")}, ListingBody)
    async with services(request).uow() as uow:
        await service_objects.set_certified(
            uow, session.staff, object_id, act == "reactivate", reason=body.reason, via=VIA
        )
    raise web.HTTPSeeOther(f"/console/service-objects/{object_id}?done={act}")


@routes.post("/service-objects/{id}/members")
async def add_member(request: web.Request) -> web.Response:
    session, form = await checked_form(request)
    object_id = request_id(request)
    typed = {"name": text_of(form, "name"), "phone": text_of(form, "phone")}
    try:
        body = read_form(typed, MemberCreate)
        async with services(request).uow() as uow:
            await roster_members.add_member(
                uow, session.staff, object_id, name=body.name, phone=body.phone, via=VIA
            )
    except (Problem, DomainError) as refused:
        status, detail = _refused(refused)
        return await _object_page(request, session, object_id, member=typed, error=detail, status=status)
    raise web.HTTPSeeOther(f"/console/service-objects/{object_id}?done=added#roster")


@routes.post("/service-objects/{id}/members/{member_id}/edit")
async def edit_member(request: web.Request) -> web.Response:
    session, form = await checked_form(request)
    object_id, member_id = request_id(request), request_id(request, "member_id")
    typed = {"name": text_of(form, "name"), "phone": text_of(form, "phone")}
    try:
        body = read_form(typed, MemberEdit)
        async with services(request).uow() as uow:
            await roster_members.edit_member(
                uow, session.staff, object_id, member_id, name=body.name, phone=body.phone, via=VIA
            )
    except (Problem, DomainError) as refused:
        status, detail = _refused(refused)
        editing = {"id": member_id, **typed}
        return await _object_page(request, session, object_id, editing=editing, error=detail, status=status)
    raise web.HTTPSeeOther(f"/console/service-objects/{object_id}?done=member_edited#roster")


@routes.post("/service-objects/{id}/members/{member_id}/remove")
async def remove_member(request: web.Request) -> web.Response:
    session, _ = await checked_form(request)
    object_id, member_id = request_id(request), request_id(request, "member_id")
    async with services(request).uow() as uow:
        await roster_members.remove_member(uow, session.staff, object_id, member_id, via=VIA)
    raise web.HTTPSeeOther(f"/console/service-objects/{object_id}?done=removed#roster")


@routes.post("/service-objects/{id}/roster/import")
async def import_roster(request: web.Request) -> web.Response:
    session, form = await checked_form(request)
    object_id = request_id(request)
    raw, content_type = uploaded(form)
    try:
        async with services(request).uow() as uow:
            await rosters.import_roster(
                uow, session.staff, object_id, lambda: read_rows(raw, content_type), via=VIA
            )
    except rosters.RosterRejected as rejected:
        return await _object_page(
            request, session, object_id, errors=rejected.errors, error=rejected.message, status=422
        )
    except (Problem, DomainError) as refused:
        status, detail = _refused(refused)
        return await _object_page(request, session, object_id, error=detail, status=status)
    raise web.HTTPSeeOther(f"/console/service-objects/{object_id}?done=imported#roster")


@routes.get("/service-objects/{id}/roster/export")
async def export_roster(request: web.Request) -> web.StreamResponse:
    session = signed_in(request)
    query = read_form({"format": request.query.get("format", "csv")}, ExportQuery)
    # The API's own handler: one place writes the columns an import reads.
    call = Call(request, session.staff, services(request))
    return await api_certification.export_roster(call, query)
