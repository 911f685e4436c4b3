"""Screens built from users' words, kept within one Telegram message.

A request card lists the request's history and its conversation, and both grow without bound: ten
messages of up to 4,096 characters, a reason with every decline. Telegram refuses a message over
4,096 characters outright, so a card built naively would fail every time it is opened, for good.
Each quoted message is shortened (the whole of it is in the chat above), and when the card is still
too long its oldest lines go first: the newest are what the reader came for.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.telegram_limits import MAX_TEXT

QUOTE_LENGTH = 300  # characters of one quoted message on a card
_OMITTED = "…"


def shortened(text: str, length: int = QUOTE_LENGTH) -> str:
    return text if len(text) <= length else text[: length - 1] + _OMITTED


def fitted(head: str, sections: Sequence[tuple[str | None, Sequence[str]]], limit: int = MAX_TEXT) -> str:
    """`head`, then each section's title (if any) and lines (oldest first), joined by newlines; while
    too long, the oldest line of the longest section gives way to one "…".

    Lengths are of the markup, which is never shorter than what Telegram counts after the tags.
    """
    kept = [(title, list(lines)) for title, lines in sections if lines]
    dropped = [False] * len(kept)

    def text() -> str:
        parts = [head]
        for (title, lines), gone in zip(kept, dropped, strict=True):
            parts += [*([title] if title is not None else []), *([_OMITTED] if gone else []), *lines]
        return "\n".join(parts)

    while len(composed := text()) > limit:
        longest = max(range(len(kept)), key=lambda i: sum(map(len, kept[i][1])), default=None)
        if longest is None or not kept[longest][1]:
            return composed[: limit - 1] + _OMITTED  # the head alone is too long: nothing left to drop
        del kept[longest][1][0]
        dropped[longest] = True
    return composed
