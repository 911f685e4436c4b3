"""One update's context: what every handler needs, built once by the context middleware.

A handler takes `turn: Turn` instead of the translator, the unit of work, the services, the person
and the FSM state one by one. The message being answered is here too: for a callback query, the
message its button is on. Telegram may send that message as "inaccessible" (deleted, or too old
for the bot to see); `turn.message` then raises `MessageGone`, which the error handler answers
politely (bot.middlewares.errors), so no handler checks it. A refusal from core is told through
`refuse`, from the feature's table (bot.refusals).
"""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass, replace

from aiogram.fsm.context import FSMContext
from aiogram.types import (
    CallbackQuery,
    ForceReply,
    InlineKeyboardMarkup,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)

from bot.deps import BotDeps
from bot.edits import show
from bot.refusals import How, MessageGone, Refusals
from core.binding import Identity
from render.i18n import Translator
from storage.models import Expert, Farmer
from storage.uow import UnitOfWork

Keyboard = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | ForceReply


@dataclass(frozen=True, slots=True)
class Turn:
    t: Translator
    uow: UnitOfWork
    deps: BotDeps
    identity: Identity | None
    fsm: FSMContext | None
    answering: Message | None  # the update's message, or the pressed button's; None: inaccessible

    @property
    def message(self) -> Message:
        """The message this update answers (for a button: the message the button is on)."""
        if self.answering is None:
            raise MessageGone
        return self.answering

    @property
    def state(self) -> FSMContext:
        """The chat's conversation state (every update from a person in a chat has one)."""
        assert self.fsm is not None, "an update without a chat has no conversation state"
        return self.fsm

    @property
    def farmer(self) -> Farmer:
        """The farmer acting: only for handlers behind dialogs.filters.IS_FARMER."""
        assert self.identity is not None and self.identity.farmer is not None, "not a farmer's update"
        return self.identity.farmer

    @property
    def expert(self) -> Expert:
        """The expert acting: only for handlers behind dialogs.filters.IS_EXPERT."""
        assert self.identity is not None and self.identity.expert is not None, "not an expert's update"
        return self.identity.expert

    @property
    def farmer_if_any(self) -> Farmer | None:
        """The sender's farmer account, for handlers that answer anyone (the menu, /start)."""
        return self.identity.farmer if self.identity else None

    @property
    def expert_if_any(self) -> Expert | None:
        """The sender's expert account, as `farmer_if_any`."""
        return self.identity.expert if self.identity else None

    def acting_as(self, identity: Identity) -> Turn:
        """This turn after the person was bound in it (dialogs.binding): the rest of the update acts
        as them."""
        return replace(self, identity=identity)

    async def answer(self, text: str, reply_markup: Keyboard | None = None) -> Message:
        """A new message in the chat, after the one answered."""
        return await self.message.answer(text, reply_markup=reply_markup)

    async def refuse(
        self, error: Exception, table: Refusals, query: CallbackQuery | None = None, **fields: object
    ) -> None:
        """Tell the person why core refused, as `table` says; an error it does not name is raised
        again, for the error handler. `query`: the press to answer (an alert needs it); None when
        the handler answered it already, or there is no button (an alert is then a message).
        `fields` fill the reply (e.g. the request's id)."""
        refusal = table.find(error)
        if refusal is None:
            raise error
        said = refusal.say(self.t, error, **fields)
        text = await said if isinstance(said, Awaitable) else said
        if refusal.how is How.ALERT and query is not None:
            await query.answer(text, show_alert=True)
            return
        if query is not None:
            await query.answer()
        if refusal.how is How.EDIT:
            await show(self.message, text)
            return
        keyboard = refusal.keyboard(self.t, **fields) if refusal.keyboard else None
        await self.answer(text, reply_markup=keyboard)


def message_answered(update: Update) -> Message | None:
    """The message an update answers; None for a button on a message the bot cannot see."""
    if update.callback_query is not None:
        message = update.callback_query.message
        return message if isinstance(message, Message) else None
    return update.message or update.edited_message
