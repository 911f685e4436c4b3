"""The city's fee per service mode (Art. 15), stored as data: the newest effective entry wins.

The city roles add entries (`set_fee`); a request holds the fee in force when it is submitted and is
captured at the schedule of that moment, so a change never alters a fee already held."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from core import audit
from core.errors import InvalidInput
from core.permissions import Permission
from core.scope import Staff
from storage.enums import ServiceMode
from storage.models import FeeScheduleEntry
from storage.types import utcnow
from storage.uow import UnitOfWork


async def fee_for(uow: UnitOfWork, mode: ServiceMode, at: datetime | None = None) -> int:
    fee = await uow.session.scalar(
        select(FeeScheduleEntry.fee_fen)
        .where(FeeScheduleEntry.service_mode == mode, FeeScheduleEntry.effective_from <= (at or utcnow()))
        .order_by(FeeScheduleEntry.effective_from.desc(), FeeScheduleEntry.id.desc())
        .limit(1)
    )
    if fee is None:
        raise InvalidInput(f"the city has set no fee for {mode}; ask the bureau to publish the schedule")
    return fee


async def fee_schedule(uow: UnitOfWork, at: datetime | None = None) -> dict[ServiceMode, int]:
    schedule: dict[ServiceMode, int] = {}
    for mode in ServiceMode:
        try:
            schedule[mode] = await fee_for(uow, mode, at)
        except InvalidInput:
            continue
    return schedule


MAX_FEE_FEN = 1_000_000  # ¥10,000: far above any service; a typo in fen vs yuan stops here


async def schedule_entries(uow: UnitOfWork, staff: Staff) -> list[FeeScheduleEntry]:
    """Every entry of the schedule, past and future, newest effective first."""
    staff.ensure(Permission.read_fees)
    rows = await uow.session.scalars(
        select(FeeScheduleEntry).order_by(FeeScheduleEntry.effective_from.desc(), FeeScheduleEntry.id.desc())
    )
    return list(rows.all())


async def set_fee(
    uow: UnitOfWork,
    staff: Staff,
    mode: ServiceMode,
    fee_fen: int,
    *,
    effective_from: datetime | None,
    now: datetime,
    via: str,
) -> FeeScheduleEntry:
    """A new fee for a mode from `effective_from` (now when left out). Commits.

    Never backdated: a request is captured at the schedule in force when it was submitted
    (core.requests.complete), so an entry in the past would change fees already held."""
    staff.ensure(Permission.set_fees)
    if not 0 < fee_fen <= MAX_FEE_FEN:
        raise InvalidInput(f"a fee is 1 to {MAX_FEE_FEN} fen (¥{MAX_FEE_FEN // 100})", field="fee_fen")
    start = effective_from or now
    if start < now:
        raise InvalidInput(
            "Art. 15: a fee takes effect from now or later; fees already held never change",
            field="effective_from",
        )
    before = (await fee_schedule(uow, start)).get(mode)
    entry = FeeScheduleEntry(service_mode=mode, fee_fen=fee_fen, effective_from=start)
    uow.session.add(entry)
    await uow.flush()
    await audit.record(
        uow,
        staff.actor,
        "fee.set",
        "fee_schedule",
        entry.id,
        before={"service_mode": str(mode), "fee_fen": before} if before is not None else None,
        after={"service_mode": str(mode), "fee_fen": fee_fen, "effective_from": start.isoformat()},
        via=via,
    )
    await uow.commit()
    return entry
