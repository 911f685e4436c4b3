"""The city's fee schedule (Art. 15): read by every role, set by the city with an effective date.

Parse → one core call → render.
"""

from __future__ import annotations

from admin_api.endpoints import Api, Call
from admin_api.schemas.fees import FeeBody, FeeEntryOut, FeeScheduleOut
from core import fees
from core.permissions import Permission

api = Api(tag="fees")


@api.route(
    "GET",
    "/api/v1/fees",
    summary="The fee per service mode now, and every entry",
    permission=Permission.read_fees,
)
async def read_fees(call: Call) -> FeeScheduleOut:
    async with call.uow() as uow:
        entries = await fees.schedule_entries(uow, call.staff)
        in_force = await fees.fee_schedule(uow, call.now())
    return FeeScheduleOut(in_force=in_force, entries=[FeeEntryOut.of(e) for e in entries])


@api.route(
    "POST",
    "/api/v1/fees",
    summary="A new fee for a mode from a date (now or later); fees already held never change",
    permission=Permission.set_fees,
    status=201,
)
async def set_fee(call: Call, body: FeeBody) -> FeeEntryOut:
    async with call.uow() as uow:
        entry = await fees.set_fee(
            uow,
            call.staff,
            body.service_mode,
            body.fee_fen,
            effective_from=body.effective_from,
            now=call.now(),
            via="api",
        )
        return FeeEntryOut.of(entry)
