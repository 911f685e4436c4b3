"""The farmer answers an expert's completion in another mode than the one chosen (core.mode_change).

The question is pushed by the notifier (core.notifications, render.notices); here the answer.
"""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery, Message

from bot.deps import BotDeps
from bot.edits import show
from core import mode_change
from core.errors import DomainError
from dialogs.filters import IS_FARMER
from render.callbacks import ModeChangeCb
from render.i18n import Translator
from storage.models import Farmer
from storage.uow import UnitOfWork

router = Router(name=__name__)
router.callback_query.filter(IS_FARMER)


@router.callback_query(ModeChangeCb.filter())
async def answered(
    query: CallbackQuery,
    callback_data: ModeChangeCb,
    t: Translator,
    uow: UnitOfWork,
    deps: BotDeps,
    farmer: Farmer,
) -> None:
    assert isinstance(query.message, Message)
    request_id, event_id = callback_data.request_id, callback_data.event_id
    try:
        if callback_data.answer == "yes":
            await mode_change.agree(uow, request_id, farmer.id, event_id, now=deps.clock())
            # The completion's push follows, with the amount and the rating stars (bot.notifier).
            await query.answer(t("consent.agreed"))
            await show(query.message, t("consent.agreed"))
            return
        proposal = await mode_change.refuse(uow, request_id, farmer.id, event_id, now=deps.clock())
    except DomainError:
        await query.answer(t("consent.gone", id=request_id), show_alert=True)
        return
    await query.answer()
    await show(query.message, t("consent.refused", id=request_id, chosen=t(f"mode.{proposal.chosen}")))
