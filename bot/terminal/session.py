"""An offline Bot API session that prints what it sends and remembers each chat's last keyboard."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from aiogram import Bot
from aiogram.methods import EditMessageReplyMarkup, EditMessageText, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import Chat, InlineKeyboardMarkup, Message, ReplyKeyboardMarkup, ReplyKeyboardRemove

from bot.offline_session import OfflineSession
from bot.terminal.render import Keyboard, render


@dataclass(frozen=True)
class ShownKeyboard:
    markup: Keyboard
    message: Message  # the bot's message it hangs on: an inline button press refers to it


class TerminalSession(OfflineSession):
    def __init__(
        self,
        *,
        recipient_name: Callable[[int], str],
        write: Callable[[str], None] = print,
        ansi: bool = True,
        message_ids: Iterator[int] | None = None,
    ) -> None:
        super().__init__(message_ids=message_ids)
        self.recipient_name = recipient_name
        self.write = write
        self.ansi = ansi
        self.keyboards: dict[int, ShownKeyboard] = {}

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        timeout: int | None = None,  # noqa: ASYNC109 (BaseSession's signature)
    ) -> TelegramType:
        answer = await super().make_request(bot, method, timeout)
        chat_id = getattr(method, "chat_id", None)
        if isinstance(chat_id, int):
            shown = render(method, self.recipient_name(chat_id), ansi=self.ansi)
            if shown:
                self.write(shown)
            self._remember_keyboard(chat_id, method, answer)
        return answer

    def _remember_keyboard(self, chat_id: int, method: TelegramMethod[Any], answer: Any) -> None:
        markup = getattr(method, "reply_markup", None)
        if isinstance(markup, ReplyKeyboardRemove):
            self.keyboards.pop(chat_id, None)
            return
        if not isinstance(markup, InlineKeyboardMarkup | ReplyKeyboardMarkup):
            return
        if isinstance(answer, Message):
            message = answer
        elif isinstance(method, EditMessageText | EditMessageReplyMarkup) and method.message_id is not None:
            message = self._message(method, text=getattr(method, "text", None)).model_copy(
                update={"message_id": method.message_id}
            )
        else:
            return
        chat = Chat(id=chat_id, type="private")
        self.keyboards[chat_id] = ShownKeyboard(markup, message.model_copy(update={"chat": chat}))
