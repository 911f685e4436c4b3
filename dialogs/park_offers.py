"""The expert offers a service to a park of their county (Art. 15(3)): the park, what is offered
(screened), the mode with the city's fee, a summary to confirm; and withdraws an open offer.

Which parks may be offered to is core's rule (core.offers.park_for): a button naming a household, a
point, a unit or another county's park, forged or stale, is refused there.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, InlineKeyboardButton, Message

from bot.refusals import Refusals, alert, message, too_long_or
from bot.turn import Turn
from core import fees, offers
from core.errors import InvalidInput, NotFound, NotPermitted
from core.offer_cards import available_fen
from dialogs.common import screen_text, screening_flags
from dialogs.filters import IS_EXPERT
from dialogs.form_data import OfferData, read, write
from dialogs.forms import close_form
from dialogs.intake_fields import fields_from_parse
from dialogs.offer_reply import closed_text
from dialogs.states import OfferForm
from render.callbacks import OfferCb
from render.i18n import Safe, Translator
from render.keyboards import button, column, keyboard
from render.words import yuan
from storage.enums import ServiceMode

router = Router(name=__name__)
router.message.filter(IS_EXPERT)
router.callback_query.filter(IS_EXPERT)
OFFER_TTL_HOURS = int(offers.OFFER_TTL.total_seconds() // 3600)


def _cancel(t: Translator) -> InlineKeyboardButton:
    return button(t("offer.cancel"), OfferCb(action="cancel"))


def _refused_park(t: Translator, refused: NotPermitted) -> str:
    return t("offer.other_county" if refused.details.get("refusal") == "other_county" else "offer.parks_only")


NOT_SERVING = Refusals((NotPermitted, message("offer.not_serving")))
PARK_REFUSED = Refusals(
    (offers.NobodyToTell, message(lambda t, nobody: t("offer.no_members", park=nobody.details["park"]))),
    (NotPermitted, alert(_refused_park)),
    (NotFound, alert("offer.park_gone")),
)
IN_WORDS = Refusals((InvalidInput, message(too_long_or("offer.ask_in_words"))))
NOT_SENT = Refusals(((NotPermitted, NotFound, offers.NobodyToTell), alert("offer.not_possible")))
NOT_WITHDRAWN = Refusals(
    (offers.OfferClosed, alert(lambda t, closed: closed_text(t, closed))),
    ((NotPermitted, NotFound), alert("offer.not_yours")),
)


@router.message(F.text, lambda m, deps: m.text in deps.catalog.all_variants("menu.offer"))
async def offer_start(message: Message, turn: Turn) -> None:
    t, uow, deps, expert = turn.t, turn.uow, turn.deps, turn.expert
    await close_form(turn.state)  # opens something else: see dialogs.forms
    now = deps.clock()
    try:
        parks = await offers.parks_for(uow, expert.id, now)
    except NotPermitted as error:
        await turn.refuse(error, NOT_SERVING)
        return
    waiting = await offers.open_offers(uow, expert.id, now)
    if not parks and not waiting:
        await message.answer(t("offer.no_parks"))
        return
    rows = [
        button(t("offer.park", name=p.name, members=p.members), OfferCb(action="park", park_id=p.id))
        for p in parks
    ]
    # Telegram shows at most 100 buttons; a county has a handful of parks, an expert few open offers.
    rows += [
        button(t("offer.withdraw", id=offer.id, park=park), OfferCb(action="withdraw", offer_id=offer.id))
        for offer, park in waiting[:20]
    ]
    text = t("offer.choose_park") if parks else t("offer.no_parks")
    await message.answer(text, reply_markup=column(rows[:100]))


@router.callback_query(OfferCb.filter(F.action == "park"))
async def park_chosen(query: CallbackQuery, callback_data: OfferCb, turn: Turn) -> None:
    state, t = turn.state, turn.t
    try:
        park = await offers.park_to_offer(turn.uow, turn.expert.id, callback_data.park_id, turn.deps.clock())
    except PARK_REFUSED.errors as error:
        await turn.refuse(error, PARK_REFUSED, query)
        return
    await query.answer()
    await state.set_state(OfferForm.description)
    await write(state, OfferData(offer_park=park.id))
    await turn.answer(
        t("offer.ask_description", park=park.name),
        reply_markup=keyboard([_cancel(t)]),
    )


@router.message(OfferForm.description, F.text)
async def description_written(message: Message, turn: Turn) -> None:
    assert message.text is not None
    state, t, uow, deps = turn.state, turn.t, turn.uow, turn.deps
    try:
        description = offers.checked_description(message.text)
    except InvalidInput as error:  # the question stays open: say it again, shorter or in words
        await turn.refuse(error, IN_WORDS)
        return
    screened = await screen_text(turn, description, context="offer")
    if screened is None:
        return  # blocked: explained, nothing kept as an offer; the question stays open for a rephrase
    # What it is about, read as the intake reads a farmer's problem: the request an accept creates
    # is then named by its crop in the review, the queue and the conversation.
    parsed = await deps.nlu.parse(description)
    about = fields_from_parse(parsed)
    await write(
        state,
        OfferData(
            offer_description=description,
            offer_screening=screening_flags(screened),
            # The guess even when unsure: no farmer is here to confirm it.
            offer_specialty=parsed.specialty.code,
            offer_subject=about.get("subject"),
        ),
    )
    await state.set_state(OfferForm.mode)
    now = deps.clock()
    balance = await available_fen(uow, (await read(state, OfferData))["offer_park"], now)
    rows = [
        button(
            t("mode.option", mode=t(f"mode.{mode}"), fee=yuan(fee)), OfferCb(action="mode", mode=mode.value)
        )
        for mode, fee in (await fees.fee_schedule(uow, now)).items()
    ]
    await message.answer(
        t("offer.choose_mode", balance=yuan(balance)),
        reply_markup=column([*rows, _cancel(t)]),
    )


@router.message(OfferForm.description)
async def description_not_text(message: Message, turn: Turn) -> None:
    t = turn.t
    await message.answer(t("offer.ask_in_words"), reply_markup=keyboard([_cancel(t)]))


@router.callback_query(OfferCb.filter(F.action == "mode"), OfferForm.mode)
async def mode_chosen(query: CallbackQuery, callback_data: OfferCb, turn: Turn) -> None:
    state, t, uow, deps, expert = turn.state, turn.t, turn.uow, turn.deps, turn.expert
    await query.answer()
    if callback_data.mode not in set(ServiceMode):
        return
    data = await read(state, OfferData)
    mode = ServiceMode(callback_data.mode)
    park = await offers.park_for(uow, expert.id, data["offer_park"], deps.clock())
    await write(state, OfferData(offer_mode=mode.value))
    await state.set_state(OfferForm.confirm)
    summary = t(
        "offer.summary",
        park=park.name,
        members=park.members,
        description=data["offer_description"],
        mode=t(f"mode.{mode}"),
        fee=yuan(await fees.fee_for(uow, mode, deps.clock())),
        hours=OFFER_TTL_HOURS,
    )
    send = button(t("offer.send"), OfferCb(action="send"))
    await turn.answer(summary, reply_markup=column([send, _cancel(t)]))


@router.callback_query(OfferCb.filter(F.action == "send"), OfferForm.confirm)
async def offer_sent(query: CallbackQuery, turn: Turn) -> None:
    state, t, uow, deps, expert = turn.state, turn.t, turn.uow, turn.deps, turn.expert
    data = await read(state, OfferData)
    await close_form(state)
    try:
        offer = await offers.make_offer(
            uow,
            expert.id,
            data["offer_park"],
            description=data["offer_description"],
            mode=ServiceMode(data["offer_mode"]),
            screening=data.get("offer_screening"),
            specialty_code=data.get("offer_specialty"),
            subject=data.get("offer_subject"),
            now=deps.clock(),
        )
        park = await offers.park_for(uow, expert.id, offer.service_object_id, deps.clock())
    except NOT_SENT.errors as error:  # the expert's or the park's standing changed
        await turn.refuse(error, NOT_SENT, query)
        return
    await query.answer()
    withdraw = button(
        t("offer.withdraw", id=offer.id, park=park.name), OfferCb(action="withdraw", offer_id=offer.id)
    )
    await turn.answer(
        t("offer.sent", id=offer.id, park=park.name, members=park.members, hours=OFFER_TTL_HOURS),
        reply_markup=keyboard([withdraw]),
    )


@router.callback_query(OfferCb.filter(F.action == "cancel"))
async def offer_cancelled(query: CallbackQuery, turn: Turn) -> None:
    await query.answer()
    await close_form(turn.state)
    await turn.answer(turn.t("offer.cancelled"))


@router.callback_query(OfferCb.filter(F.action.in_({"mode", "send"})))
async def form_gone(query: CallbackQuery, turn: Turn) -> None:
    """A button of a form already finished or left (the menu, /cancel): nothing to choose for."""
    await query.answer(turn.t("offer.form_gone"), show_alert=True)


@router.callback_query(OfferCb.filter(F.action == "withdraw"))
async def offer_withdrawn(query: CallbackQuery, callback_data: OfferCb, turn: Turn) -> None:
    t = turn.t
    try:
        await offers.withdraw(turn.uow, callback_data.offer_id, turn.expert.id, now=turn.deps.clock())
    except NOT_WITHDRAWN.errors as error:
        await turn.refuse(error, NOT_WITHDRAWN, query)
        return
    await query.answer()
    await turn.answer(Safe(t("offer.withdrawn", id=callback_data.offer_id)))
