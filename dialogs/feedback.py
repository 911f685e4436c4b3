"""Rating in chat (1–5, then an optional screened comment) and complaints."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message

from bot.refusals import Refusals, alert, message, too_long, too_long_or
from bot.turn import Turn
from core import feedback
from core.errors import DomainError, IllegalTransition
from dialogs.common import screen_text
from dialogs.filters import IS_FARMER
from dialogs.form_data import RatingData, RequestFormData, read, write
from dialogs.forms import close_form
from dialogs.states import ComplaintForm, RatingForm
from render.callbacks import RateCb, SkipCb
from render.i18n import Translator
from render.keyboards import button, keyboard
from storage.enums import RequestStatus

router = Router(name=__name__)
router.message.filter(IS_FARMER)
router.callback_query.filter(IS_FARMER)


def _not_ratable(t: Translator, refused: IllegalTransition, id: int) -> str:
    """An old button of a rated (or not yet completed) service."""
    status = str(refused.details.get("status", ""))
    if status == RequestStatus.settled:
        return t("rating.already", id=id)
    return t("rating.not_yet", id=id, status=t(f"status.{status}"))


NOT_RATABLE = Refusals((IllegalTransition, alert(_not_ratable)), (DomainError, alert("button.gone")))
NOT_RATED = Refusals((DomainError, message(too_long_or("rating.not_possible"))))
NOT_COMPLAINED = Refusals((DomainError, message(too_long_or("complaint.not_possible"))))


@router.callback_query(RateCb.filter())
async def stars_chosen(query: CallbackQuery, callback_data: RateCb, turn: Turn) -> None:
    state, t = turn.state, turn.t
    if not 1 <= callback_data.stars <= 5:
        await query.answer()
        return
    request_id = callback_data.request_id
    try:  # an old button of a rated (or not yet completed) service: said now, not after the comment
        await feedback.ratable(turn.uow, request_id, turn.farmer.id, lock=False)
    except DomainError as error:
        await turn.refuse(error, NOT_RATABLE, query, id=request_id)
        return
    await state.set_state(RatingForm.comment)
    await write(state, RatingData(request_id=callback_data.request_id, stars=callback_data.stars))
    skip = keyboard([button(t("rating.skip"), SkipCb(what="rating"))])
    await query.answer()
    await turn.answer(t("rating.ask_comment", stars=callback_data.stars), reply_markup=skip)


async def _rate(turn: Turn, comment: str | None) -> None:
    message, state, t = turn.message, turn.state, turn.t
    data = await read(state, RatingData)
    try:
        await feedback.rate(
            turn.uow,
            request_id=data["request_id"],
            farmer_id=turn.farmer.id,
            stars=data["stars"],
            comment=comment,
        )
    except DomainError as error:
        if too_long(error, t) is None:  # only too long: the stars stay chosen, to shorten and send
            await close_form(state)
        await turn.refuse(error, NOT_RATED)
        return
    await close_form(state)
    await message.answer(t("rating.thanks"))


@router.message(RatingForm.comment, F.text)
async def rating_comment(message: Message, turn: Turn) -> None:
    assert message.text is not None
    if await screen_text(turn, message.text, context="rating") is None:
        return  # blocked: explained; the farmer can write again or skip
    await _rate(turn, message.text)


@router.callback_query(SkipCb.filter(F.what == "rating"), RatingForm.comment)
async def rating_skip(query: CallbackQuery, turn: Turn) -> None:
    await query.answer()
    await _rate(turn, None)


@router.callback_query(SkipCb.filter(F.what == "rating"))
async def rating_skip_gone(query: CallbackQuery, turn: Turn) -> None:
    """Skip pressed after the rating was given (or the form closed): say so."""
    await query.answer(turn.t("rating.gone"), show_alert=True)


@router.message(ComplaintForm.text, F.text)
async def complaint_text(message: Message, turn: Turn) -> None:
    assert message.text is not None
    state, t = turn.state, turn.t
    if await screen_text(turn, message.text, context="complaint") is None:
        return
    request_id = (await read(state, RequestFormData)).get("request_id")
    if request_id is None:
        await close_form(state)
        return
    try:
        await feedback.complain(turn.uow, request_id=request_id, farmer_id=turn.farmer.id, text=message.text)
    except DomainError as error:
        await turn.refuse(error, NOT_COMPLAINED)
        if too_long(error, t) is not None:  # the form stays open: shorten and send again
            return
    else:
        await message.answer(t("complaint.thanks"))
    await close_form(state)
