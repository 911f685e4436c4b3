"""The voucher desk (Art. 3, 6(6)): accounts and ledgers, batches issued under a key, adjustments,
year-end expiry, reconciliation. Parse → one core call → render."""

from __future__ import annotations

from admin_api.endpoints import Api, Call
from admin_api.pagination import PageQuery
from admin_api.schemas.vouchers import (
    AccountOut,
    AccountPage,
    AccountQuery,
    AdjustBody,
    BatchOut,
    ExpireBody,
    IssueBody,
    LedgerItem,
    LedgerPage,
    ReconciliationOut,
    ReconciliationQuery,
)
from core import voucher_desk, vouchers_admin
from core.permissions import Permission

api = Api(tag="vouchers")


@api.route(
    "GET",
    "/api/v1/vouchers/accounts",
    summary="Voucher accounts with their balances: issued, available, held, captured, expired",
    permission=Permission.read_vouchers,
)
async def list_accounts(call: Call, query: AccountQuery) -> AccountPage:
    where = vouchers_admin.AccountFilter(query.kind, query.township, query.year)
    async with call.uow() as uow:
        rows = await vouchers_admin.account_page(
            uow, call.staff, where, limit=query.limit, after_id=query.after_id()
        )
    return AccountPage(
        items=[AccountOut.of(row) for row in rows], next_cursor=query.next_cursor([r.id for r in rows])
    )


@api.route(
    "GET",
    "/api/v1/vouchers/accounts/{id}/ledger",
    summary="One account and its ledger, oldest first",
    permission=Permission.read_vouchers,
)
async def account_ledger(call: Call, query: PageQuery) -> LedgerPage:
    async with call.uow() as uow:
        header, rows = await vouchers_admin.ledger_page(
            uow, call.staff, call.path_id(), limit=query.limit, after_id=query.after_id()
        )
    return LedgerPage(
        account=AccountOut.of(header),
        items=[LedgerItem.of(row) for row in rows],
        next_cursor=query.next_cursor([r.id for r in rows]),
    )


@api.route(
    "POST",
    "/api/v1/vouchers/issue",
    summary="Issue a batch of vouchers (preview: count and total only); a batch_key issues once",
    permission=Permission.issue_vouchers,
    errors=(409,),
)
async def issue(call: Call, body: IssueBody) -> BatchOut:
    target = voucher_desk.IssueTarget(body.kind, body.township_id, tuple(body.service_object_ids))
    async with call.uow() as uow:
        result = await voucher_desk.issue_batch(
            uow,
            call.staff,
            target,
            amount_fen=body.amount_fen,
            budget_year=body.budget_year,
            batch_key=body.batch_key,
            preview=body.preview,
        )
    return BatchOut.of(result)


@api.route(
    "POST",
    "/api/v1/vouchers/accounts/{id}/adjust",
    summary="Correct an account up or down, with a reason; never below zero available",
    permission=Permission.adjust_vouchers,
    errors=(409,),
)
async def adjust(call: Call, body: AdjustBody) -> AccountOut:
    async with call.uow() as uow:
        row = await voucher_desk.adjust(
            uow, call.staff, call.path_id(), delta_fen=body.delta_fen, reason=body.reason
        )
    return AccountOut.of(row)


@api.route(
    "POST",
    "/api/v1/vouchers/expire",
    summary="Close an ended budget year: unspent balances expire; once per year (again: the first report)",
    permission=Permission.expire_vouchers,
    errors=(409,),
)
async def expire(call: Call, body: ExpireBody) -> BatchOut:
    async with call.uow() as uow:
        result = await voucher_desk.expire_year(uow, call.staff, body.budget_year, now=call.now())
    return BatchOut.of(result)


@api.route(
    "GET",
    "/api/v1/vouchers/reconciliation",
    summary="Every account against its ledger: the mismatches (none expected)",
    permission=Permission.read_vouchers,
)
async def reconciliation(call: Call, query: ReconciliationQuery) -> ReconciliationOut:
    async with call.uow() as uow:
        found = await vouchers_admin.reconciliation(uow, call.staff, budget_year=query.year)
    return ReconciliationOut(accounts=found.accounts, mismatches=[AccountOut.of(r) for r in found.mismatches])
