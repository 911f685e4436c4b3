"""The console's reimbursement statements (核销, Art. 15): a period's statements, confirming a draft,
marking a confirmed one paid, and the CSV/XLSX files.

Drafts are drawn up by core from the ledger's captures whenever the page is read (there is nothing
to generate by hand); confirming freezes one, paying closes it. Each view calls ONE core use case,
the same the API's reimbursement routes call (admin_api/routes/reimbursements.py); the files are
the API's own (admin_api.statement_files).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import urlencode

from aiohttp import web

from admin_api.console.forms import checked
from admin_api.console.render import page
from admin_api.console.views import checked_form, services, signed_in
from admin_api.schemas.reimbursements import FileFormat, StatementQuery, StepBody
from admin_api.statement_files import download
from core import reimbursements
from core.budget import LOCAL_TZ
from core.errors import InvalidInput
from core.reimbursements import Statement

routes = web.RouteTableDef()
FILES = (FileFormat.csv, FileFormat.xlsx)


@routes.get("/statements")
async def statements(request: web.Request) -> web.Response:
    session = signed_in(request)
    this_month = services(request).clock().astimezone(LOCAL_TZ).strftime("%Y-%m")
    asked = request.query.get("period", "").strip()[:16] or this_month
    try:
        period, error = checked(StatementQuery, {"period": asked}).period, None
    except InvalidInput as exc:
        period, error = this_month, str(exc)
    async with services(request).uow() as uow:
        found = await reimbursements.statements(uow, session.staff, period)
    done = request.query.get("done", "")
    return page(
        request,
        "statements.html",
        page_name="statements",
        period=period,
        asked=asked,
        found=found,
        total=sum(s.total_fen for s in found),
        error=error,
        done=f"done_{done}" if done in ("confirmed", "paid") else None,
        done_expert=request.query.get("expert", "")[:100],
        files=[(f.value, urlencode({"period": period, "format": f.value})) for f in FILES],
    )


@routes.get("/statements/file")
async def statement_file(request: web.Request) -> web.Response:
    session = signed_in(request)
    query = checked(StatementQuery, {k: v for k, v in request.query.items() if k in ("period", "format")})
    async with services(request).uow() as uow:
        found = await reimbursements.statements(uow, session.staff, query.period)
    return download(found, query.period, (query.format if query.format in FILES else FileFormat.csv).value)


async def _step(request: web.Request, step: Callable[..., Awaitable[Statement]], done: str) -> web.Response:
    """Confirm or pay one expert's statement for a period, then back to that period's list."""
    session, form = await checked_form(request)
    body = checked(StepBody, {"expert_id": form.get("expert_id"), "period": form.get("period")})
    svc = services(request)
    async with svc.uow() as uow:
        statement = await step(uow, session.staff, body.expert_id, body.period, now=svc.clock())
    query = urlencode({"period": statement.period, "done": done, "expert": statement.expert})
    raise web.HTTPSeeOther(f"/console/statements?{query}")


@routes.post("/statements/confirm")
async def confirm(request: web.Request) -> web.Response:
    return await _step(request, reimbursements.confirm, "confirmed")


@routes.post("/statements/pay")
async def pay(request: web.Request) -> web.Response:
    return await _step(request, reimbursements.pay, "paid")
