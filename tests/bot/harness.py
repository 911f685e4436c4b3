"""Drive the real Dispatcher with real Update objects; the Bot API is the recording OfflineSession."""

from __future__ import annotations

import itertools
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.fsm.storage.base import BaseStorage
from aiogram.methods import AnswerCallbackQuery, SendMessage, TelegramMethod
from aiogram.types import (
    CallbackQuery,
    Chat,
    Contact,
    InaccessibleMessage,
    InlineKeyboardMarkup,
    Location,
    Message,
    PhotoSize,
    ReplyKeyboardMarkup,
    Update,
    User,
    Voice,
)
from sqlalchemy import func, select

from bot.deps import BotDeps
from bot.factory import create_bot
from bot.middlewares.retry_sends import RetryPolicy
from bot.offline_session import OfflineSession
from bot.runner import notifier_pump
from jingfu.bot_app import create_dispatcher
from storage.models import ServiceRequest


@dataclass
class Harness:
    deps: BotDeps
    session: OfflineSession
    bot: Bot
    dispatcher: Dispatcher
    pushes: Callable[[], Awaitable[int]]  # the bot's one pump (bot.runner.notifier_pump)
    # The pauses the session's retries asked for (bot.middlewares.retry_sends), in order: recorded
    # and not slept, so a test of Telegram failing takes no time and can still say how long it waited.
    waits: list[float] = field(default_factory=list)
    _update_ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    _message_ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    @classmethod
    async def build(
        cls,
        deps: BotDeps,
        *,
        topics: bool = False,
        storage: BaseStorage | None = None,
        session: OfflineSession | None = None,
    ) -> Harness:
        session = session or OfflineSession(topics_enabled=topics)
        waits: list[float] = []

        async def pause(seconds: float) -> None:
            waits.append(seconds)

        bot = create_bot(
            "42:TEST_TOKEN_FOR_THE_OFFLINE_SESSION_ONLY", session=session, retry=RetryPolicy(sleep=pause)
        )
        # No pacing between advisory copies: the offline session has no flood limit to respect.
        pushes = notifier_pump(bot, deps, advisories_per_second=1e9)
        await pushes()  # starts the cursors before the test makes its first event, as a running bot has
        dispatcher = create_dispatcher(deps, storage=storage)
        return cls(deps, session, bot, dispatcher, pushes, waits)

    def user(self, user_id: int, name: str = "用户") -> User:
        return User(id=user_id, is_bot=False, first_name=name, language_code="zh-hans")

    def _message(self, user_id: int, **content: Any) -> Message:
        return Message(
            message_id=next(self._message_ids),
            date=datetime.now(UTC),
            chat=Chat(id=user_id, type="private"),
            from_user=self.user(user_id),
            **content,
        )

    async def feed(self, update: Update) -> list[TelegramMethod[Any]]:
        self.session.take()
        await self.dispatcher.feed_update(self.bot, update)
        return self.session.take()

    async def say(self, user_id: int, text: str, **extra: Any) -> list[TelegramMethod[Any]]:
        return await self.send(user_id, text=text, **extra)

    async def send(self, user_id: int, **content: Any) -> list[TelegramMethod[Any]]:
        """Any message a person sends: a text, a video, a round video, an audio file…"""
        return await self.feed(
            Update(update_id=next(self._update_ids), message=self._message(user_id, **content))
        )

    async def say_and_keep(self, user_id: int, text: str) -> tuple[Message, list[TelegramMethod[Any]]]:
        """`say`, and the message said, to edit it later (`edit`)."""
        message = self._message(user_id, text=text)
        return message, await self.feed(Update(update_id=next(self._update_ids), message=message))

    async def edit(self, message: Message, text: str) -> list[TelegramMethod[Any]]:
        """The person edits a message of theirs: Telegram sends the new version as `edited_message`."""
        edited = message.model_copy(update={"text": text, "edit_date": int(datetime.now(UTC).timestamp())})
        return await self.feed(Update(update_id=next(self._update_ids), edited_message=edited))

    async def reply(self, user_id: int, text: str, to_message_id: int) -> list[TelegramMethod[Any]]:
        original = Message(
            message_id=to_message_id, date=datetime.now(UTC), chat=Chat(id=user_id, type="private")
        )
        return await self.say(user_id, text, reply_to_message=original)

    async def contact(
        self, user_id: int, phone: str, owner: int | None = None, *, exactly: bool = False
    ) -> list[TelegramMethod[Any]]:
        """Share a contact card. A roster's 11-digit mainland number is sent as Telegram sends a
        Chinese account's own number, '86' and the digits; with `exactly`, `phone` is sent as given."""
        if not exactly and re.fullmatch(r"1\d{10}", phone):
            phone = "86" + phone
        card = Contact(phone_number=phone, first_name="x", user_id=owner if owner is not None else user_id)
        return await self.feed(
            Update(update_id=next(self._update_ids), message=self._message(user_id, contact=card))
        )

    async def photo(
        self, user_id: int, file_id: str, *, caption: str | None = None, album: str | None = None
    ) -> list[TelegramMethod[Any]]:
        sizes = [PhotoSize(file_id=file_id, file_unique_id=file_id, width=800, height=600)]
        message = self._message(user_id, photo=sizes, caption=caption, media_group_id=album)
        return await self.feed(Update(update_id=next(self._update_ids), message=message))

    async def voice(self, user_id: int, file_id: str) -> list[TelegramMethod[Any]]:
        message = self._message(user_id, voice=Voice(file_id=file_id, file_unique_id=file_id, duration=3))
        return await self.feed(Update(update_id=next(self._update_ids), message=message))

    async def location(self, user_id: int, lat: float, lon: float) -> list[TelegramMethod[Any]]:
        message = self._message(user_id, location=Location(latitude=lat, longitude=lon))
        return await self.feed(Update(update_id=next(self._update_ids), message=message))

    async def press(
        self, user_id: int, data: str, message_id: int = 1, *, inaccessible: bool = False
    ) -> list[TelegramMethod[Any]]:
        """`inaccessible`: the button is on a message the bot can no longer see (Telegram sends it
        without its content, e.g. once it was deleted)."""
        chat = Chat(id=user_id, type="private")
        on = (
            InaccessibleMessage(message_id=message_id, date=0, chat=chat)
            if inaccessible
            else Message(message_id=message_id, date=datetime.now(UTC), chat=chat)
        )
        query = CallbackQuery(
            id=str(next(self._update_ids)),
            from_user=self.user(user_id),
            chat_instance="ci",
            data=data,
            message=on,
        )
        return await self.feed(Update(update_id=next(self._update_ids), callback_query=query))

    async def latest_request_id(self) -> int:
        """The newest request's id: ids are not 1, 2, … on PostgreSQL, where sequences outlive a test."""
        async with self.deps.uow() as uow:
            newest = await uow.session.scalar(select(func.max(ServiceRequest.id)))
        assert newest is not None, "no request yet"
        return int(newest)

    async def pump(self) -> list[TelegramMethod[Any]]:
        self.session.take()
        await self.pushes()
        return self.session.take()


def alerts(methods: list[TelegramMethod[Any]]) -> list[str]:
    """What the pop-up answers to button presses said (show_alert)."""
    return [m.text or "" for m in methods if isinstance(m, AnswerCallbackQuery) and m.show_alert]


def texts(methods: list[TelegramMethod[Any]], chat_id: int | None = None) -> list[str]:
    out = []
    for method in methods:
        if chat_id is not None and getattr(method, "chat_id", None) != chat_id:
            continue
        text = getattr(method, "text", None) or getattr(method, "caption", None)
        if text:
            out.append(text)
    return out


def buttons(methods: list[TelegramMethod[Any]], chat_id: int | None = None) -> list[tuple[str, str]]:
    """(label, callback data or '') of every button sent, in order."""
    found: list[tuple[str, str]] = []
    for method in methods:
        if chat_id is not None and getattr(method, "chat_id", None) != chat_id:
            continue
        markup = getattr(method, "reply_markup", None)
        if isinstance(markup, InlineKeyboardMarkup):
            found += [(b.text, b.callback_data or "") for row in markup.inline_keyboard for b in row]
        elif isinstance(markup, ReplyKeyboardMarkup):
            found += [(b.text, "") for row in markup.keyboard for b in row]
    return found


def button(methods: list[TelegramMethod[Any]], predicate: Callable[[str, str], bool]) -> str:
    for label, data in buttons(methods):
        if predicate(label, data):
            return data
    raise AssertionError(f"no such button among {buttons(methods)}")


def sent_messages(methods: list[TelegramMethod[Any]]) -> list[SendMessage]:
    return [m for m in methods if isinstance(m, SendMessage)]


async def past_the_specialty(
    h: Harness, user: int, sent: list[TelegramMethod[Any]]
) -> list[TelegramMethod[Any]]:
    """Yes to "是关于「X」的问题吗？" when the intake asks it (an unsure reading, issue 19); else `sent`.
    For stories about what comes after: whether a text is read surely depends on the training data."""
    offered = buttons(sent)
    if offered and offered[0][0] in ("✅ 是", "✅ Yes") and offered[0][1].startswith("sp:"):
        return await h.press(user, offered[0][1])
    return sent
