"""What a farmer attaches to a problem: photos, voice notes and videos, kept as one list of Telegram
file ids on the request (`photo_file_ids`; the name is older than the voice notes and videos).

A plain id is a photo; a voice note or a video carries its kind as a prefix ("voice:…",
"video:…", "videonote:…"), so the invitation resends each with the right Bot API method and the
summary counts them apart. A farmer's video of a limping sheep or of wilting rows says more than a
photo, so it joins the problem as a photo does.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from aiogram import F
from aiogram.types import Message

# The kinds of message that add to a draft, as one filter for the handlers.
MEDIA = F.photo | F.voice | F.video | F.video_note
KINDS = ("photo", "voice", "video", "videonote")


def attachment(message: Message) -> str | None:
    """The item a message adds to a draft, or None when it carries none of the kinds."""
    if message.photo:
        return message.photo[-1].file_id  # the largest size
    if message.voice:
        return "voice:" + message.voice.file_id
    if message.video:
        return "video:" + message.video.file_id
    if message.video_note:
        return "videonote:" + message.video_note.file_id
    return None


def split(item: str) -> tuple[str, str]:
    """(kind, file id) of a stored item."""
    kind, found, file_id = item.partition(":")
    return (kind, file_id) if found and kind in KINDS else ("photo", item)


def counts(items: Iterable[str]) -> Counter[str]:
    return Counter(split(item)[0] for item in items)


def saved_key(message: Message) -> str:
    """The acknowledgement of an attachment, in the catalog."""
    if message.voice:
        return "intake.voice_saved"
    if message.video or message.video_note:
        return "intake.video_saved"
    return "intake.media_saved"
