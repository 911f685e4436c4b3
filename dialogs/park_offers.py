"""The expert offers a service to a park of their county (Art. 15(3)): the park, what is offered
(screened), the mode with the city's fee, a summary to confirm; and withdraws an open offer.

Which parks may be offered to is core's rule (core.offers.park_for): a button naming a household, a
point, a unit or another county's park, forged or stale, is refused there.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.deps import BotDeps
from bot.middlewares.errors import too_long
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
from render.words import yuan
from storage.enums import ServiceMode
from storage.models import Expert
from storage.uow import UnitOfWork

router = Router(name=__name__)
router.message.filter(IS_EXPERT)
router.callback_query.filter(IS_EXPERT)
OFFER_TTL_HOURS = int(offers.OFFER_TTL.total_seconds() // 3600)


def _button(text: str, data: OfferCb) -> list[InlineKeyboardButton]:
    return [InlineKeyboardButton(text=text, callback_data=data.pack())]


def _cancel(t: Translator) -> list[InlineKeyboardButton]:
    return _button(t("offer.cancel"), OfferCb(action="cancel"))


@router.message(F.text, lambda m, deps: m.text in deps.catalog.all_variants("menu.offer"))
async def offer_start(
    message: Message, state: FSMContext, t: Translator, uow: UnitOfWork, deps: BotDeps, expert: Expert
) -> None:
    await close_form(state)  # opens something else: see dialogs.forms
    now = deps.clock()
    try:
        parks = await offers.parks_for(uow, expert.id, now)
    except NotPermitted:
        await message.answer(t("offer.not_serving"))
        return
    waiting = await offers.open_offers(uow, expert.id, now)
    if not parks and not waiting:
        await message.answer(t("offer.no_parks"))
        return
    rows = [
        _button(t("offer.park", name=p.name, members=p.members), OfferCb(action="park", park_id=p.id))
        for p in parks
    ]
    # Telegram shows at most 100 buttons; a county has a handful of parks, an expert few open offers.
    rows += [
        _button(t("offer.withdraw", id=offer.id, park=park), OfferCb(action="withdraw", offer_id=offer.id))
        for offer, park in waiting[:20]
    ]
    text = t("offer.choose_park") if parks else t("offer.no_parks")
    await message.answer(text, reply_markup=InlineKeyboardMarkup(inline_keyboard=rows[:100]))


@router.callback_query(OfferCb.filter(F.action == "park"))
async def park_chosen(
    query: CallbackQuery,
    callback_data: OfferCb,
    state: FSMContext,
    t: Translator,
    uow: UnitOfWork,
    deps: BotDeps,
    expert: Expert,
) -> None:
    assert isinstance(query.message, Message)
    try:
        park = await offers.park_to_offer(uow, expert.id, callback_data.park_id, deps.clock())
    except offers.NobodyToTell as nobody:
        await query.answer()
        await query.message.answer(t("offer.no_members", park=nobody.details["park"]))
        return
    except NotPermitted as refused:
        key = "offer.other_county" if refused.details.get("refusal") == "other_county" else "offer.parks_only"
        await query.answer(t(key), show_alert=True)
        return
    except NotFound:
        await query.answer(t("offer.park_gone"), show_alert=True)
        return
    await query.answer()
    await state.set_state(OfferForm.description)
    await write(state, OfferData(offer_park=park.id))
    await query.message.answer(
        t("offer.ask_description", park=park.name),
        reply_markup=InlineKeyboardMarkup(inline_keyboard=[_cancel(t)]),
    )


@router.message(OfferForm.description, F.text)
async def description_written(
    message: Message, state: FSMContext, t: Translator, uow: UnitOfWork, deps: BotDeps
) -> None:
    assert message.text is not None
    try:
        description = offers.checked_description(message.text)
    except InvalidInput as error:  # the question stays open: say it again, shorter or in words
        await message.answer(too_long(error, t) or t("offer.ask_in_words"))
        return
    screened = await screen_text(message, deps, uow, t, description, context="offer")
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
        _button(
            t("mode.option", mode=t(f"mode.{mode}"), fee=yuan(fee)), OfferCb(action="mode", mode=mode.value)
        )
        for mode, fee in (await fees.fee_schedule(uow, now)).items()
    ]
    await message.answer(
        t("offer.choose_mode", balance=yuan(balance)),
        reply_markup=InlineKeyboardMarkup(inline_keyboard=[*rows, _cancel(t)]),
    )


@router.message(OfferForm.description)
async def description_not_text(message: Message, t: Translator) -> None:
    await message.answer(
        t("offer.ask_in_words"), reply_markup=InlineKeyboardMarkup(inline_keyboard=[_cancel(t)])
    )


@router.callback_query(OfferCb.filter(F.action == "mode"), OfferForm.mode)
async def mode_chosen(
    query: CallbackQuery,
    callback_data: OfferCb,
    state: FSMContext,
    t: Translator,
    uow: UnitOfWork,
    deps: BotDeps,
    expert: Expert,
) -> None:
    assert isinstance(query.message, Message)
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
    send = _button(t("offer.send"), OfferCb(action="send"))
    await query.message.answer(summary, reply_markup=InlineKeyboardMarkup(inline_keyboard=[send, _cancel(t)]))


@router.callback_query(OfferCb.filter(F.action == "send"), OfferForm.confirm)
async def offer_sent(
    query: CallbackQuery, state: FSMContext, t: Translator, uow: UnitOfWork, deps: BotDeps, expert: Expert
) -> None:
    assert isinstance(query.message, Message)
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
    except (NotPermitted, NotFound, offers.NobodyToTell):  # the expert's or the park's standing changed
        await query.answer(t("offer.not_possible"), show_alert=True)
        return
    await query.answer()
    withdraw = _button(
        t("offer.withdraw", id=offer.id, park=park.name), OfferCb(action="withdraw", offer_id=offer.id)
    )
    await query.message.answer(
        t("offer.sent", id=offer.id, park=park.name, members=park.members, hours=OFFER_TTL_HOURS),
        reply_markup=InlineKeyboardMarkup(inline_keyboard=[withdraw]),
    )


@router.callback_query(OfferCb.filter(F.action == "cancel"))
async def offer_cancelled(query: CallbackQuery, state: FSMContext, t: Translator) -> None:
    assert isinstance(query.message, Message)
    await query.answer()
    await close_form(state)
    await query.message.answer(t("offer.cancelled"))


@router.callback_query(OfferCb.filter(F.action.in_({"mode", "send"})))
async def form_gone(query: CallbackQuery, t: Translator) -> None:
    """A button of a form already finished or left (the menu, /cancel): nothing to choose for."""
    await query.answer(t("offer.form_gone"), show_alert=True)


@router.callback_query(OfferCb.filter(F.action == "withdraw"))
async def offer_withdrawn(
    query: CallbackQuery,
    callback_data: OfferCb,
    t: Translator,
    uow: UnitOfWork,
    deps: BotDeps,
    expert: Expert,
) -> None:
    assert isinstance(query.message, Message)
    try:
        await offers.withdraw(uow, callback_data.offer_id, expert.id, now=deps.clock())
    except offers.OfferClosed as closed:
        await query.answer(closed_text(t, closed), show_alert=True)
        return
    except (NotPermitted, NotFound):
        await query.answer(t("offer.not_yours"), show_alert=True)
        return
    await query.answer()
    await query.message.answer(Safe(t("offer.withdrawn", id=callback_data.offer_id)))
