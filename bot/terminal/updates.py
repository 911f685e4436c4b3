"""Real `Update` objects for what a persona does in the terminal, numbered like Telegram numbers them."""

from __future__ import annotations

import itertools
import secrets
import time
from collections.abc import Iterator
from datetime import UTC, datetime

from aiogram.types import (
    CallbackQuery,
    Chat,
    Contact,
    Location,
    Message,
    PhotoSize,
    Update,
    User,
    Voice,
)

from bot.terminal.personas import Persona


def fake_file_id(kind: str) -> str:
    return f"term-{kind}-{secrets.token_hex(4)}"


class UpdateMaker:
    def __init__(
        self, *, first_update_id: int | None = None, message_ids: Iterator[int] | None = None
    ) -> None:
        # Handled update ids are kept in the database to drop Telegram's redeliveries; starting from the
        # clock keeps a second terminal session on the same database from being dropped as a replay.
        self._update_ids = itertools.count(first_update_id or time.time_ns() // 1000)
        # Telegram numbers a chat's messages, the user's and the bot's, in one sequence: the channel
        # passes the one its session numbers the bot's messages with.
        self._message_ids = message_ids if message_ids is not None else itertools.count(1)

    @staticmethod
    def user(persona: Persona) -> User:
        return User(id=persona.user_id, is_bot=False, first_name=persona.name, language_code="zh-hans")

    def _update(self, event: Message | CallbackQuery) -> Update:
        if isinstance(event, CallbackQuery):
            return Update(update_id=next(self._update_ids), callback_query=event)
        return Update(update_id=next(self._update_ids), message=event)

    def message(self, persona: Persona, **content: object) -> Update:
        message = Message(
            message_id=next(self._message_ids),
            date=datetime.now(UTC),
            chat=Chat(id=persona.user_id, type="private", first_name=persona.name),
            from_user=self.user(persona),
            **content,  # type: ignore[arg-type]
        )
        return self._update(message)

    def text(self, persona: Persona, text: str) -> Update:
        return self.message(persona, text=text)

    def contact(self, persona: Persona) -> Update:
        contact = Contact(
            phone_number=f"+86{persona.phone}", first_name=persona.name, user_id=persona.user_id
        )
        return self.message(persona, contact=contact)

    def photo(self, persona: Persona, caption: str | None = None) -> Update:
        file_id = fake_file_id("photo")
        sizes = [PhotoSize(file_id=file_id, file_unique_id=file_id[-8:], width=1280, height=960)]
        return self.message(persona, photo=sizes, caption=caption or None)

    def location(self, persona: Persona, latitude: float, longitude: float) -> Update:
        return self.message(persona, location=Location(latitude=latitude, longitude=longitude))

    def voice(self, persona: Persona) -> Update:
        file_id = fake_file_id("voice")
        return self.message(persona, voice=Voice(file_id=file_id, file_unique_id=file_id[-8:], duration=5))

    def callback(self, persona: Persona, data: str, message: Message) -> Update:
        query = CallbackQuery(
            id=str(next(self._message_ids)),
            from_user=self.user(persona),
            chat_instance=str(persona.user_id),
            data=data,
            message=message,
        )
        return self._update(query)
