"""The county's hand on the vouchers (Art. 3, 6(6)): batches issued, accounts adjusted, years closed.

Every movement goes through `core.ledger` (guarded UPDATEs of the running balances, one ledger row
each), in one transaction with its audit entry:

- `issue_batch`: an amount for a budget year to every certified service object chosen (by kind, by
  township, or a list of ids) in the staff's scope. A preview says how many accounts and the total and
  writes nothing. A real issue carries the caller's key: the batch is stored under it before any money
  moves, so the same key again (even at the same moment: the unique key makes the second wait and
  fail) answers the first batch and issues nothing.
- `adjust`: a correction with a reason, up or down; never below zero available (the ledger refuses).
- `expire_year`: at year end what was neither spent nor held lapses; once per year and scope (the
  second call answers the first report). A closed year takes no more issues or increases, and a
  hold released after the closing lapses at once (core.ledger.release).

Reads are `core.vouchers_admin`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core import audit, ledger
from core.budget import budget_year as year_of
from core.errors import IllegalTransition, InvalidInput, NotFound, does_not_exist, within_limit
from core.permissions import Permission
from core.scope import Staff
from core.vouchers_admin import AccountRow, account
from storage.enums import ServiceObjectKind
from storage.models import ServiceObject, VoucherAccount, VoucherBatch
from storage.uow import UnitOfWork

MAX_REASON = 500
MAX_KEY = 48


@dataclass(frozen=True)
class IssueTarget:
    """Which service objects receive the batch: all of a kind and/or of a township, or a list."""

    kind: ServiceObjectKind | None = None
    township_id: int | None = None
    service_object_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class BatchResult:
    batch_key: str | None  # None for a preview
    action: str
    budget_year: int
    accounts: int
    total_fen: int
    amount_fen: int | None
    preview: bool = False
    repeated: bool = False  # True: the key was sent before; this is the first call's result


def _stored_key(staff: Staff, key: str) -> str:
    # Keys are the caller's words: one county's key never answers another county's batch.
    return f"{staff.county_id or 'city'}:{key}"


def _result(batch: VoucherBatch, key: str, *, repeated: bool) -> BatchResult:
    return BatchResult(
        key,
        batch.action,
        batch.budget_year,
        batch.accounts,
        batch.total_fen,
        batch.amount_fen,
        repeated=repeated,
    )


async def _stored(uow: UnitOfWork, stored_key: str) -> VoucherBatch | None:
    return await uow.session.scalar(select(VoucherBatch).where(VoucherBatch.batch_key == stored_key))


async def _refuse_closed(uow: UnitOfWork, year: int, county_ids: set[int]) -> None:
    """A year closed city-wide, or in one of `county_ids`, takes no more money."""
    if await ledger.year_closed(uow, year, county_ids):
        raise IllegalTransition(
            f"budget year {year} is closed (its unspent vouchers expired); issue for another year",
            budget_year=year,
        )


async def _targets(uow: UnitOfWork, staff: Staff, target: IssueTarget) -> list[ServiceObject]:
    if not target.service_object_ids and target.kind is None and target.township_id is None:
        raise InvalidInput("choose the service objects: a kind, a township or a list of ids")
    query = select(ServiceObject).where(ServiceObject.certified.is_(True)).order_by(ServiceObject.id)
    if target.service_object_ids:
        wanted = set(target.service_object_ids)
        found = list((await uow.session.scalars(query.where(ServiceObject.id.in_(wanted)))).all())
        for missing in sorted(wanted - {o.id for o in found}):
            raise NotFound(does_not_exist("service object", missing))
        for service_object in found:
            staff.ensure_county(service_object.county_id, what="service object", object_id=service_object.id)
        return found
    if staff.county_id is not None:
        query = query.where(ServiceObject.county_id == staff.county_id)
    if target.kind is not None:
        query = query.where(ServiceObject.kind == target.kind)
    if target.township_id is not None:
        query = query.where(ServiceObject.township_id == target.township_id)
    return list((await uow.session.scalars(query)).all())


def _check_year(year: int) -> int:
    if not 2000 <= year <= 2100:
        raise InvalidInput(f"budget year {year} is not a year this platform serves (2000 to 2100)")
    return year


async def issue_batch(
    uow: UnitOfWork,
    staff: Staff,
    target: IssueTarget,
    *,
    amount_fen: int,
    budget_year: int,
    batch_key: str | None,
    preview: bool = False,
) -> BatchResult:
    staff.ensure(Permission.issue_vouchers)
    if isinstance(amount_fen, bool) or not isinstance(amount_fen, int) or amount_fen <= 0:
        raise InvalidInput(f"the amount is positive whole fen, got {amount_fen!r}")
    _check_year(budget_year)
    if not preview:
        if not batch_key or len(batch_key) > MAX_KEY:
            raise InvalidInput(
                f"a batch needs a batch_key of 1 to {MAX_KEY} characters, so it is issued once"
            )
        first = await _stored(uow, _stored_key(staff, batch_key))
        if first is not None:
            return _result(first, batch_key, repeated=True)
    objects = await _targets(uow, staff, target)
    await _refuse_closed(uow, budget_year, {o.county_id for o in objects})
    if preview:
        return BatchResult(
            None, "issue", budget_year, len(objects), len(objects) * amount_fen, amount_fen, True
        )
    assert batch_key is not None
    if not objects:
        raise InvalidInput("no certified service object matches this batch; nothing issued")
    batch = VoucherBatch(
        batch_key=_stored_key(staff, batch_key),
        action="issue",
        budget_year=budget_year,
        county_id=staff.county_id,
        amount_fen=amount_fen,
        accounts=len(objects),
        total_fen=len(objects) * amount_fen,
        actor_id=staff.admin_id,
    )
    if not await _claim_key(uow, batch):
        first = await _stored(uow, batch.batch_key)
        assert first is not None
        return _result(first, batch_key, repeated=True)
    accounts = await _accounts_for(uow, [o.id for o in objects], budget_year)
    for service_object in objects:
        await ledger.issue(
            uow, accounts[service_object.id], amount_fen, staff.actor, note=f"batch {batch_key}"
        )
    await audit.record(
        uow,
        staff.actor,
        "vouchers.issue",
        "voucher_batch",
        batch.id,
        after={"accounts": batch.accounts, "total_fen": batch.total_fen},
        county_id=staff.county_id,
        batch_key=batch_key,
        budget_year=budget_year,
        amount_fen=amount_fen,
        kind=None if target.kind is None else str(target.kind),
        township_id=target.township_id,
        service_object_ids=list(target.service_object_ids) or None,
    )
    await uow.commit()
    return _result(batch, batch_key, repeated=False)


async def _claim_key(uow: UnitOfWork, batch: VoucherBatch) -> bool:
    """Store the batch under its key before any money moves; False when the key was taken meanwhile
    (a concurrent call with the same key committed first)."""
    uow.session.add(batch)
    try:
        await uow.flush()
    except IntegrityError:
        await uow.rollback()
        return False
    return True


async def _accounts_for(uow: UnitOfWork, object_ids: list[int], year: int) -> dict[int, VoucherAccount]:
    """The year's account of each object, opened where missing (one read for those that exist)."""
    existing = await uow.session.scalars(
        select(VoucherAccount).where(
            VoucherAccount.service_object_id.in_(object_ids), VoucherAccount.budget_year == year
        )
    )
    accounts = {a.service_object_id: a for a in existing.all()}
    for object_id in object_ids:
        if object_id not in accounts:
            accounts[object_id] = VoucherAccount(
                service_object_id=object_id, budget_year=year, available_fen=0, held_fen=0
            )
            uow.session.add(accounts[object_id])
    await uow.flush()
    return accounts


async def adjust(
    uow: UnitOfWork, staff: Staff, account_id: int, *, delta_fen: int, reason: str
) -> AccountRow:
    """Correct an account by `delta_fen` (up or down) with a reason; never below zero available."""
    staff.ensure(Permission.adjust_vouchers)
    reason = within_limit(reason.strip(), MAX_REASON, field="reason", what="the reason")
    if not reason:
        raise InvalidInput("an adjustment needs a reason", field="reason")
    before = await account(uow, staff, account_id)
    if delta_fen > 0:
        service_object = await uow.session.get(ServiceObject, before.service_object_id)
        assert service_object is not None
        await _refuse_closed(uow, before.budget_year, {service_object.county_id})
    target = await uow.session.get(VoucherAccount, account_id)
    assert target is not None
    entry = await ledger.adjust(uow, target, delta_fen, staff.actor, reason)
    await audit.record(
        uow,
        staff.actor,
        "vouchers.adjust",
        "voucher_account",
        account_id,
        before={"available_fen": before.available_fen},
        after={"available_fen": before.available_fen + delta_fen},
        county_id=await _county_of_account(uow, account_id),
        ledger_entry_id=entry.id,
        delta_fen=delta_fen,
        reason=reason,
    )
    await uow.commit()
    return await account(uow, staff, account_id)


async def _county_of_account(uow: UnitOfWork, account_id: int) -> int | None:
    return await uow.session.scalar(
        select(ServiceObject.county_id)
        .join(VoucherAccount, VoucherAccount.service_object_id == ServiceObject.id)
        .where(VoucherAccount.id == account_id)
    )


async def expire_year(uow: UnitOfWork, staff: Staff, budget_year: int, *, now: datetime) -> BatchResult:
    """Close a budget year that has ended: every account's available balance in scope lapses (held
    amounts stay with their requests). Once per year and scope: again, it answers the first report."""
    staff.ensure(Permission.expire_vouchers)
    _check_year(budget_year)
    if budget_year >= year_of(now):
        raise IllegalTransition(
            f"budget year {budget_year} has not ended; its vouchers expire from 1 January {budget_year + 1}",
            budget_year=budget_year,
        )
    key = f"expire-{budget_year}"
    first = await _stored(uow, _stored_key(staff, key))
    if first is not None:
        return _result(first, key, repeated=True)
    batch = VoucherBatch(
        batch_key=_stored_key(staff, key),
        action="expire",
        budget_year=budget_year,
        county_id=staff.county_id,
        accounts=0,
        total_fen=0,
        actor_id=staff.admin_id,
    )
    if not await _claim_key(uow, batch):
        first = await _stored(uow, _stored_key(staff, key))
        assert first is not None
        return _result(first, key, repeated=True)
    query = (
        select(VoucherAccount)
        .where(VoucherAccount.budget_year == budget_year, VoucherAccount.available_fen > 0)
        .order_by(VoucherAccount.id)
    )
    if staff.county_id is not None:
        query = query.join(ServiceObject, ServiceObject.id == VoucherAccount.service_object_id).where(
            ServiceObject.county_id == staff.county_id
        )
    for open_account in (await uow.session.scalars(query)).all():
        entry = await ledger.expire(uow, open_account, staff.actor)
        if entry is not None:
            batch.accounts += 1
            batch.total_fen += entry.amount_fen
    await audit.record(
        uow,
        staff.actor,
        "vouchers.expire",
        "voucher_batch",
        batch.id,
        after={"accounts": batch.accounts, "total_fen": batch.total_fen},
        county_id=staff.county_id,
        budget_year=budget_year,
    )
    await uow.commit()
    return _result(batch, key, repeated=False)
