"""Rating in chat (1–5, then an optional screened comment) and complaints."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.deps import BotDeps
from bot.middlewares.errors import too_long
from core import feedback
from core.errors import DomainError, IllegalTransition
from dialogs.common import screen_text
from dialogs.filters import IS_FARMER
from dialogs.form_data import RatingData, RequestFormData, read, write
from dialogs.forms import close_form
from dialogs.states import ComplaintForm, RatingForm
from render.callbacks import RateCb, SkipCb
from render.i18n import Translator
from storage.enums import RequestStatus
from storage.models import Farmer
from storage.uow import UnitOfWork

router = Router(name=__name__)
router.message.filter(IS_FARMER)
router.callback_query.filter(IS_FARMER)


@router.callback_query(RateCb.filter())
async def stars_chosen(
    query: CallbackQuery,
    callback_data: RateCb,
    state: FSMContext,
    t: Translator,
    uow: UnitOfWork,
    farmer: Farmer,
) -> None:
    assert isinstance(query.message, Message)
    if not 1 <= callback_data.stars <= 5:
        await query.answer()
        return
    request_id = callback_data.request_id
    try:  # an old button of a rated (or not yet completed) service: said now, not after the comment
        await feedback.ratable(uow, request_id, farmer.id, lock=False)
    except IllegalTransition as refused:
        status = str(refused.details.get("status", ""))
        said = (
            t("rating.already", id=request_id)
            if status == RequestStatus.settled
            else t("rating.not_yet", id=request_id, status=t(f"status.{status}"))
        )
        await query.answer(said, show_alert=True)
        return
    except DomainError:
        await query.answer(t("button.gone"), show_alert=True)
        return
    await state.set_state(RatingForm.comment)
    await write(state, RatingData(request_id=callback_data.request_id, stars=callback_data.stars))
    skip = InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=t("rating.skip"), callback_data=SkipCb(what="rating").pack())]
        ]
    )
    await query.answer()
    await query.message.answer(t("rating.ask_comment", stars=callback_data.stars), reply_markup=skip)


async def _rate(
    message: Message, state: FSMContext, t: Translator, uow: UnitOfWork, farmer: Farmer, comment: str | None
) -> None:
    data = await read(state, RatingData)
    try:
        await feedback.rate(
            uow, request_id=data["request_id"], farmer_id=farmer.id, stars=data["stars"], comment=comment
        )
    except DomainError as error:
        if (reply := too_long(error, t)) is not None:  # the stars stay chosen: shorten and send again
            await message.answer(reply)
            return
        await close_form(state)
        await message.answer(t("rating.not_possible"))
        return
    await close_form(state)
    await message.answer(t("rating.thanks"))


@router.message(RatingForm.comment, F.text)
async def rating_comment(
    message: Message, state: FSMContext, t: Translator, uow: UnitOfWork, deps: BotDeps, farmer: Farmer
) -> None:
    assert message.text is not None
    if await screen_text(message, deps, uow, t, message.text, context="rating") is None:
        return  # blocked: explained; the farmer can write again or skip
    await _rate(message, state, t, uow, farmer, message.text)


@router.callback_query(SkipCb.filter(F.what == "rating"), RatingForm.comment)
async def rating_skip(
    query: CallbackQuery, state: FSMContext, t: Translator, uow: UnitOfWork, farmer: Farmer
) -> None:
    await query.answer()
    assert isinstance(query.message, Message)
    await _rate(query.message, state, t, uow, farmer, None)


@router.callback_query(SkipCb.filter(F.what == "rating"))
async def rating_skip_gone(query: CallbackQuery, t: Translator) -> None:
    """Skip pressed after the rating was given (or the form closed): say so."""
    await query.answer(t("rating.gone"), show_alert=True)


@router.message(ComplaintForm.text, F.text)
async def complaint_text(
    message: Message, state: FSMContext, t: Translator, uow: UnitOfWork, deps: BotDeps, farmer: Farmer
) -> None:
    assert message.text is not None
    if await screen_text(message, deps, uow, t, message.text, context="complaint") is None:
        return
    request_id = (await read(state, RequestFormData)).get("request_id")
    if request_id is None:
        await close_form(state)
        return
    try:
        await feedback.complain(uow, request_id=request_id, farmer_id=farmer.id, text=message.text)
    except DomainError as error:
        if (reply := too_long(error, t)) is not None:  # the form stays open: shorten and send again
            await message.answer(reply)
            return
        await message.answer(t("complaint.not_possible"))
    else:
        await message.answer(t("complaint.thanks"))
    await close_form(state)
