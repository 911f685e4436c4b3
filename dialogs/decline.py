"""The expert declines an invitation: Decline asks why (a common reason, or their own words, or Back),
and the farmer reads the reason in the notice that asks them to choose another expert."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.edits import show
from bot.refusals import Refusals, message, too_long_or
from bot.turn import Turn
from core import declining, requests, threads
from core.declining import DeclineReason
from core.errors import InvalidInput
from dialogs.common import screen_text
from dialogs.filters import IS_EXPERT
from dialogs.form_data import RequestFormData, read, write
from dialogs.forms import close_form
from dialogs.invitation import NOT_OPEN, why_not_open
from dialogs.states import DeclineForm
from render.callbacks import DeclineCb, InviteCb
from render.i18n import Translator
from render.invitation import invitation_buttons
from render.keyboards import button, column, keyboard
from render.words import decline_reason
from storage.enums import ActorKind, RequestStatus

router = Router(name=__name__)
router.message.filter(IS_EXPERT)
router.callback_query.filter(IS_EXPERT)
OTHER, BACK = "other", "back"


def _button(t: Translator, request_id: int, reason: str, key: str) -> InlineKeyboardButton:
    return button(t(key), DeclineCb(request_id=request_id, reason=reason))


def _reasons(t: Translator, request_id: int) -> InlineKeyboardMarkup:
    reasons = [_button(t, request_id, r.name, f"decline.{r.name}") for r in DeclineReason]
    return column([*reasons, _button(t, request_id, OTHER, "decline.other"), _back(t, request_id)])


def _back(t: Translator, request_id: int) -> InlineKeyboardButton:
    return _button(t, request_id, BACK, "decline.back")


REASON_AGAIN = Refusals(
    (
        InvalidInput,
        message(too_long_or("decline.ask_text"), keyboard=lambda t, id, **_: keyboard([_back(t, id)])),
    )
)


@router.callback_query(InviteCb.filter(F.action == "decline"))
async def decline_pressed(query: CallbackQuery, callback_data: InviteCb, turn: Turn) -> None:
    t, uow, expert = turn.t, turn.uow, turn.expert
    request_id = callback_data.request_id
    if await threads.status_for_expert(uow, request_id, expert.id) is not RequestStatus.approved:
        await query.answer(await why_not_open(uow, t, request_id, expert.id), show_alert=True)
        return
    await query.answer()
    # Named like the thread switcher's buttons: with several invitations, '#12' alone tells little.
    [label] = await threads.conversation_labels(uow, ActorKind.expert, [request_id])
    await turn.answer(
        t("decline.ask", id=request_id, subject=label.subject, farmer=label.other_party),
        reply_markup=_reasons(t, request_id),
    )


@router.callback_query(DeclineCb.filter())
async def reason_chosen(query: CallbackQuery, callback_data: DeclineCb, turn: Turn) -> None:
    state, t, uow, deps, expert = turn.state, turn.t, turn.uow, turn.deps, turn.expert
    request_id, reason = callback_data.request_id, callback_data.reason
    # Whatever is pressed, a reason being written for this request is no longer awaited.
    writing = await state.get_state() == DeclineForm.reason.state
    if writing and (await read(state, RequestFormData)).get("request_id") == request_id:
        await close_form(state)
    if reason == BACK:
        await query.answer()
        await show(
            turn.message, t("decline.kept", id=request_id), reply_markup=invitation_buttons(t, request_id)
        )
    elif reason == OTHER:
        await query.answer()
        await state.set_state(DeclineForm.reason)
        await write(state, RequestFormData(request_id=request_id))
        await show(
            turn.message,
            t("decline.ask_text", id=request_id, limit=declining.MAX_REASON_LENGTH),
            reply_markup=keyboard([_back(t, request_id)]),
        )
    elif reason in DeclineReason.__members__:
        try:
            await requests.decline(
                uow, request_id, expert.id, reason=DeclineReason[reason].value, now=deps.clock()
            )
        except NOT_OPEN.errors as error:
            await turn.refuse(error, NOT_OPEN, query, uow=uow, id=request_id, expert_id=expert.id)
            return
        await query.answer()
        # The question becomes the outcome, so its buttons cannot be pressed a second time.
        await show(turn.message, t("invite.declined", id=request_id, reason=t(f"decline.{reason}")))
    else:
        await query.answer()


@router.message(DeclineForm.reason, F.text)
async def reason_written(message: Message, turn: Turn) -> None:
    assert message.text is not None
    state, t, uow, deps, expert = turn.state, turn.t, turn.uow, turn.deps, turn.expert
    request_id = (await read(state, RequestFormData)).get("request_id")
    if request_id is None:
        await close_form(state)
        return
    try:
        reason = declining.checked_reason(message.text)
    except InvalidInput as error:  # the form stays open: shorten and send again
        await turn.refuse(error, REASON_AGAIN, id=request_id, limit=declining.MAX_REASON_LENGTH)
        return
    if await screen_text(turn, reason, context="decline") is None:
        return  # blocked: explained; the expert can write again or go back
    await close_form(state)
    try:
        await requests.decline(uow, request_id, expert.id, reason=reason, now=deps.clock())
    except NOT_OPEN.errors as error:  # no button to answer: said as a message
        await turn.refuse(error, NOT_OPEN, uow=uow, id=request_id, expert_id=expert.id)
        return
    await message.answer(t("invite.declined", id=request_id, reason=decline_reason(t, reason)))


@router.message(DeclineForm.reason)
async def reason_not_text(message: Message, turn: Turn) -> None:
    t = turn.t
    request_id = int((await read(turn.state, RequestFormData)).get("request_id", 0))
    await message.answer(t("decline.text_only"), reply_markup=keyboard([_back(t, request_id)]))
