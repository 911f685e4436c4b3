"""The voucher ledger (Art. 3, 6(6), 11(1)): issue, hold, release, capture, expire, adjust.

Every movement is a LedgerEntry carrying its effect on the account's available and held balances;
the account row keeps running totals updated in the same transaction, so the balance is always the
sum of the ledger (see `reconcile`). Holds are taken with one conditional UPDATE: the database
refuses to take more than is available, even with many concurrent submissions, without a lock wait
on SQLite and with row locking on PostgreSQL. Nothing here commits: the use case does.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select, update

from core.actors import Actor
from core.errors import InsufficientBalance, InvalidInput, NotFound
from storage.enums import LedgerKind
from storage.models import LedgerEntry, ServiceObject, VoucherAccount, VoucherBatch
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class Balance:
    available_fen: int
    held_fen: int


async def get_account(uow: UnitOfWork, service_object_id: int, budget_year: int) -> VoucherAccount:
    account = await uow.session.scalar(
        select(VoucherAccount).where(
            VoucherAccount.service_object_id == service_object_id,
            VoucherAccount.budget_year == budget_year,
        )
    )
    if account is None:
        raise NotFound(
            f"no voucher account for service object {service_object_id} in {budget_year}; "
            "the county has not issued vouchers for that year",
            service_object_id=service_object_id,
            budget_year=budget_year,
        )
    return account


async def open_account(uow: UnitOfWork, service_object_id: int, budget_year: int) -> VoucherAccount:
    try:
        return await get_account(uow, service_object_id, budget_year)
    except NotFound:
        account = VoucherAccount(
            service_object_id=service_object_id, budget_year=budget_year, available_fen=0, held_fen=0
        )
        uow.session.add(account)
        await uow.flush()
        return account


def _positive(amount_fen: int) -> int:
    if not isinstance(amount_fen, int) or isinstance(amount_fen, bool) or amount_fen <= 0:
        raise InvalidInput(f"amounts are positive whole fen, got {amount_fen!r}")
    return amount_fen


async def _move(
    uow: UnitOfWork,
    account_id: int,
    kind: LedgerKind,
    amount_fen: int,
    available_delta: int,
    held_delta: int,
    actor: Actor,
    *,
    request_id: int | None = None,
    note: str | None = None,
) -> LedgerEntry:
    guarded = (
        update(VoucherAccount)
        .where(VoucherAccount.id == account_id)
        .where(VoucherAccount.available_fen + available_delta >= 0)
        .where(VoucherAccount.held_fen + held_delta >= 0)
        .values(
            available_fen=VoucherAccount.available_fen + available_delta,
            held_fen=VoucherAccount.held_fen + held_delta,
        )
        .returning(VoucherAccount.budget_year)
        .execution_options(synchronize_session=False)
    )
    budget_year = await uow.session.scalar(guarded)
    if budget_year is None:
        balance = await account_balance(uow, account_id)
        raise InsufficientBalance(
            f"voucher balance ¥{balance.available_fen / 100:.2f} does not cover {kind} of "
            f"¥{amount_fen / 100:.2f}",
            available_fen=balance.available_fen,
            amount_fen=amount_fen,
        )
    entry = LedgerEntry(
        account_id=account_id,
        budget_year=budget_year,
        kind=kind,
        amount_fen=amount_fen,
        available_delta_fen=available_delta,
        held_delta_fen=held_delta,
        request_id=request_id,
        actor_kind=actor.kind,
        actor_id=actor.id,
        note=note,
    )
    uow.session.add(entry)
    await uow.flush()
    return entry


async def issue(
    uow: UnitOfWork, account: VoucherAccount, amount_fen: int, actor: Actor, note: str | None = None
) -> LedgerEntry:
    amount = _positive(amount_fen)
    return await _move(uow, account.id, LedgerKind.issue, amount, amount, 0, actor, note=note)


async def hold(
    uow: UnitOfWork, account: VoucherAccount, request_id: int, amount_fen: int, actor: Actor
) -> LedgerEntry:
    amount = _positive(amount_fen)
    return await _move(
        uow, account.id, LedgerKind.hold, amount, -amount, amount, actor, request_id=request_id
    )


async def held_for_request(uow: UnitOfWork, request_id: int) -> tuple[int | None, int]:
    """(account id, amount still held) for a request; (None, 0) when it never held anything."""
    row = (
        await uow.session.execute(
            select(LedgerEntry.account_id, func.sum(LedgerEntry.held_delta_fen))
            .where(LedgerEntry.request_id == request_id)
            .group_by(LedgerEntry.account_id)
        )
    ).first()
    if row is None:
        return None, 0
    return row[0], int(row[1] or 0)


async def year_closed(uow: UnitOfWork, budget_year: int, county_ids: set[int]) -> bool:
    """Whether `budget_year` was closed (its unspent vouchers expired) city-wide or in one of
    `county_ids` (core.voucher_desk.expire_year)."""
    closed = await uow.session.scalar(
        select(VoucherBatch.id)
        .where(VoucherBatch.action == "expire", VoucherBatch.budget_year == budget_year)
        .where(or_(VoucherBatch.county_id.is_(None), VoucherBatch.county_id.in_(county_ids)))
        .limit(1)
    )
    return closed is not None


async def _account_year_closed(uow: UnitOfWork, account_id: int) -> bool:
    row = (
        await uow.session.execute(
            select(VoucherAccount.budget_year, ServiceObject.county_id)
            .join(ServiceObject, ServiceObject.id == VoucherAccount.service_object_id)
            .where(VoucherAccount.id == account_id)
        )
    ).one()
    return await year_closed(uow, row[0], {row[1]})


async def release(
    uow: UnitOfWork, request_id: int, actor: Actor, note: str | None = None
) -> LedgerEntry | None:
    """Give back whatever the request still holds; None when nothing is held.

    Held amounts outlive their year's closing (the request is still under way), but what comes back
    after it lapses at once, as it would have at the closing: left available, it would sit in a
    year nobody can spend from any more."""
    account_id, held = await held_for_request(uow, request_id)
    if account_id is None or held == 0:
        return None
    entry = await _move(
        uow, account_id, LedgerKind.release, held, held, -held, actor, request_id=request_id, note=note
    )
    if await _account_year_closed(uow, account_id):
        await _move(
            uow,
            account_id,
            LedgerKind.expire,
            held,
            -held,
            0,
            Actor.system(),
            request_id=request_id,
            note="released after its budget year closed",
        )
    return entry


async def capture(uow: UnitOfWork, request_id: int, amount_fen: int, actor: Actor) -> LedgerEntry:
    """Spend up to the held amount for the delivered service; the rest of the hold is released."""
    amount = _positive(amount_fen)
    account_id, held = await held_for_request(uow, request_id)
    if account_id is None or held < amount:
        raise InsufficientBalance(
            f"request {request_id} holds ¥{held / 100:.2f}, cannot capture ¥{amount / 100:.2f}",
            held_fen=held,
            amount_fen=amount,
        )
    entry = await _move(uow, account_id, LedgerKind.capture, amount, 0, -amount, actor, request_id=request_id)
    if held > amount:
        await release(uow, request_id, actor, note="the delivered mode cost less than the hold")
    return entry


async def expire(uow: UnitOfWork, account: VoucherAccount, actor: Actor) -> LedgerEntry | None:
    """Year-end: what was never spent or held lapses (Art. 6(6) vouchers are per budget year)."""
    balance = await account_balance(uow, account.id)
    if balance.available_fen == 0:
        return None
    amount = balance.available_fen
    return await _move(
        uow, account.id, LedgerKind.expire, amount, -amount, 0, actor, note="budget year closed"
    )


async def adjust(
    uow: UnitOfWork, account: VoucherAccount, delta_fen: int, actor: Actor, note: str
) -> LedgerEntry:
    if not note or not note.strip():
        raise InvalidInput("an adjustment needs a note saying why")
    amount = _positive(abs(delta_fen))
    return await _move(uow, account.id, LedgerKind.adjust, amount, delta_fen, 0, actor, note=note)


async def account_balance(uow: UnitOfWork, account_id: int) -> Balance:
    account = await uow.session.get(VoucherAccount, account_id, populate_existing=True)
    if account is None:
        raise NotFound(f"voucher account {account_id} does not exist")
    return Balance(account.available_fen, account.held_fen)


async def ledger_sums(uow: UnitOfWork, account_id: int) -> Balance:
    row = (
        await uow.session.execute(
            select(
                func.coalesce(func.sum(LedgerEntry.available_delta_fen), 0),
                func.coalesce(func.sum(LedgerEntry.held_delta_fen), 0),
            ).where(LedgerEntry.account_id == account_id)
        )
    ).one()
    return Balance(int(row[0]), int(row[1]))


async def reconcile(uow: UnitOfWork, account_id: int) -> bool:
    """True when the account's running balance equals the sum of its ledger."""
    return await account_balance(uow, account_id) == await ledger_sums(uow, account_id)
