"""The farmer answers an expert's completion in another mode than the one chosen (core.mode_change).

The question is pushed by the notifier (core.notifications, render.notices); here the answer.
"""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery

from bot.edits import show
from bot.refusals import Refusals, alert
from bot.turn import Turn
from core import mode_change
from core.errors import DomainError
from dialogs.filters import IS_FARMER
from render.callbacks import ModeChangeCb

router = Router(name=__name__)
router.callback_query.filter(IS_FARMER)


REFUSED = Refusals((DomainError, alert("consent.gone")))


@router.callback_query(ModeChangeCb.filter())
async def answered(query: CallbackQuery, callback_data: ModeChangeCb, turn: Turn) -> None:
    t, uow, deps, farmer = turn.t, turn.uow, turn.deps, turn.farmer
    request_id, event_id = callback_data.request_id, callback_data.event_id
    try:
        if callback_data.answer == "yes":
            await mode_change.agree(uow, request_id, farmer.id, event_id, now=deps.clock())
            # The completion's push follows, with the amount and the rating stars (bot.notifier).
            await query.answer(t("consent.agreed"))
            await show(turn.message, t("consent.agreed"))
            return
        proposal = await mode_change.refuse(uow, request_id, farmer.id, event_id, now=deps.clock())
    except DomainError as error:
        await turn.refuse(error, REFUSED, query, id=request_id)
        return
    await query.answer()
    await show(turn.message, t("consent.refused", id=request_id, chosen=t(f"mode.{proposal.chosen}")))
