"""The terminal channel's loop: read lines (typed or piped), feed them, let pushes arrive meanwhile."""

from __future__ import annotations

import asyncio
import itertools
import sys
import threading
import time
from collections.abc import Callable, Sequence
from typing import TextIO

from aiogram import Router
from aiogram.fsm.storage.base import BaseStorage

from bot.deps import BotDeps
from bot.factory import create_bot, create_dispatcher
from bot.runner import SWEEP_EVERY_S, notifier_pump, sweep
from bot.terminal.channel import BANNER, TerminalChannel, pump_until_quiet
from bot.terminal.kept_screen import KeptScreen
from bot.terminal.personas import demo_personas
from bot.terminal.render import keyboard_lines
from bot.terminal.session import TerminalSession
from bot.terminal.updates import UpdateMaker

OFFLINE_TOKEN = "42:TERMINAL-terminal-terminal-terminal"
IDLE_TICK_S = 1.0


def _read_lines(source: TextIO, loop: asyncio.AbstractEventLoop, queue: asyncio.Queue[str | None]) -> None:
    # A daemon thread: a blocked read must not keep the process alive after /quit or Ctrl-C.
    for line in source:
        loop.call_soon_threadsafe(queue.put_nowait, line)
    loop.call_soon_threadsafe(queue.put_nowait, None)


async def run_terminal(
    deps: BotDeps,
    routers: Sequence[Router],
    *,
    source: TextIO = sys.stdin,
    write: Callable[[str], None] = print,
    ansi: bool = True,
    storage: BaseStorage | None = None,
    kept: KeptScreen | None = None,
) -> None:
    """`routers`: the conversations (dialogs.routers). `storage` keeps the conversations' forms and
    `kept` the last keyboards; both only in memory (lost at /quit) when not given."""
    interactive = source.isatty()
    personas = demo_personas()
    names = {p.user_id: p.label for p in personas}
    # Message ids (the user's and the bot's, one sequence as in a Telegram chat) start from the clock:
    # the database links messages to requests by id, so a later terminal session on the same
    # database must not reuse the ids of an earlier one.
    message_ids = itertools.count(time.time_ns() // 1000)
    session = TerminalSession(
        recipient_name=lambda chat: names.get(chat, f"chat {chat}"),
        write=write,
        ansi=ansi,
        message_ids=message_ids,
    )
    bot = create_bot(OFFLINE_TOKEN, session=session)
    channel = TerminalChannel(
        bot,
        create_dispatcher(deps, routers, storage=storage),
        session,
        personas,
        write=write,
        maker=UpdateMaker(message_ids=message_ids),
    )
    pump = notifier_pump(bot, deps)
    write(BANNER)
    _come_back(channel, session, kept, write)

    def keep() -> None:
        if kept is not None:
            kept.save(session.keyboards, f"{channel.persona.kind} {channel.persona.number}")

    queue: asyncio.Queue[str | None] = asyncio.Queue()
    threading.Thread(
        target=_read_lines, args=(source, asyncio.get_running_loop(), queue), daemon=True
    ).start()
    last_sweep = 0.0

    async def between_inputs() -> None:
        nonlocal last_sweep
        if time.monotonic() - last_sweep >= (SWEEP_EVERY_S if interactive else 0):
            await sweep(deps)
            last_sweep = time.monotonic()
        await pump_until_quiet(pump)

    prompt_shown = False
    while True:
        if interactive and not prompt_shown:
            sys.stdout.write(f"{channel.persona.name}> ")
            sys.stdout.flush()
            prompt_shown = True
        try:
            line = await asyncio.wait_for(queue.get(), IDLE_TICK_S)
        except TimeoutError:
            await between_inputs()
            # Something was shown (a push arrived): the prompt scrolled away, show it again.
            prompt_shown = prompt_shown and not session.take()
            continue
        prompt_shown = False
        if line is None:
            break
        if not interactive and line.strip():
            write(f"{channel.persona.name}> {line.rstrip()}")
        if not await channel.handle(line):
            break
        await between_inputs()
        keep()
        session.take()  # recorded calls are only for tests; the terminal has already shown them
    keep()
    await bot.session.close()


def _come_back(
    channel: TerminalChannel, session: TerminalSession, kept: KeptScreen | None, write: Callable[[str], None]
) -> None:
    """Restore what was on screen when the shell was last left, and show the persona's buttons."""
    keyboards, played = kept.load() if kept is not None else ({}, None)
    session.keyboards.update(keyboards)
    for persona in channel.personas:
        if f"{persona.kind} {persona.number}" == played:
            channel.current = persona
    shown = session.keyboards.get(channel.persona.user_id)
    if shown is None:
        write(f"  playing {channel.persona.label}; type /start to begin")
        return
    write(f"  playing {channel.persona.label}, where you left off; the last buttons:")
    for line in keyboard_lines(shown.markup):
        write(line)
