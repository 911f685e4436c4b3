"""The question to a farmer who writes while a request of theirs waits: about it, or new?

Asked from the intake (dialogs.intake) before a new problem is drafted; the answer is handled in
dialogs.waiting_request, which starts the intake in turn, so the two live apart.
"""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.turn import Turn
from core.queries import expert_name, latest_waiting
from dialogs.form_data import AddOrNewQuestion, WaitingQuestionData, write
from render.callbacks import WaitingCb
from render.i18n import Translator
from render.keyboards import button, column
from storage.enums import RequestStatus
from storage.models import ServiceRequest


def _keyboard(t: Translator, request: ServiceRequest) -> InlineKeyboardMarkup:
    def press(key: str, action: str) -> InlineKeyboardButton:
        return button(t(key, id=request.id), WaitingCb(request_id=request.id, action=action))

    # "New" first: pressed without reading, it loses nothing, while "add" merged a corn problem
    # into a sheep request.
    if request.status is RequestStatus.pending_review:
        return column([press("waiting.new", "new"), press("waiting.add", "add")])
    return column([press("waiting.new", "new"), press("waiting.keep", "keep")])


def may_be_the_same(subject: str | None, waiting: str | None) -> bool:
    """Whether a message naming `subject` can be about a request for `waiting`: the same crop or
    animal (肉羊 and 羊 alike), or either names none."""
    if not subject or not waiting:
        return True
    return subject in waiting or waiting in subject


async def asked_about_waiting(
    turn: Turn,
    text: str,
    *,
    subject: str | None = None,
    attachments: tuple[str, ...] = (),
    saved: str | None = None,
) -> bool:
    """Whether the farmer, who wrote `text` (screened, not small talk) about `subject`, or sent
    `attachments` (acknowledged with the catalog key `saved`), has a request waiting that it may be
    about, and was asked what it is for. False: carry on with a new intake. The turn's identity,
    when the update's middleware counted the farmer's waiting requests, spares the query for the
    many with none."""
    t, uow = turn.t, turn.uow
    if turn.identity is not None and turn.identity.farmer_waiting == 0:
        return False
    waiting = await latest_waiting(uow, turn.farmer.id)
    if waiting is None or not may_be_the_same(subject, waiting.subject):
        return False
    held = AddOrNewQuestion(request_id=waiting.id, text=text, attachments=list(attachments), saved=saved)
    await write(turn.state, WaitingQuestionData(waiting_held=held))
    subject = waiting.subject or ""
    if waiting.status is RequestStatus.pending_review:
        question = t("waiting.ask_review", id=waiting.id, subject=subject)
    else:
        expert = await expert_name(uow, waiting.expert_id)
        question = t("waiting.ask_expert", id=waiting.id, subject=subject, expert=expert)
    await turn.answer(question, reply_markup=_keyboard(t, waiting))
    return True
