"""A farmer writes again while a request waits for review or for the expert: about it, or new?

Farmers write "补充一下，叶子背面也有小虫子" or "专家什么时候回复？" after submitting, as they would to a
person. Each used to start a new problem ("是什么作物或牲畜？"), and an addition never reached the
request. Now the bot says where the request stands and asks: added to a request still waiting for
review (core.requests.supplement), or a new problem. Once approved, the reviewed text stands: the
farmer is told whose answer is awaited and that the conversation opens when the expert accepts.
Small talk and menu-like intents pass through as before (dialogs.intake).
"""

from __future__ import annotations

from aiogram import Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.deps import BotDeps
from bot.edits import show
from core import requests
from core.binding import Identity
from core.errors import DomainError
from core.queries import latest_waiting
from dialogs.filters import IS_FARMER
from render.callbacks import WaitingCb
from render.i18n import Translator
from storage.enums import RequestStatus
from storage.models import Expert, Farmer, ServiceRequest
from storage.uow import UnitOfWork

router = Router(name=__name__)
router.callback_query.filter(IS_FARMER)
HELD = "waiting_held"  # FSM data: the text waiting for the farmer's answer, and its request


def _keyboard(t: Translator, request: ServiceRequest) -> InlineKeyboardMarkup:
    def button(key: str, action: str) -> list[InlineKeyboardButton]:
        data = WaitingCb(request_id=request.id, action=action).pack()
        return [InlineKeyboardButton(text=t(key, id=request.id), callback_data=data)]

    # "New" first: pressed without reading, it loses nothing, while "add" merged a corn problem
    # into a sheep request.
    if request.status is RequestStatus.pending_review:
        return InlineKeyboardMarkup(
            inline_keyboard=[button("waiting.new", "new"), button("waiting.add", "add")]
        )
    return InlineKeyboardMarkup(
        inline_keyboard=[button("waiting.new", "new"), button("waiting.keep", "keep")]
    )


def may_be_the_same(subject: str | None, waiting: str | None) -> bool:
    """Whether a message naming `subject` can be about a request for `waiting`: the same crop or
    animal (肉羊 and 羊 alike), or either names none."""
    if not subject or not waiting:
        return True
    return subject in waiting or waiting in subject


async def asked_about_waiting(
    message: Message,
    state: FSMContext,
    t: Translator,
    uow: UnitOfWork,
    farmer: Farmer,
    text: str,
    identity: Identity | None = None,
    *,
    subject: str | None = None,
    attachments: tuple[str, ...] = (),
    saved: str | None = None,
) -> bool:
    """Whether the farmer, who wrote `text` (screened, not small talk) about `subject`, or sent
    `attachments` (acknowledged with the catalog key `saved`), has a request waiting that it may be
    about, and was asked what it is for. False: carry on with a new intake. `identity`, when the
    update's middleware counted the farmer's waiting requests, spares the query for the many with
    none."""
    if identity is not None and identity.farmer_waiting == 0:
        return False
    waiting = await latest_waiting(uow, farmer.id)
    if waiting is None or not may_be_the_same(subject, waiting.subject):
        return False
    held = {"request_id": waiting.id, "text": text, "attachments": list(attachments), "saved": saved}
    await state.update_data({HELD: held})
    subject = waiting.subject or ""
    if waiting.status is RequestStatus.pending_review:
        question = t("waiting.ask_review", id=waiting.id, subject=subject)
    else:
        expert = await uow.session.get(Expert, waiting.expert_id) if waiting.expert_id else None
        question = t(
            "waiting.ask_expert", id=waiting.id, subject=subject, expert=expert.name if expert else ""
        )
    await message.answer(question, reply_markup=_keyboard(t, waiting))
    return True


@router.callback_query(WaitingCb.filter())
async def answered(
    query: CallbackQuery,
    callback_data: WaitingCb,
    state: FSMContext,
    t: Translator,
    uow: UnitOfWork,
    deps: BotDeps,
    farmer: Farmer,
) -> None:
    from dialogs.intake import start_from_media, start_intake  # intake asks here first: no cycle

    assert isinstance(query.message, Message)
    held = await state.get_value(HELD)
    if not held or held.get("request_id") != callback_data.request_id:
        # Answered already, or a newer message asked again: that one's buttons are the ones to use.
        await query.answer(t("waiting.gone"), show_alert=True)
        return
    await state.update_data({HELD: None})
    await query.answer()
    request_id, text = callback_data.request_id, str(held["text"])
    attachments = tuple(held.get("attachments") or ())
    if callback_data.action == "add":
        try:
            await requests.supplement(uow, request_id, farmer.id, text, attachments=attachments)
        except DomainError:  # reviewed meanwhile, or too long: it stays the farmer's to send again
            await show(query.message, t("waiting.not_added", id=request_id))
            return
        await show(query.message, t("waiting.added", id=request_id))
    elif callback_data.action == "new":
        await show(query.message, t("waiting.as_new"))
        if attachments:
            saved = str(held.get("saved") or "intake.media_saved")
            await start_from_media(query.message, state, t, uow, deps, farmer, text, attachments, saved)
        else:
            await start_intake(query.message, state, t, uow, deps, farmer, text, waiting_checked=True)
    else:
        await show(query.message, t("waiting.kept", id=request_id))
