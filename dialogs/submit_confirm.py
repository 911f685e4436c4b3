"""The farmer's yes before money is held: the summary of expert, mode and fee, and where to come.

Choosing a mode shows what will be held and what the voucher keeps after it (core.requests.quote),
with confirm, change the mode or change the expert; nothing is held until confirmed, because the
farmer pays only for what they agreed to. An on-site mode first asks where the expert should come:
a shared location or a village name, so no on-site request reaches review without a place.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.refusals import Refusals, alert, message
from bot.turn import Turn
from core import requests
from core.errors import (
    AlreadyDeclined,
    DomainError,
    IllegalTransition,
    InsufficientBalance,
    InvalidInput,
    NotFound,
    NotPermitted,
)
from core.membership import NoLongerMember
from dialogs.common import balance_short, screen_text
from dialogs.filters import IS_FARMER
from dialogs.form_data import SubmitData, read, write
from dialogs.forms import close_form
from dialogs.states import SubmitForm
from render.callbacks import ExpertCb, ModeCb, SubmitCb
from render.i18n import Translator
from render.keyboards import button, column
from render.words import local_time, yuan
from storage.enums import RequestStatus, ServiceMode

router = Router(name=__name__)
router.message.filter(IS_FARMER)
router.callback_query.filter(IS_FARMER)
MAX_PLACE = 128  # the column's size


def _keyboard(t: Translator, data: ModeCb) -> InlineKeyboardMarkup:
    request_id, expert_id = data.request_id, data.expert_id
    return column(
        [
            button(t("confirm.go"), SubmitCb(request_id=request_id, expert_id=expert_id, mode=data.mode)),
            button(
                t("confirm.change_mode"),
                ExpertCb(request_id=request_id, action="choose", expert_id=expert_id),
            ),
            button(t("confirm.change_expert"), ExpertCb(request_id=request_id, action="suggest")),
        ]
    )


async def offer(turn: Turn, data: ModeCb) -> None:
    """The summary to confirm, or first the question where (on-site). Raises what `quote` raises."""
    message, state, t, uow, deps, farmer = turn.message, turn.state, turn.t, turn.uow, turn.deps, turn.farmer
    mode = ServiceMode(data.mode)
    quote = await requests.quote(
        uow, data.request_id, farmer.id, expert_id=data.expert_id, mode=mode, now=deps.clock()
    )
    if quote.needs_place:
        await close_form(state)
        await state.set_state(SubmitForm.place)
        await write(state, SubmitData(request_id=data.request_id, expert_id=data.expert_id, mode=data.mode))
        await message.answer(t("confirm.ask_place", mode=t(f"mode.{mode}")))
        return
    request, expert = quote.request, quote.expert
    place = ""
    if mode in requests.ON_SITE:
        where = (request.place or "").strip() or t("confirm.location_shared")
        place = t("confirm.place", place=where)
    text = t(
        "confirm.body",
        id=request.id,
        expert=expert.name,
        title=expert.title,
        mode=t(f"mode.{mode}"),
        fee=yuan(quote.fee_fen),
        remaining=yuan(quote.remaining_fen),
        place=place,
    )
    await message.answer(text, reply_markup=_keyboard(t, data))


async def submit_now(turn: Turn, data: ModeCb | SubmitCb) -> None:
    """Submit (or re-pick after a decline: the hold stays) and say when review comes."""
    t, uow, deps, farmer = turn.t, turn.uow, turn.deps, turn.farmer
    now = deps.clock()
    request = await requests.load_request(uow, data.request_id, lock=False)
    if request.status is RequestStatus.repick:
        submission = await requests.repick(uow, data.request_id, farmer.id, expert_id=data.expert_id, now=now)
    else:
        submission = await requests.submit(
            uow, data.request_id, farmer.id, expert_id=data.expert_id, mode=ServiceMode(data.mode), now=now
        )
    await turn.answer(
        t(
            "submit.done",
            id=submission.request.id,
            fee=yuan(submission.fee_fen),
            # On duty now: say so, rather than the current clock time as a forecast.
            when=t("submit.review_now")
            if submission.review_expected_at <= now
            else local_time(t, submission.review_expected_at, now),
        )
    )


def _short(t: Translator, short: InsufficientBalance, **_: object) -> str:
    return balance_short(t, "submit.insufficient", short)


# A choice of expert, mode or confirmation refused, and why.
CHOICE_REFUSED = Refusals(
    (InsufficientBalance, message(_short)),  # with the amounts, as a message to keep
    (NoLongerMember, message("submit.no_longer_member")),  # off the roster: with whom to ask
    (AlreadyDeclined, alert("choice.already_declined")),
    (NotPermitted, alert("choice.other_county")),
    (NotFound, alert("choice.unavailable")),
    (DomainError, alert("submit.not_possible")),
)
# The place of an on-site visit given, and the request no longer a draft or the balance short.
PLACE_REFUSED = Refusals(
    (InsufficientBalance, message(_short)),
    ((IllegalTransition, NotFound, NotPermitted), message("intake.draft_gone")),
)
PLACE_AGAIN = Refusals((InvalidInput, message("confirm.ask_place_again")))


@router.callback_query(SubmitCb.filter())
async def confirmed(query: CallbackQuery, callback_data: SubmitCb, turn: Turn) -> None:
    t = turn.t
    if callback_data.mode not in set(ServiceMode):
        await query.answer(t("button.gone"), show_alert=True)
        return
    request = await requests.load_request(turn.uow, callback_data.request_id, lock=False)
    if request.farmer_id != turn.farmer.id:
        await query.answer(t("button.gone"), show_alert=True)
        return
    if request.status not in (RequestStatus.draft, RequestStatus.blocked):
        # An old summary of a request submitted (or cancelled) since: nothing more is held.
        await query.answer(t("confirm.already", id=request.id), show_alert=True)
        return
    try:
        await submit_now(turn, callback_data)
    except DomainError as error:  # e.g. the balance spent meanwhile on another request
        await turn.refuse(error, CHOICE_REFUSED, query)
        return
    await close_form(turn.state)
    await query.answer()


async def _place_given(turn: Turn, **where: object) -> None:
    state = turn.state
    data = await read(state, SubmitData)
    chosen = ModeCb(request_id=data["request_id"], expert_id=data["expert_id"], mode=data["mode"])
    try:
        await requests.update_draft(turn.uow, chosen.request_id, turn.farmer.id, **where)
        await offer(turn, chosen)
    except PLACE_REFUSED.errors as error:
        await close_form(state)
        await turn.refuse(error, PLACE_REFUSED, id=chosen.request_id)
        return
    await close_form(state)


@router.message(SubmitForm.place, F.location)
async def location_given(message: Message, turn: Turn) -> None:
    assert message.location is not None
    where = {"latitude": message.location.latitude, "longitude": message.location.longitude}
    await _place_given(turn, **where)


@router.message(SubmitForm.place, F.text)
async def village_given(message: Message, turn: Turn) -> None:
    assert message.text is not None
    t = turn.t
    place = message.text.strip()
    if len(place) > MAX_PLACE:  # the question stays open: shorten and send again
        await message.answer(t("confirm.place_too_long", limit=MAX_PLACE, length=len(place)))
        return
    if await screen_text(turn, place, context="problem") is None:
        return  # blocked: explained; the question stays open
    try:
        await _place_given(turn, place=place)
    except InvalidInput as error:
        await turn.refuse(error, PLACE_AGAIN)


@router.message(SubmitForm.place)
async def place_missing(message: Message, turn: Turn) -> None:
    """A photo or a sticker is not a place: ask again, the mode stays chosen."""
    await message.answer(turn.t("confirm.ask_place_again"))
