"""The city's fee per service mode (Art. 15), stored as data: the newest effective entry wins."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from core.errors import InvalidInput
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
