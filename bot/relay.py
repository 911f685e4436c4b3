"""Delivering a thread message to the other party of a request, in their language and topic."""

from __future__ import annotations

import html
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from aiogram import Bot
from aiogram.types import Message

from bot.deps import BotDeps
from bot.outbound import deliver_or_defer
from core import threads
from storage.enums import ActorKind, MessageKind
from storage.models import ServiceRequest, ThreadMessage
from storage.uow import UnitOfWork

TEXT_LIMIT = 4096  # Telegram's limits on a message's text and on a media caption
CAPTION_LIMIT = 1024

# The conversations (request, sender's side) whose messages are being relayed right now, by an
# update's handler (dialogs/thread.py) or by the relay pump (bot/relay_retry.py). Both run in the
# bot's one process (Telegram gives a token's updates to one poller) and both send waiting messages:
# whoever holds a conversation's lane sends its messages, the other leaves them for later, so no
# message goes twice and none overtakes an earlier one. Held in memory on purpose: a process that
# dies takes its lanes with it, and the next start's pump finds the messages still waiting.
Lane = tuple[int, ActorKind]
_lanes_in_use: set[Lane] = set()


@contextmanager
def lane(request_id: int, sender_kind: ActorKind) -> Iterator[bool]:
    """Take the lane of this conversation and side for the block; whether it was free (taken)."""
    key = (request_id, sender_kind)
    if key in _lanes_in_use:
        yield False
        return
    _lanes_in_use.add(key)
    try:
        yield True
    finally:
        _lanes_in_use.discard(key)


@dataclass(frozen=True)
class Content:
    kind: MessageKind
    text: str | None = None  # the text, or a media caption
    file_id: str | None = None
    latitude: float | None = None
    longitude: float | None = None

    @classmethod
    def of(cls, message: Message) -> Content | None:
        caption = message.caption
        if message.text:
            return cls(MessageKind.text, message.text)
        if message.photo:
            return cls(MessageKind.photo, caption, message.photo[-1].file_id)
        if message.voice:
            return cls(MessageKind.voice, caption, message.voice.file_id)
        if message.document:
            return cls(MessageKind.document, caption, message.document.file_id)
        if message.video:
            return cls(MessageKind.video, caption, message.video.file_id)
        if message.video_note:  # a round video: no caption
            return cls(MessageKind.video_note, None, message.video_note.file_id)
        if message.audio:
            return cls(MessageKind.audio, caption, message.audio.file_id)
        if message.location:
            return cls(
                MessageKind.location, None, None, message.location.latitude, message.location.longitude
            )
        return None

    @property
    def stored_text(self) -> str | None:
        """What the conversation's record keeps as the text: a location as "lat,lon", so that it
        can be relayed again from the record alone."""
        if self.kind is MessageKind.location and self.latitude is not None and self.longitude is not None:
            return f"{self.latitude:.6f},{self.longitude:.6f}"
        return self.text

    @classmethod
    def stored(cls, message: ThreadMessage) -> Content:
        """The content of a recorded message (the inverse of `stored_text`)."""
        if message.kind is MessageKind.location and message.text:
            latitude, longitude = (float(part) for part in message.text.split(","))
            return cls(MessageKind.location, None, None, latitude, longitude)
        return cls(message.kind, message.text, message.file_id)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": str(self.kind),
            "text": self.text,
            "file_id": self.file_id,
            "latitude": self.latitude,
            "longitude": self.longitude,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Content:
        return cls(
            MessageKind(data["kind"]),
            data.get("text"),
            data.get("file_id"),
            data.get("latitude"),
            data.get("longitude"),
        )


async def send_content(
    bot: Bot, chat_id: int, header: str, content: Content, *, thread_id: int | None = None
) -> list[int]:
    """Send `content` under `header`; the ids of the messages delivered."""
    common = {"chat_id": chat_id, "message_thread_id": thread_id}
    # The bot speaks HTML: the person's own words are escaped, or "pH<7" would make Telegram refuse
    # the message (after it was stored) and a "<b>" would format it.
    body = html.escape(content.text) if content.text else None
    caption = "\n".join(part for part in (header, body) if part)
    limit = TEXT_LIMIT if content.kind is MessageKind.text else CAPTION_LIMIT
    if header and body and len(caption) > limit:
        # A full-length message (Telegram allows the sender as much as it allows us) plus the header
        # is over the limit and Telegram would refuse it: the header goes first, on its own.
        first = await bot.send_message(text=header, **common)  # type: ignore[arg-type]
        return [first.message_id, *await send_content(bot, chat_id, "", content, thread_id=thread_id)]
    if content.kind is MessageKind.text:
        sent = [await bot.send_message(text=caption, **common)]  # type: ignore[arg-type]
    elif content.kind is MessageKind.photo:
        sent = [await bot.send_photo(photo=content.file_id, caption=caption, **common)]  # type: ignore[arg-type]
    elif content.kind is MessageKind.voice:
        sent = [await bot.send_voice(voice=content.file_id, caption=caption, **common)]  # type: ignore[arg-type]
    elif content.kind is MessageKind.document:
        sent = [await bot.send_document(document=content.file_id, caption=caption, **common)]  # type: ignore[arg-type]
    elif content.kind is MessageKind.video:
        sent = [await bot.send_video(video=content.file_id, caption=caption, **common)]  # type: ignore[arg-type]
    elif content.kind is MessageKind.audio:
        sent = [await bot.send_audio(audio=content.file_id, caption=caption, **common)]  # type: ignore[arg-type]
    elif content.kind is MessageKind.video_note:
        # A round video takes no caption: the header goes first, on its own.
        sent = [
            await bot.send_message(text=header, **common),  # type: ignore[arg-type]
            await bot.send_video_note(video_note=content.file_id, **common),  # type: ignore[arg-type]
        ]
    else:
        sent = [
            await bot.send_message(text=header, **common),  # type: ignore[arg-type]
            await bot.send_location(latitude=content.latitude, longitude=content.longitude, **common),  # type: ignore[arg-type]
        ]
    return [m.message_id for m in sent]


async def relay(
    bot: Bot,
    deps: BotDeps,
    uow: UnitOfWork,
    request: ServiceRequest,
    sender_kind: ActorKind,
    sender_name: str,
    content: Content,
    *,
    header_key: str = "thread.header",
    stored: ThreadMessage | None = None,
) -> bool:
    """Deliver to the other party; False when they cannot be reached (not bound yet, or they blocked
    the bot). Raises TelegramUnreachable when Telegram itself cannot be reached (after a few tries):
    the caller keeps the message for later. `header_key`: the catalog key of the line that says
    whose message it is; `stored`: the record relayed, marked no longer waiting once delivered."""
    to = await threads.recipient(uow, request, sender_kind)
    if to is None:
        return False
    chat_id, t = to.chat_id, deps.catalog.translator(to.language)
    thread_id = (
        await threads.topic_for_request(uow, chat_id, request.id) if sender_kind is ActorKind.farmer else None
    )
    header = t(header_key, id=request.id, name=sender_name, subject=request.subject or "")
    delivered = await deliver_or_defer(
        lambda: send_content(bot, chat_id, header, content, thread_id=thread_id),
        what=f"conversation message for request {request.id}",
    )
    if delivered is None:
        return False
    if stored is not None:
        await threads.relayed(uow, stored, chat_id, delivered, request.id)
    else:
        await threads.link_messages(uow, chat_id, delivered, request.id)
    return True
