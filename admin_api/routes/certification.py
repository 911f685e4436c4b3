"""Certification (Art. 6(2), 7, 9, 10): experts, the county's team, service objects and rosters.

Parse → one core call → render. The rules (and the article each refusal names) live in
core.certification and core.rosters.
"""

from __future__ import annotations

from aiohttp import web

from admin_api.endpoints import Api, Call
from admin_api.problems import Problem
from admin_api.schemas.certification import (
    ExpertCreate,
    ExpertEdit,
    ExpertOut,
    ExpertPage,
    ExpertQuery,
    ExportQuery,
    Format,
    ImportedExperts,
    ImportOut,
    ImportQuery,
    MemberOut,
    RosterOut,
    ServiceObjectCreate,
    ServiceObjectOut,
    StatusBody,
)
from admin_api.tables import CSV, XLSX, read_rows, write_rows
from core import certification, expert_import, rosters, service_objects
from core.errors import InvalidInput
from core.permissions import Permission
from core.scope import Staff
from storage.enums import ExpertStatus

api = Api(tag="certification")
VIA = "api"


def county_for(staff: Staff, named: int | None) -> int:
    """The county a new record belongs to: county staff's own; a city role names it."""
    county = named if named is not None else staff.county_id
    if county is None:
        raise InvalidInput("county_id: name the county", field="county_id")
    return county


@api.route(
    "GET",
    "/api/v1/experts",
    summary="Experts in the caller's scope",
    permission=Permission.read_certification,
)
async def list_experts(call: Call, query: ExpertQuery) -> ExpertPage:
    async with call.uow() as uow:
        rows = await certification.expert_page(
            uow, call.staff, limit=query.limit, after_id=query.after_id(), status=query.status
        )
        items = [ExpertOut.of(row) for row in rows]
    return ExpertPage(items=items, next_cursor=query.next_cursor([e.id for e in items]))


@api.route(
    "POST",
    "/api/v1/experts",
    summary="Certify an expert: a five-year term from certification (Art. 9)",
    permission=Permission.certify,
    status=201,
    errors=(409,),
)
async def create_expert(call: Call, body: ExpertCreate) -> ExpertOut:
    async with call.uow() as uow:
        expert = await certification.create_expert(
            uow,
            call.staff,
            county_for(call.staff, body.county_id),
            body.fields(),
            today=call.now().date(),
            via=VIA,
        )
        return ExpertOut.of(expert)


@api.route(
    "GET",
    "/api/v1/experts/export",
    summary="The experts in the caller's scope as CSV or XLSX, in the columns an import reads",
    permission=Permission.read_certification,
    produces=f"{CSV}, {XLSX}",
)
async def export_experts(call: Call, query: ExportQuery) -> web.Response:
    async with call.uow() as uow:
        experts = await certification.expert_page(
            uow, call.staff, limit=rosters.MAX_ROWS, after_id=None, status=ExpertStatus.active
        )
        rows = expert_import.export_rows(experts)
    return write_rows(expert_import.COLUMNS, rows, as_xlsx=query.format is Format.xlsx, name="experts")


@api.route(
    "POST",
    "/api/v1/experts/import",
    summary="Certify the experts of a CSV or XLSX file (columns as the export): all or none",
    permission=Permission.certify,
    status=201,
    errors=(400, 415),
)
async def import_experts(call: Call, query: ImportQuery) -> ImportedExperts:
    raw, content_type = await call.request.read(), call.request.content_type
    try:
        async with call.uow() as uow:
            experts = await expert_import.import_experts(
                uow,
                call.staff,
                county_for(call.staff, query.county_id),
                lambda: read_rows(raw, content_type),
                today=call.now().date(),
                via=VIA,
            )
            return ImportedExperts(certified=[ExpertOut.of(e) for e in experts])
    except rosters.RosterRejected as rejected:
        raise _report(rejected) from None


def _report(rejected: rosters.RosterRejected) -> Problem:
    """The rows that stopped an import, as the county's spreadsheet numbers them."""
    return Problem(
        422, "Unprocessable Content", rejected.message, errors=[e.__dict__ for e in rejected.errors]
    )


@api.route("GET", "/api/v1/experts/{id}", summary="One expert", permission=Permission.read_certification)
async def read_expert(call: Call) -> ExpertOut:
    async with call.uow() as uow:
        return ExpertOut.of(await certification.load_expert(uow, call.staff, call.path_id()))


@api.route(
    "PATCH",
    "/api/v1/experts/{id}",
    summary="Edit an expert's record; the fields sent change",
    permission=Permission.certify,
    errors=(409,),
)
async def edit_expert(call: Call, body: ExpertEdit) -> ExpertOut:
    async with call.uow() as uow:
        expert = await certification.edit_expert(uow, call.staff, call.path_id(), body.fields(), via=VIA)
        return ExpertOut.of(expert)


def _status_route(act: str, summary: str) -> None:
    async def change(call: Call, body: StatusBody) -> ExpertOut:
        async with call.uow() as uow:
            expert = await certification.change_status(
                uow, call.staff, call.path_id(), act, reason=body.reason, via=VIA
            )
            return ExpertOut.of(expert)

    change.__name__ = f"{act}_expert"
    api.route(
        "POST", f"/api/v1/experts/{{id}}/{act}", summary=summary, permission=Permission.certify, errors=(409,)
    )(change)


_status_route("suspend", "Suspend an active expert: no new invitations until reinstated")
_status_route("dismiss", "Dismiss an expert (解除聘用, Art. 9(3)2) with the ground")
_status_route("reinstate", "Reinstate a suspended or dismissed expert")


@api.route(
    "POST",
    "/api/v1/service-objects",
    summary="Record a certified service object (county staff: households, Art. 10(3))",
    permission=Permission.certify,
    status=201,
)
async def create_service_object(call: Call, body: ServiceObjectCreate) -> ServiceObjectOut:
    async with call.uow() as uow:
        found = await service_objects.create_service_object(
            uow,
            call.staff,
            kind=body.kind,
            county_id=county_for(call.staff, body.county_id),
            fields=body.fields(),
            via=VIA,
        )
        return ServiceObjectOut.of(found)


@api.route(
    "GET",
    "/api/v1/service-objects/{id}/roster",
    summary="A service object's roster: its farmers and their mobiles",
    permission=Permission.read_certification,
)
async def read_roster(call: Call) -> RosterOut:
    async with call.uow() as uow:
        members = await rosters.roster(uow, call.staff, call.path_id())
    return RosterOut(service_object_id=call.path_id(), members=[MemberOut.of(m) for m in members])


@api.route(
    "GET",
    "/api/v1/service-objects/{id}/roster/export",
    summary="The roster as CSV or XLSX, in the columns an import reads (姓名, 手机号)",
    permission=Permission.read_certification,
    produces=f"{CSV}, {XLSX}",
)
async def export_roster(call: Call, query: ExportQuery) -> web.Response:
    async with call.uow() as uow:
        members = await rosters.roster(uow, call.staff, call.path_id())
    return write_rows(
        ("姓名", "手机号"),
        ((m.name, m.phone) for m in members),
        as_xlsx=query.format is Format.xlsx,
        name=f"roster-{call.path_id()}",
    )


@api.route(
    "POST",
    "/api/v1/service-objects/{id}/roster/import",
    summary="Replace the roster by a CSV or XLSX file (姓名, 手机号): all rows or none",
    permission=Permission.certify,
    errors=(400, 415),
)
async def import_roster(call: Call) -> ImportOut:
    raw, content_type = await call.request.read(), call.request.content_type
    try:
        async with call.uow() as uow:
            outcome = await rosters.import_roster(
                uow, call.staff, call.path_id(), lambda: read_rows(raw, content_type), via=VIA
            )
    except rosters.RosterRejected as rejected:
        raise _report(rejected) from None
    return ImportOut.of(outcome)
