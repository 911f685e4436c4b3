"""/start and binding: a farmer shares the roster phone or sends a staff-issued code; so does an expert."""

from __future__ import annotations

import re

from aiogram import F, Router
from aiogram.filters import CommandObject, CommandStart, MagicData, or_f
from aiogram.types import CallbackQuery, KeyboardButton, Message, ReplyKeyboardMarkup

from bot.invitation import send_invitation
from bot.refusals import Refusals, message
from bot.turn import Turn
from core import offers
from core.binding import BindingRefused, Identity, bind_by_code, bind_by_phone, set_language
from core.errors import NotFound
from core.invite_codes import canonical
from core.offer_cards import offer_card
from core.queries import expert_queue
from dialogs.common import menu_keyboard
from dialogs.form_data import ChatData, read, write
from dialogs.forms import close_form
from dialogs.intake import start_intake
from render.i18n import Translator
from render.offer_card import offer_keyboard, offer_text
from storage.enums import RequestStatus

router = Router(name=__name__)
# The 8-character codes of before (E208B0C3) are still read as codes, so whoever sends one is told
# it is wrong rather than asked to bind.
OLD_CODE = re.compile(r"^\s*[EF][0-9A-F]{7}\s*$", re.IGNORECASE)
# What a person types when they mean a code: letters and digits (a village may hand out six digits,
# a code may be copied short), with a digit or a dash among them, or in capitals. Chinese words and
# an English "hello" are not codes.
CODE_ATTEMPT = re.compile(r"^(?:(?=.*[\d\-])[A-Za-z0-9\s\-]{4,40}|[A-Z0-9\s\-]{6,40})$")
TYPED_PHONE = re.compile(r"^\s*(?:\+?86)?[\s\-]*1\d{2}[\s\-]?\d{4}[\s\-]?\d{4}\s*$")
REFUSALS = {
    "code_unknown": "bind.code_unknown",
    "code_expired": "bind.code_expired",
    "code_used": "bind.code_used",
    "code_revoked": "bind.code_revoked",
    "code_throttled": "bind.code_throttled",
    "person_bound": "bind.person_bound",
    "account_bound": "bind.account_bound",
    "not_certified": "bind.not_certified",
    "not_mainland_mobile": "bind.not_mainland_mobile",
}
SHOWN_INVITATIONS = 5  # cards sent on binding; the rest wait in the expert's queue
SHOWN_OFFERS = 3  # a park rarely has more open offers; more would bury the welcome


def share_phone_keyboard(t: Translator) -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text=t("bind.share_phone"), request_contact=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


async def welcome(turn: Turn, identity: Identity) -> None:
    message, t, uow, deps = turn.message, turn.t, turn.uow, turn.deps
    if identity.expert is not None:
        await message.answer(
            t("bind.expert_welcome", name=identity.expert.name), reply_markup=menu_keyboard(t, expert=True)
        )
        waiting = [
            r for r in await expert_queue(uow, identity.expert.id) if r.status is RequestStatus.approved
        ]
        if waiting:  # invitations approved before this account was bound: their cards were never sent
            await message.answer(t("bind.expert_pending", n=len(waiting)))
            assert message.bot is not None
            for request in waiting[:SHOWN_INVITATIONS]:
                await send_invitation(message.bot, uow, t, request, message.chat.id, deps.clock())
    elif identity.farmer is not None:
        await message.answer(
            t("bind.farmer_welcome", name=identity.farmer.name), reply_markup=menu_keyboard(t, expert=False)
        )
        # Experts' offers to the farmer's park made before this account was bound were never pushed.
        now = deps.clock()
        for offer_id in (await offers.open_offers_to(uow, identity.farmer.service_object_id, now))[
            :SHOWN_OFFERS
        ]:
            card = await offer_card(uow, offer_id, now)
            await message.answer(offer_text(t, card, now), reply_markup=offer_keyboard(t, offer_id))


NOT_BOUND = Refusals(
    (NotFound, message("bind.not_found", keyboard=share_phone_keyboard)),
    (BindingRefused, message(lambda t, refused: t(REFUSALS[refused.reason]), keyboard=share_phone_keyboard)),
)


async def _bind(turn: Turn, code: str | None = None) -> None:
    message, uow, deps, state = turn.message, turn.uow, turn.deps, turn.state
    user = message.from_user
    assert user is not None
    try:
        if code is not None:
            identity = await bind_by_code(uow, user.id, code, user.full_name, now=deps.clock())
        else:
            assert message.contact is not None
            identity = await bind_by_phone(uow, user.id, message.contact.phone_number, user.full_name)
    except NOT_BOUND.errors as error:
        await turn.refuse(error, NOT_BOUND)
        return
    # The language chosen before binding (the welcome is already in it) becomes the account's:
    # a bound person's replies follow the account, and everything after the welcome was Chinese.
    chat = await read(state, ChatData)
    if (language := chat.get("language")) is not None:
        await set_language(uow, user.id, language)
    await welcome(turn, identity)
    kept = chat.get("problem_before_binding")
    if kept is None:
        return
    await write(state, ChatData(problem_before_binding=None))
    if identity.farmer is not None:
        await _take_up_kept_problem(turn.acting_as(identity), kept)


async def _take_up_kept_problem(turn: Turn, text: str) -> None:
    """A farmer who wrote the problem before binding need not write it again: the intake starts from
    it, screened like any text."""
    await turn.answer(turn.t("bind.kept_problem"))
    await start_intake(turn, text)


def looks_like_code(text: str) -> bool:
    return canonical(text) is not None or OLD_CODE.match(text) is not None


# Registered first: a code is taken to core whoever sends it, so that an account bound already is
# refused there (and the attempt audited) instead of being welcomed as if the code had worked.
@router.message(F.text.func(looks_like_code))
async def invite_code(message: Message, turn: Turn) -> None:
    assert message.text is not None
    await _bind(turn, code=message.text)


@router.message(CommandStart(deep_link=True, magic=F.args.func(looks_like_code)))
async def start_with_code(message: Message, command: CommandObject, turn: Turn) -> None:
    assert command.args is not None
    await _bind(turn, code=command.args)


# /start or a shared contact from someone already bound is welcomed back, so the handlers below only
# ever bind.
@router.message(MagicData(F.farmer.is_not(None) | F.expert.is_not(None)), or_f(CommandStart(), F.contact))
async def welcome_back(message: Message, turn: Turn) -> None:
    # /start means "from the beginning": a form left open would take the next words as its answer
    # (an expert's note to a farmer submitted as an advisory).
    await close_form(turn.state)
    assert turn.identity is not None  # the filter let only a bound person through
    await welcome(turn, turn.identity)


@router.message(CommandStart())
async def start(message: Message, turn: Turn) -> None:
    await message.answer(turn.t("bind.intro"), reply_markup=share_phone_keyboard(turn.t))


@router.message(F.contact)
async def contact_shared(message: Message, turn: Turn) -> None:
    assert message.contact is not None and message.from_user is not None
    # Only one's own number binds: a forwarded contact card must not bind someone else's account.
    if message.contact.user_id != message.from_user.id:
        t = turn.t
        await message.answer(t("bind.own_contact_only"), reply_markup=share_phone_keyboard(t))
        return
    await _bind(turn)


# Registered last of all routers (see dialogs.routers): whatever an unbound user sends gets instructions.
unbound_router = Router(name=__name__ + ".unbound")


@unbound_router.message()
async def refuse_unbound(message: Message, turn: Turn) -> None:
    farmer, expert = turn.farmer_if_any, turn.expert_if_any
    t, deps, state = turn.t, turn.deps, turn.state
    if farmer is not None or expert is not None:  # bound, but nothing understood this (a sticker, say)
        await message.answer(t("fallback.bound"), reply_markup=menu_keyboard(t, expert=expert is not None))
        return
    text = (message.text or "").strip()
    if TYPED_PHONE.match(text):  # the roster is checked against the number Telegram vouches for
        await message.answer(t("bind.phone_typed"), reply_markup=share_phone_keyboard(t))
        return
    if CODE_ATTEMPT.match(text):  # not a code's shape: wrong, and said so rather than "not bound"
        await message.answer(t("bind.code_unknown"), reply_markup=share_phone_keyboard(t))
        return
    if text and not text.startswith("/") and (await deps.nlu.parse(text)).specialty.code is not None:
        # Many farmers write their problem first. It is kept in this chat's FSM data only (nothing
        # is stored or screened before they are known); the intake takes it up once they bind.
        # Only a problem is kept: a greeting, or a phone number typed by hand, is not one.
        await write(state, ChatData(problem_before_binding=text))
        await message.answer(t("bind.unbound_kept"), reply_markup=share_phone_keyboard(t))
        return
    await message.answer(t("bind.unbound"), reply_markup=share_phone_keyboard(t))


@unbound_router.callback_query()
async def refuse_unbound_button(query: CallbackQuery, turn: Turn) -> None:
    t, farmer, expert = turn.t, turn.farmer_if_any, turn.expert_if_any
    # Everything a bound user's buttons do is handled before this router; what reaches it is a
    # button of a form or card that has since closed, and "bind first" would read as if they had
    # been unbound.
    bound = farmer is not None or expert is not None
    await query.answer(t("button.gone" if bound else "bind.unbound_short"), show_alert=True)
