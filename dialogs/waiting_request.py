"""A farmer writes again while a request waits for review or for the expert: about it, or new?

Farmers write "补充一下，叶子背面也有小虫子" or "专家什么时候回复？" after submitting, as they would to a
person. Taken as a new problem, an addition would never reach the request. So the bot says where
the request stands and asks: added to a request still waiting for review
(core.requests.supplement), or a new problem. Once approved, the reviewed text stands: the farmer
is told whose answer is awaited and that the conversation opens when the expert accepts. Small
talk and menu-like intents pass through to dialogs.intake. The question is asked in
dialogs.waiting_question; the answer is taken here.
"""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery

from bot.edits import show
from bot.refusals import Refusals, edit
from bot.turn import Turn
from core import requests
from core.errors import DomainError
from dialogs.filters import IS_FARMER
from dialogs.form_data import WaitingQuestionData, read, write
from dialogs.intake import start_from_media, start_intake
from render.callbacks import WaitingCb

router = Router(name=__name__)
router.callback_query.filter(IS_FARMER)
NOT_ADDED = Refusals((DomainError, edit("waiting.not_added")))


@router.callback_query(WaitingCb.filter())
async def answered(query: CallbackQuery, callback_data: WaitingCb, turn: Turn) -> None:
    state, t = turn.state, turn.t
    held = (await read(state, WaitingQuestionData)).get("waiting_held")
    if not held or held["request_id"] != callback_data.request_id:
        # Answered already, or a newer message asked again: that one's buttons are the ones to use.
        await query.answer(t("waiting.gone"), show_alert=True)
        return
    await write(state, WaitingQuestionData(waiting_held=None))
    await query.answer()
    request_id, text = callback_data.request_id, str(held["text"])
    attachments = tuple(held.get("attachments") or ())
    if callback_data.action == "add":
        try:
            await requests.supplement(turn.uow, request_id, turn.farmer.id, text, attachments=attachments)
        except DomainError as error:  # reviewed meanwhile, or too long: the farmer's to send again
            await turn.refuse(error, NOT_ADDED, id=request_id)
            return
        await show(turn.message, t("waiting.added", id=request_id))
    elif callback_data.action == "new":
        await show(turn.message, t("waiting.as_new"))
        if attachments:
            saved = str(held.get("saved") or "intake.media_saved")
            await start_from_media(turn, text, attachments, saved)
        else:
            await start_intake(turn, text, waiting_checked=True)
    else:
        await show(turn.message, t("waiting.kept", id=request_id))
