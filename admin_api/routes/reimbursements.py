"""Reimbursement statements (核销, Art. 15): read a period's statements as JSON, CSV or XLSX; confirm
an expert's draft; mark a confirmed statement paid. Parse → one core call → render."""

from __future__ import annotations

from typing import cast

from admin_api.endpoints import Api, Call
from admin_api.schemas.reimbursements import FileFormat, StatementOut, StatementPage, StatementQuery, StepBody
from admin_api.statement_files import CSV, XLSX, download
from core import reimbursements
from core.permissions import Permission

api = Api(tag="reimbursements")


def _wanted(call: Call, query: StatementQuery) -> FileFormat:
    if query.format is not None:
        return query.format
    accept = call.request.headers.get("Accept", "")
    return FileFormat.xlsx if XLSX in accept else FileFormat.csv if CSV in accept else FileFormat.json


@api.route(
    "GET",
    "/api/v1/reimbursements",
    summary="Experts' statements for a period, one line per captured service: JSON, CSV or XLSX",
    permission=Permission.read_reimbursements,
    produces=f"{CSV}, {XLSX}",
)
async def list_statements(call: Call, query: StatementQuery) -> StatementPage:
    async with call.uow() as uow:
        found = await reimbursements.statements(uow, call.staff, query.period)
    wanted = _wanted(call, query)
    if wanted is not FileFormat.json:
        # A file, not the model: Endpoint.handle sends any StreamResponse as it is.
        return cast(StatementPage, download(found, query.period, wanted.value))
    return StatementPage(
        period=query.period,
        total_fen=sum(s.total_fen for s in found),
        statements=[StatementOut.of(s) for s in found],
    )


@api.route(
    "POST",
    "/api/v1/reimbursements/confirm",
    summary="Confirm an expert's draft statement for a period: its lines are frozen",
    permission=Permission.reimburse,
    errors=(409,),
)
async def confirm(call: Call, body: StepBody) -> StatementOut:
    async with call.uow() as uow:
        statement = await reimbursements.confirm(uow, call.staff, body.expert_id, body.period, now=call.now())
    return StatementOut.of(statement)


@api.route(
    "POST",
    "/api/v1/reimbursements/pay",
    summary="Mark a confirmed statement paid; a paid statement never changes",
    permission=Permission.reimburse,
    errors=(409,),
)
async def pay(call: Call, body: StepBody) -> StatementOut:
    async with call.uow() as uow:
        statement = await reimbursements.pay(uow, call.staff, body.expert_id, body.period, now=call.now())
    return StatementOut.of(statement)
