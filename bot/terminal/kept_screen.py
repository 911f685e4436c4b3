"""What the shell had on screen, kept between shell sessions: each persona's last keyboard and who
was being played.

The README promises a newcomer can quit `jingfu shell` and open it again at any point of the story,
and the forms are kept (bot.terminal.state_file); but the buttons were not: back in the shell, "1"
answered "no keyboard is showing", and the one way on was to know which command brings the same
question back. The last keyboard of every persona is saved with the message it hangs on (an inline
press refers to it), beside the forms and under the same database mark, and shown again on return.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from aiogram.types import InlineKeyboardMarkup, Message, ReplyKeyboardMarkup

from bot.terminal.session import ShownKeyboard
from bot.terminal.state_file import write_json

log = logging.getLogger(__name__)


def _dump(shown: ShownKeyboard) -> dict[str, Any]:
    return {
        "inline": isinstance(shown.markup, InlineKeyboardMarkup),
        "markup": shown.markup.model_dump(mode="json", exclude_none=True),
        "message": shown.message.model_dump(mode="json", exclude_none=True),
    }


def _load(saved: dict[str, Any]) -> ShownKeyboard:
    kind = InlineKeyboardMarkup if saved["inline"] else ReplyKeyboardMarkup
    return ShownKeyboard(kind.model_validate(saved["markup"]), Message.model_validate(saved["message"]))


class KeptScreen:
    def __init__(self, path: Path, mark: str = "") -> None:
        self.path, self.mark = path, mark

    def load(self) -> tuple[dict[int, ShownKeyboard], str | None]:
        """(keyboards by chat, the persona last played as "farmer 1"); nothing when the file is
        missing, unreadable or of another database."""
        try:
            saved = json.loads(self.path.read_text(encoding="utf-8"))
            if saved.get("mark") != self.mark:
                return {}, None
            keyboards = {int(chat): _load(shown) for chat, shown in saved["keyboards"].items()}
            persona = saved.get("persona")
            return keyboards, persona if isinstance(persona, str) else None
        except FileNotFoundError:
            return {}, None
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            # Pydantic's ValidationError is a ValueError: a damaged file costs the buttons, not the shell.
            log.warning("kept screen in %s unreadable (%s); starting without it", self.path, exc)
            return {}, None

    def save(self, keyboards: dict[int, ShownKeyboard], persona: str) -> None:
        saved = {
            "mark": self.mark,
            "persona": persona,
            "keyboards": {str(chat): _dump(shown) for chat, shown in keyboards.items()},
        }
        write_json(self.path, saved)
