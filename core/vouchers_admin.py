"""What county and city staff read of the vouchers (Art. 3, 6(6)): accounts with their balances, one
account's ledger, and the reconciliation of every account against its ledger.

An account's five figures come from its ledger in the same query as the page:

    issued    = Σ issues + Σ adjustments (signed)      what the county put on the account, net
    available = the account's running balance          what the farmer can still spend
    held      = the account's running hold             reserved by requests under way
    captured  = Σ captures                             spent on delivered services
    expired   = Σ expiries                             lapsed at year end

and issued = available + held + captured + expired holds for every account whose running balances
reconcile with its ledger (`reconciliation` lists the ones that do not; none are expected).

Writes (issue batches, adjustments, expiry) are `core.voucher_desk`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, Subquery, case, func, or_, select

from core.errors import NotFound, does_not_exist
from core.permissions import Permission
from core.scope import Staff
from storage.enums import LedgerKind, ServiceObjectKind
from storage.models import County, LedgerEntry, ServiceObject, Township, VoucherAccount
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class AccountFilter:
    kind: ServiceObjectKind | None = None
    township_id: int | None = None
    budget_year: int | None = None


@dataclass(frozen=True)
class AccountRow:
    id: int
    service_object_id: int
    service_object: str
    kind: ServiceObjectKind
    county: str
    township: str | None
    budget_year: int
    issued_fen: int
    available_fen: int
    held_fen: int
    captured_fen: int
    expired_fen: int
    ledger_available_fen: int  # Σ of the ledger's effects on available
    ledger_held_fen: int

    @property
    def reconciles(self) -> bool:
        return (self.available_fen, self.held_fen) == (self.ledger_available_fen, self.ledger_held_fen)


@dataclass(frozen=True)
class LedgerRow:
    id: int
    at: datetime
    kind: LedgerKind
    amount_fen: int
    available_delta_fen: int
    held_delta_fen: int
    request_id: int | None
    actor: str
    note: str | None


def _sum_of(kinds: tuple[LedgerKind, ...], column: Any) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((LedgerEntry.kind.in_(kinds), column), else_=0)), 0)


def _sums() -> Subquery:
    """Per account: the five ledger figures, as a subquery joined to the accounts (one query)."""
    return (
        select(
            LedgerEntry.account_id.label("account_id"),
            _sum_of((LedgerKind.issue, LedgerKind.adjust), LedgerEntry.available_delta_fen).label("issued"),
            _sum_of((LedgerKind.capture,), LedgerEntry.amount_fen).label("captured"),
            _sum_of((LedgerKind.expire,), LedgerEntry.amount_fen).label("expired"),
            func.sum(LedgerEntry.available_delta_fen).label("available"),
            func.sum(LedgerEntry.held_delta_fen).label("held"),
        )
        .group_by(LedgerEntry.account_id)
        .subquery("sums")
    )


def _accounts(county_id: int | None, *, mismatched: bool = False) -> Select[*tuple[Any, ...]]:
    """Accounts with their ledger figures; `county_id`: one county's only (None: all);
    `mismatched`: only those whose running balances differ from their ledger's sums."""
    sums = _sums()
    zero = 0
    query: Select[*tuple[Any, ...]] = (
        select(
            VoucherAccount,
            ServiceObject.name,
            ServiceObject.kind,
            County.name,
            Township.name,
            func.coalesce(sums.c.issued, zero),
            func.coalesce(sums.c.captured, zero),
            func.coalesce(sums.c.expired, zero),
            func.coalesce(sums.c.available, zero),
            func.coalesce(sums.c.held, zero),
        )
        .join(ServiceObject, ServiceObject.id == VoucherAccount.service_object_id)
        .join(County, County.id == ServiceObject.county_id)
        .outerjoin(Township, Township.id == ServiceObject.township_id)
        .outerjoin(sums, sums.c.account_id == VoucherAccount.id)
    )
    if county_id is not None:
        query = query.where(ServiceObject.county_id == county_id)
    if mismatched:
        query = query.where(
            or_(
                VoucherAccount.available_fen != func.coalesce(sums.c.available, 0),
                VoucherAccount.held_fen != func.coalesce(sums.c.held, 0),
            )
        )
    # The ledger's guarded UPDATEs bypass the session: an account already in it must be read afresh.
    return query.execution_options(populate_existing=True)


def _row(found: tuple[Any, ...]) -> AccountRow:
    account, name, kind, county, township, issued, captured, expired, available, held = found
    assert isinstance(account, VoucherAccount)
    return AccountRow(
        id=account.id,
        service_object_id=account.service_object_id,
        service_object=str(name),
        kind=ServiceObjectKind(kind),
        county=str(county),
        township=None if township is None else str(township),
        budget_year=account.budget_year,
        issued_fen=int(issued),
        available_fen=account.available_fen,
        held_fen=account.held_fen,
        captured_fen=int(captured),
        expired_fen=int(expired),
        ledger_available_fen=int(available),
        ledger_held_fen=int(held),
    )


async def account_page(
    uow: UnitOfWork, staff: Staff, where: AccountFilter, *, limit: int, after_id: int | None = None
) -> list[AccountRow]:
    """One page of accounts in the staff's scope, by id (keyset: `after_id` is the previous page's
    last), with their balances: one query."""
    staff.ensure(Permission.read_vouchers)
    query = _accounts(staff.county_id).order_by(VoucherAccount.id).limit(limit)
    if where.kind is not None:
        query = query.where(ServiceObject.kind == where.kind)
    if where.township_id is not None:
        query = query.where(ServiceObject.township_id == where.township_id)
    if where.budget_year is not None:
        query = query.where(VoucherAccount.budget_year == where.budget_year)
    if after_id is not None:
        query = query.where(VoucherAccount.id > after_id)
    return [_row(tuple(found)) for found in (await uow.session.execute(query)).all()]


async def account(uow: UnitOfWork, staff: Staff, account_id: int) -> AccountRow:
    staff.ensure(Permission.read_vouchers)
    query = _accounts(None).add_columns(ServiceObject.county_id).where(VoucherAccount.id == account_id)
    found = (await uow.session.execute(query)).one_or_none()
    if found is None:
        raise NotFound(does_not_exist("voucher account", account_id))
    staff.ensure_county(found[-1], what="voucher account", object_id=account_id)
    return _row(tuple(found)[:-1])


async def ledger_page(
    uow: UnitOfWork, staff: Staff, account_id: int, *, limit: int, after_id: int | None = None
) -> tuple[AccountRow, list[LedgerRow]]:
    """The account (checked in scope) and one page of its ledger, oldest first."""
    header = await account(uow, staff, account_id)
    query = (
        select(LedgerEntry).where(LedgerEntry.account_id == account_id).order_by(LedgerEntry.id).limit(limit)
    )
    if after_id is not None:
        query = query.where(LedgerEntry.id > after_id)
    entries = (await uow.session.scalars(query)).all()
    return header, [
        LedgerRow(
            e.id,
            e.created_at,
            e.kind,
            e.amount_fen,
            e.available_delta_fen,
            e.held_delta_fen,
            e.request_id,
            f"{e.actor_kind}:{e.actor_id}" if e.actor_id is not None else str(e.actor_kind),
            e.note,
        )
        for e in entries
    ]


@dataclass(frozen=True)
class Reconciliation:
    accounts: int  # accounts checked in the staff's scope
    mismatches: list[AccountRow]  # running balances that differ from the ledger's sums


async def reconciliation(uow: UnitOfWork, staff: Staff, *, budget_year: int | None = None) -> Reconciliation:
    """Every account in scope against its ledger: two queries (the count, the mismatches)."""
    staff.ensure(Permission.read_vouchers)
    count = select(func.count(VoucherAccount.id)).join(
        ServiceObject, ServiceObject.id == VoucherAccount.service_object_id
    )
    mismatched = _accounts(staff.county_id, mismatched=True).order_by(VoucherAccount.id)
    if staff.county_id is not None:
        count = count.where(ServiceObject.county_id == staff.county_id)
    if budget_year is not None:
        count = count.where(VoucherAccount.budget_year == budget_year)
        mismatched = mismatched.where(VoucherAccount.budget_year == budget_year)
    total = int(await uow.session.scalar(count) or 0)
    rows = [_row(tuple(found)) for found in (await uow.session.execute(mismatched)).all()]
    return Reconciliation(total, rows)
