"""The main menu: balance, advisories on/off, help, language; and /menu, /cancel."""

from __future__ import annotations

from collections.abc import Callable

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message

from bot.deps import BotDeps
from bot.turn import Turn
from core.binding import set_advisories, set_language
from core.queries import farmer_balance
from dialogs.common import menu_keyboard
from dialogs.form_data import ChatData, write
from dialogs.forms import close_form
from render.callbacks import LangCb
from render.i18n import LOCALES
from render.keyboards import button, column
from render.words import yuan

router = Router(name=__name__)

# Every message handler here answers a command or one of these menu buttons. The router sits ahead
# of intake, so without this router-level check each farmer's problem description would try its
# nine handlers one by one; with it anything else skips the router at once. `_button` is the only way a
# handler here recognises a button, and it refuses a key missing from this list.
BUTTONS = ("menu.help", "menu.language", "menu.balance", "menu.advisories")


def _command_or_button(message: Message, deps: BotDeps) -> bool:
    if (message.text or message.caption or "").startswith("/"):  # aiogram's Command looks at both
        return True
    return message.text is not None and any(message.text in deps.catalog.all_variants(k) for k in BUTTONS)


router.message.filter(_command_or_button)


def _button(key: str) -> Callable[[Message, BotDeps], bool]:
    if key not in BUTTONS:
        raise ValueError(f"{key} is not in BUTTONS, so the router would never let it through")

    def pressed(message: Message, deps: BotDeps) -> bool:
        return message.text in deps.catalog.all_variants(key)

    return pressed


@router.message(Command("menu"))
@router.message(Command("cancel"))
async def show_menu(message: Message, turn: Turn) -> None:
    farmer, expert = turn.farmer_if_any, turn.expert_if_any
    t = turn.t
    await close_form(turn.state)  # an unbound user's language is kept with the chat's other keys
    if farmer is None and expert is None:
        await message.answer(t("bind.unbound"))
        return
    await message.answer(t("menu.title"), reply_markup=menu_keyboard(t, expert=expert is not None))


@router.message(Command("help"))
async def help_command(message: Message, turn: Turn) -> None:
    await message.answer(turn.t("help.expert" if turn.expert_if_any else "help.farmer"))


@router.message(F.text, _button("menu.help"))
async def help_button(message: Message, turn: Turn) -> None:
    await help_command(message, turn)


@router.message(Command("language"))
@router.message(F.text, _button("menu.language"))
async def choose_language(message: Message, turn: Turn) -> None:
    t = turn.t
    languages = column(button(t(f"language.{locale}"), LangCb(locale=locale)) for locale in LOCALES)
    await message.answer(t("language.choose"), reply_markup=languages)


@router.callback_query(LangCb.filter())
async def language_chosen(query: CallbackQuery, callback_data: LangCb, turn: Turn) -> None:
    farmer, expert = turn.farmer_if_any, turn.expert_if_any
    if callback_data.locale not in LOCALES:
        await query.answer()
        return
    message = turn.message  # before anything changes: a button on a message gone changes nothing
    await set_language(turn.uow, query.from_user.id, callback_data.locale)
    await write(turn.state, ChatData(language=callback_data.locale))
    t = turn.deps.catalog.translator(callback_data.locale)
    await query.answer()
    markup = menu_keyboard(t, expert=expert is not None) if (farmer or expert) else None
    await message.answer(t("language.done"), reply_markup=markup)


@router.message(Command("balance"))
@router.message(F.text, _button("menu.balance"))
async def balance(message: Message, turn: Turn) -> None:
    farmer = turn.farmer_if_any
    t = turn.t
    if farmer is None:
        await message.answer(t("balance.farmers_only"))
        return
    current = await farmer_balance(turn.uow, farmer.id, turn.deps.clock())
    if current is None:
        await message.answer(t("balance.none"))
        return
    await message.answer(
        t("balance.show", available=yuan(current.available_fen), held=yuan(current.held_fen))
    )


@router.message(F.text, _button("menu.advisories"))
async def toggle_advisories(message: Message, turn: Turn) -> None:
    farmer = turn.farmer_if_any
    if farmer is None:
        await message.answer(turn.t("balance.farmers_only"))
        return
    enabled = not farmer.advisories_enabled
    await set_advisories(turn.uow, farmer.id, enabled)
    await message.answer(turn.t("advisories.on" if enabled else "advisories.off"))
