"""`jingfu run` is killed (SIGKILL) while it relays an expert's message to a farmer, then started
again: the farmer gets the message after the restart (once or more, never not at all).

The process is the real command against the stand-in Bot API, which holds the relaying sendMessage
open so the kill lands mid-send, with the conversation in a SQLite file both runs share.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from tests.bot.conftest import EXPERT, FARMER
from tests.faults.conftest import bot_deps_on, world_in_service
from tests.faults.services import free_port
from tests.faults.telegram_server import TOKEN, Call, FakeTelegram, wait_until

REPO_ROOT = Path(__file__).resolve().parents[2]
TO_FARMER = "明天上午带药剂过来，先别浇水"


@asynccontextmanager
async def jingfu_run(
    database_url: str, telegram: FakeTelegram, log: Path
) -> AsyncIterator[asyncio.subprocess.Process]:
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "REDIS_", "RASA_", "DATABASE_", "ADMIN_"))
    }
    environment |= {
        "DATABASE_URL": database_url,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE": telegram.base,
        "ADMIN_PORT": str(free_port()),  # the back office API beside the bot: never a port in use
    }
    with log.open("ab") as output:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "jingfu",
            "run",
            env=environment,
            cwd=REPO_ROOT,
            stdout=output,
            stderr=output,
        )
    try:
        yield process
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGKILL)
            await process.wait()


def _polls(telegram: FakeTelegram, after: int) -> bool:
    return len(telegram.called("getUpdates")) > after


async def test_a_message_being_relayed_when_the_bot_is_killed_arrives_after_the_restart(
    sqlite_url: str, telegram: FakeTelegram, tmp_path: Path
) -> None:
    async with bot_deps_on(sqlite_url) as deps:
        await world_in_service(deps)
    log = tmp_path / "jingfu-run.log"

    def relaying(call: Call) -> bool:
        return call.chat_id == FARMER and TO_FARMER in call.text

    telegram.fail("sendMessage", hold=True, when=relaying)
    async with jingfu_run(sqlite_url, telegram, log) as first:
        await wait_until(lambda: _polls(telegram, 0), within=90, what=f"the bot polls ({log})")
        telegram.message(EXPERT, TO_FARMER)
        await wait_until(
            lambda: any(relaying(c) for c in telegram.called("sendMessage")),
            within=60,
            what="the relay is sent",
        )
        first.send_signal(signal.SIGKILL)
        assert await first.wait() == -signal.SIGKILL
    assert not telegram.sent(FARMER)  # the held send never answered: the farmer has seen nothing yet

    polled = len(telegram.called("getUpdates"))
    async with jingfu_run(sqlite_url, telegram, log):
        await wait_until(lambda: _polls(telegram, polled), within=90, what=f"the restarted bot polls ({log})")
        await wait_until(
            lambda: any(TO_FARMER in c.text for c in telegram.sent(FARMER)),
            within=20,  # the relay retry pumps every second once the bot is up
            what="the farmer gets the expert's message after the restart",
        )
