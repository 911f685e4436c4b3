"""The console's voucher desk (Art. 3, 6(6)): balances, one account's ledger and its adjustment,
issuing a batch (form → preview → confirm under a key → result), reconciliation.

Each view reads the form or query, calls ONE core use case (the same the API's voucher routes call:
admin_api/routes/vouchers.py) and renders or redirects; role and county checks are core's. Amounts
are typed in yuan and read as integer fen (admin_api.console.amounts); a batch's form is checked by
the API's own IssueBody, so both edges accept exactly the same batches.
"""

from __future__ import annotations

import re
import secrets
from typing import Any
from urllib.parse import urlencode

from aiohttp import web
from pydantic import BaseModel, ValidationError

from admin_api.console.forms import checked, fen_of, problems
from admin_api.console.i18n import language, translator
from admin_api.console.render import page
from admin_api.console.views import checked_form, request_id, services, signed_in
from admin_api.pagination import PageQuery
from admin_api.schemas.vouchers import AccountQuery, AdjustBody, IssueBody, ReconciliationQuery
from core import voucher_desk, vouchers_admin
from core.budget import budget_year
from core.errors import InvalidInput
from storage.enums import ServiceObjectKind

PAGE = 50
routes = web.RouteTableDef()
_ISSUE_FIELDS = ("kind", "township", "ids", "amount", "year")
_IDS = re.compile(r"[\s,，、;；]+")


def _query(model: type[BaseModel], request: web.Request, **fixed: Any) -> tuple[Any, str | None]:
    """The page's filters from the query string; a bad one is named and the page shows unfiltered."""
    given = {k: v for k, v in request.query.items() if k in model.model_fields and v and k not in fixed}
    try:
        return model.model_validate({**given, **fixed}), None
    except ValidationError as exc:
        return model.model_validate(fixed), problems(exc)


@routes.get("/vouchers")
async def balances(request: web.Request) -> web.Response:
    session = signed_in(request)
    query, error = _query(AccountQuery, request, limit=PAGE)
    where = vouchers_admin.AccountFilter(query.kind, query.township, query.year)
    async with services(request).uow() as uow:
        rows = await vouchers_admin.account_page(
            uow, session.staff, where, limit=query.limit, after_id=query.after_id()
        )
    filters = {k: v for k, v in request.query.items() if k in ("kind", "township", "year") and v}
    cursor = query.next_cursor([r.id for r in rows])
    more = None if cursor is None else "?" + urlencode({**filters, "cursor": cursor})
    return page(
        request,
        "vouchers.html",
        page_name="vouchers",
        rows=rows,
        query=query,
        kinds=ServiceObjectKind,
        error=error,
        more=more,
    )


@routes.get("/vouchers/accounts/{id}")
async def account_ledger(request: web.Request) -> web.Response:
    session = signed_in(request)
    query, error = _query(PageQuery, request, limit=PAGE)
    async with services(request).uow() as uow:
        header, rows = await vouchers_admin.ledger_page(
            uow, session.staff, request_id(request), limit=query.limit, after_id=query.after_id()
        )
    cursor = query.next_cursor([r.id for r in rows])
    return page(
        request,
        "voucher_ledger.html",
        page_name="vouchers",
        a=header,
        rows=rows,
        error=error,
        done=request.query.get("done") == "adjusted",
        more=None if cursor is None else "?" + urlencode({"cursor": cursor}),
        delta="",
        reason="",
    )


@routes.post("/vouchers/accounts/{id}/adjust")
async def adjust(request: web.Request) -> web.StreamResponse:
    session, form = await checked_form(request)
    account_id = request_id(request)
    typed, reason = str(form.get("delta", ""))[:32], str(form.get("reason", ""))[:1000]
    delta = fen_of(typed, signed=True)
    try:
        if not delta:  # None (not an amount) or 0 (nothing to correct)
            raise InvalidInput(translator(language(request))("bad_delta"))
        body = checked(AdjustBody, {"delta_fen": delta, "reason": reason})
        async with services(request).uow() as uow:
            await voucher_desk.adjust(
                uow, session.staff, account_id, delta_fen=body.delta_fen, reason=body.reason
            )
    except InvalidInput as exc:
        async with services(request).uow() as uow:
            header, rows = await vouchers_admin.ledger_page(uow, session.staff, account_id, limit=PAGE)
        return page(
            request,
            "voucher_ledger.html",
            status=422,
            page_name="vouchers",
            a=header,
            rows=rows,
            error=str(exc),
            done=False,
            more=None,
            delta=typed,
            reason=reason,
        )
    raise web.HTTPSeeOther(f"/console/vouchers/accounts/{account_id}?done=adjusted")


def _typed(source: Any) -> dict[str, str]:
    return {name: str(source.get(name, "")).strip()[:8000] for name in _ISSUE_FIELDS}


def _issue_body(typed: dict[str, str], t: Any, **extra: Any) -> IssueBody:
    """The batch the form describes, checked by the API's own IssueBody; InvalidInput names what to fix."""
    amount = fen_of(typed["amount"])
    if amount is None or amount == 0:
        raise InvalidInput(t("bad_amount"))
    ids = [part for part in _IDS.split(typed["ids"]) if part]
    if not all(part.isascii() and part.isdigit() for part in ids):
        raise InvalidInput(t("bad_ids"))
    return checked(
        IssueBody,
        {
            "amount_fen": amount,
            "budget_year": int(typed["year"]) if typed["year"].isascii() and typed["year"].isdigit() else 0,
            "kind": typed["kind"] or None,
            "township_id": typed["township"] or None,
            "service_object_ids": [int(part) for part in ids],
            **extra,
        },
    )


def _issue_form(request: web.Request, typed: dict[str, str], error: str | None = None) -> web.Response:
    return page(
        request,
        "voucher_issue.html",
        status=422 if error else 200,
        page_name="vouchers",
        f=typed,
        kinds=ServiceObjectKind,
        error=error,
    )


@routes.get("/vouchers/issue")
async def issue_form(request: web.Request) -> web.Response:
    signed_in(request)
    typed = _typed(request.query)
    typed["year"] = typed["year"] or str(budget_year(services(request).clock()))
    return _issue_form(request, typed)


async def _issue(request: web.Request, *, preview: bool) -> tuple[dict[str, str], Any]:
    session, form = await checked_form(request)
    typed = _typed(form)
    key = None if preview else str(form.get("batch_key", ""))
    body = _issue_body(typed, translator(language(request)), preview=preview, batch_key=key)
    target = voucher_desk.IssueTarget(body.kind, body.township_id, tuple(body.service_object_ids))
    async with services(request).uow() as uow:
        result = await voucher_desk.issue_batch(
            uow,
            session.staff,
            target,
            amount_fen=body.amount_fen,
            budget_year=body.budget_year,
            batch_key=body.batch_key,
            preview=body.preview,
        )
    return typed, result


@routes.post("/vouchers/issue/preview")
async def issue_preview(request: web.Request) -> web.Response:
    try:
        typed, result = await _issue(request, preview=True)
    except InvalidInput as exc:
        return _issue_form(request, _typed(await request.post()), str(exc))
    # The key is drawn once, here: a second click or a re-post of the confirmation carries the
    # same key, and core answers the first batch instead of issuing again.
    return page(
        request,
        "voucher_preview.html",
        page_name="vouchers",
        f=typed,
        r=result,
        batch_key=secrets.token_urlsafe(16),
        edit="?" + urlencode(typed),
    )


@routes.post("/vouchers/issue")
async def issue(request: web.Request) -> web.Response:
    try:
        typed, result = await _issue(request, preview=False)
    except InvalidInput as exc:
        return _issue_form(request, _typed(await request.post()), str(exc))
    return page(request, "voucher_issued.html", page_name="vouchers", f=typed, r=result)


@routes.get("/vouchers/reconciliation")
async def reconciliation(request: web.Request) -> web.Response:
    session = signed_in(request)
    query, error = _query(ReconciliationQuery, request)
    async with services(request).uow() as uow:
        found = await vouchers_admin.reconciliation(uow, session.staff, budget_year=query.year)
    return page(
        request,
        "voucher_reconciliation.html",
        page_name="vouchers",
        found=found,
        year=query.year,
        error=error,
    )
