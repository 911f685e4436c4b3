"""Terminal input as Telegram updates: one line, one thing a persona does, fed to the real Dispatcher."""

from __future__ import annotations

import shlex
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from aiogram import Bot, Dispatcher
from aiogram.types import InlineKeyboardButton, KeyboardButton, Update

from bot.terminal.personas import Persona
from bot.terminal.render import buttons
from bot.terminal.session import TerminalSession
from bot.terminal.updates import UpdateMaker

BANNER = """\
精服 jingfu — terminal channel: the real bot, no Telegram. You type as one persona at a time.
  text            a message            N              press button N of the last keyboard
  /photo [text]   a photo (+caption)   /location LAT LON   a location     /voice   a voice note
  /as farmer N    /as expert N         switch persona (/who lists them)   /quit    leave
Demo story: press [1] to share the phone (binds 王二牛) → describe the problem → choose an expert →
submit; in another terminal `jingfu review list` and `jingfu review approve ID`; then `/as expert 1`,
/start, share the phone, accept, talk; complete; `/as farmer 1` and rate."""


class InputError(ValueError):
    """A line the terminal cannot turn into an update: shown to the user, nothing is sent."""


@dataclass
class TerminalChannel:
    bot: Bot
    dispatcher: Dispatcher
    session: TerminalSession
    personas: list[Persona]
    write: Callable[[str], None] = print
    maker: UpdateMaker = field(default_factory=UpdateMaker)
    current: Persona | None = None

    def __post_init__(self) -> None:
        self.current = self.current or self.personas[0]

    @property
    def persona(self) -> Persona:
        assert self.current is not None
        return self.current

    def persona_named(self, user_id: int) -> str:
        for persona in self.personas:
            if persona.user_id == user_id:
                return persona.label
        return f"chat {user_id}"

    async def handle(self, line: str) -> bool:
        """Act on one input line; False once the user quits."""
        line = line.strip()
        if not line:
            return True
        if line in ("/quit", "/exit"):
            return False
        try:
            update = self.to_update(line)
        except InputError as exc:
            self.write(f"  ! {exc}")
            return True
        if update is not None:
            await self.dispatcher.feed_update(self.bot, update)
        return True

    def to_update(self, line: str) -> Update | None:
        persona = self.persona
        if line.isdigit():
            return self.press(int(line))
        command, _, rest = line.partition(" ")
        simple: dict[str, Callable[[], Update | None]] = {
            "/who": self.who,
            "/as": lambda: self.switch(rest),
            "/photo": lambda: self.maker.photo(persona, rest.strip() or None),
            "/voice": lambda: self.maker.voice(persona),
            "/location": lambda: self.location(rest),
        }
        if command in simple:
            return simple[command]()
        return self.maker.text(persona, line)

    def who(self) -> None:
        for persona in self.personas:
            mark = "→" if persona == self.current else " "
            self.write(f" {mark} /as {persona.kind} {persona.number:<3} {persona.name}  {persona.detail}")

    def switch(self, rest: str) -> None:
        parts = shlex.split(rest)
        if len(parts) != 2 or parts[0] not in ("farmer", "expert") or not parts[1].isdigit():
            raise InputError("use /as farmer N or /as expert N (see /who)")
        kind, number = parts[0], int(parts[1])
        match = [p for p in self.personas if p.kind == kind and p.number == number]
        if not match:
            raise InputError(f"there is no {kind} {number}; /who lists the personas")
        self.current = match[0]
        self.write(f"  now playing {self.persona.label}, {self.persona.detail}, phone {self.persona.phone}")

    def location(self, rest: str) -> Update:
        try:
            latitude, longitude = (float(part) for part in rest.split())
        except ValueError:
            raise InputError("use /location LAT LON, e.g. /location 40.75 107.39") from None
        return self.maker.location(self.persona, latitude, longitude)

    def press(self, number: int) -> Update:
        persona = self.persona
        shown = self.session.keyboards.get(persona.user_id)
        if shown is None:
            raise InputError("no keyboard is showing for this persona")
        options = buttons(shown.markup)
        if not 1 <= number <= len(options):
            raise InputError(f"choose a button from 1 to {len(options)}")
        button = options[number - 1]
        if isinstance(button, InlineKeyboardButton):
            if button.callback_data is None:
                raise InputError(f"this button opens {button.url or 'something outside the chat'}")
            return self.maker.callback(persona, button.callback_data, shown.message)
        text = button.text if isinstance(button, KeyboardButton) else str(button)
        if isinstance(button, KeyboardButton) and button.request_contact:
            return self.maker.contact(persona)
        return self.maker.text(persona, text)


async def pump_until_quiet(pump: Callable[[], Awaitable[int]], *, limit: int = 20) -> None:
    """Send every pending push now; a push may cause another, so repeat until none is left."""
    for _ in range(limit):
        if not await pump():
            return
