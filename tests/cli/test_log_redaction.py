"""No secret and no farmer's text in the log.

aiogram logged the Bot API URL, `…/bot<token>/getUpdates`, whenever a response was not HTTP (the
bot token went to the log and, from `jingfu run`'s error line, to the terminal), and SQLAlchemy put
the statement's parameters, a farmer's own words, into every database error it raised.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramNetworkError
from aiogram.types import Chat, ErrorEvent, Message, Update
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.middlewares.errors import on_error
from jingfu.cli.shell import _log_to_file
from jingfu.log_setup import REDACTED, configure_logging
from storage.enums import ActorKind, MessageKind
from storage.models import ThreadMessage

TOKEN = "7012345678:AAH" + "q" * 32
# Another token's shape in a URL (a second bot, another setting): redacted too.
OTHER_TOKEN = "5550001112:BBx" + "z" * 31
FARMER_TEXT = "王秀兰家的羊咳嗽三天了，电话13904781002"
GET_ME = b'{"ok":true,"result":{"id":7012345678,"is_bot":true,"first_name":"jingfu","username":"jingfu_bot"}}'


@pytest.fixture
async def broken_bot_api() -> AsyncIterator[str]:
    """A Bot API that answers getMe, then answers getUpdates with something that is not HTTP, as a
    proxy's error page or a connection cut mid-answer does: aiohttp's error then names the URL."""

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        request = await reader.readuntil(b"\r\n\r\n")
        if b"/getMe " in request.split(b"\r\n", 1)[0]:
            head = f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(GET_ME)}\r\n"
            writer.write(head.encode() + b"Connection: close\r\n\r\n" + GET_ME)
        else:
            writer.write(b"not http at all\r\n\r\n")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    async with server:
        yield f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"


def assert_no_secret(logged: str) -> None:
    assert TOKEN not in logged and TOKEN.split(":")[1] not in logged, logged
    assert OTHER_TOKEN not in logged, logged


async def test_a_broken_bot_api_connection_logs_no_token(
    broken_bot_api: str, root_logging: None, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    configure_logging(secrets=[TOKEN])  # what `jingfu run` does
    _log_to_file(tmp_path / "shell.log")  # and a handler added later, as `jingfu shell` adds its file
    logging.getLogger().addHandler(logging.StreamHandler(sys.stderr))
    bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(broken_bot_api)))
    dispatcher = Dispatcher()
    polling = asyncio.create_task(
        dispatcher.start_polling(bot, handle_signals=False, close_bot_session=False)
    )
    try:
        for _ in range(100):  # aiogram's own record: "Failed to fetch updates - TelegramNetworkError: …"
            await asyncio.sleep(0.05)
            if "Failed to fetch updates" in capsys.readouterr().err:
                break
        else:
            pytest.fail("aiogram never logged the failed getUpdates")
        with pytest.raises(TelegramNetworkError) as failed:
            await bot.get_updates()
        # The same error in a traceback, as the bot's error middleware logs a failed update; and in an
        # argument's str(), and a URL holding another token.
        logging.getLogger("bot.middlewares.errors").error("update %s failed", 7, exc_info=failed.value)
        logging.getLogger("aiohttp.client").warning("%s", failed.value)
        logging.getLogger("aiogram.event").warning("see https://api.telegram.org/bot%s/getMe", OTHER_TOKEN)
    finally:
        await dispatcher.stop_polling()
        await polling
        await bot.session.close()
    logged = capsys.readouterr().err + (tmp_path / "shell.log").read_text(encoding="utf-8")
    assert "/getUpdates" in logged and "Traceback" in logged and "update 7 failed" in logged
    assert f"bot{REDACTED}/getUpdates" in logged and f"bot{REDACTED}/getMe" in logged
    assert_no_secret(logged)


async def test_jingfu_run_names_a_broken_bot_api_without_the_token(
    broken_bot_api: str, database_url: str, tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "REDIS_", "RASA_"))}
    # getMe answers, setting the command menu meets the broken answer: `jingfu run` stops with its
    # one error line, after logging what it did.
    env |= {"DATABASE_URL": database_url, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE": broken_bot_api}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "jingfu", "run", env=env, cwd=tmp_path, stderr=asyncio.subprocess.PIPE
    )
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=120)
    shown = stderr.decode()
    assert process.returncode == 2, shown
    assert "polling as @jingfu_bot" in shown and "cannot reach the Bot API" in shown
    assert "Traceback" not in shown
    assert_no_secret(shown)


async def test_a_database_error_logs_no_farmer_text(
    engine: AsyncEngine, root_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging()
    # A farmer's message stored for a request that is not there: the foreign key refuses the INSERT,
    # on SQLite and on PostgreSQL, and SQLAlchemy's error used to carry the row's values.
    with pytest.raises(IntegrityError) as refused:
        async with engine.begin() as connection:
            row = {
                "request_id": 2_000_000_000,
                "sender_kind": ActorKind.farmer,
                "sender_id": 1,
                "kind": MessageKind.text,
                "text": FARMER_TEXT,
            }
            await connection.execute(insert(ThreadMessage), [row])
    channel_post = Message(
        message_id=1, date=datetime.now(UTC), chat=Chat(id=-100123, type="channel"), text="x"
    )
    event = ErrorEvent(update=Update(update_id=7, channel_post=channel_post), exception=refused.value)
    assert await on_error(event, bot=None, deps=None)  # type: ignore[arg-type]  # no user: only logged
    logged = capsys.readouterr().err
    assert "update 7 failed" in logged and "IntegrityError" in logged
    assert FARMER_TEXT not in logged and "13904781002" not in logged, logged


def test_the_passwords_of_the_database_and_redis_urls_are_redacted(
    root_logging: None, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://jingfu:db-pa%24%24word@db.internal/jingfu")
    monkeypatch.setenv("REDIS_URL", "redis://:redis-secret-1@127.0.0.1:6379/0")
    configure_logging(secrets=[TOKEN])
    log = logging.getLogger("asyncpg")
    log.warning("connecting to postgresql://jingfu:db-pa%s@db.internal/jingfu", "%24%24word")
    log.warning("decoded: db-pa$$word, redis: redis-secret-1")
    logged = capsys.readouterr().err
    assert "db-pa" not in logged and "redis-secret-1" not in logged, logged
    assert logged.count(REDACTED) == 3
