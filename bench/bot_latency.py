"""The bot under Telegram's latency: many farmers at once, every Bot API call taking a while.

    .venv/bin/python bench/bot_latency.py [--latency-ms 100] [--farmers 20] [--database-url URL ...]

`bot_throughput.py` measures CPU per update on a Bot API that answers at once. Real calls to
Telegram take tens to hundreds of milliseconds, and what a handler holds while it waits decides
how many farmers are served at once. Here the offline session waits `--latency-ms` before
answering each call, and `--farmers` bound farmers act at the same moment:

- *balance*: each presses 💳 服务券余额 (reads, then replies, committing nothing of its own);
- *intake*: each sends a new problem (writes and commits a draft, then replies).

Prints the wall time of each round and the updates/s it makes, after checking that the round did
its work: every farmer got a reply in their own chat, the intake round wrote exactly one draft per
message, and nothing was logged as an error (a failing handler still answers politely, so replies
alone prove nothing). A round that did not do its work stops the bench instead of printing a figure.
On SQLite every transaction holds
the database's one write lock (BEGIN IMMEDIATE); a transaction that only read is ended before each
call to Telegram, so the lock is not held across the round trip (docs/bot.md, "Reads end before a
call to Telegram").
Default databases: a temporary SQLite file and PostgreSQL (`root`).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from aiogram import Bot
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType
from bot_throughput import FARMER_USER_ID, POSTGRES, ErrorCount, Feeder, drafts_since, prepare, problem_texts

from bot.factory import create_bot
from bot.offline_session import OfflineSession
from bot.wiring import bot_deps
from jingfu.bot_app import create_dispatcher
from jingfu.settings import DatabaseSettings, NluSettings


class SlowSession(OfflineSession):
    """The offline Bot API, answering each call after `latency_s`."""

    def __init__(self, latency_s: float) -> None:
        super().__init__()
        self.latency_s = latency_s

    async def make_request(  # aiogram's signature: noqa: ASYNC109
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        timeout: int | None = None,  # noqa: ASYNC109
    ) -> TelegramType:
        await asyncio.sleep(self.latency_s)
        return await super().make_request(bot, method, timeout)


def replied_chats(session: OfflineSession) -> Counter[int]:
    """How many messages the bot sent into each chat since the last look."""
    return Counter(int(getattr(call, "chat_id", 0)) for call in session.take() if hasattr(call, "chat_id"))


def check_round(
    label: str, users: list[int], replies: Counter[int], written: list[str], sent: list[str]
) -> None:
    silent = [user for user in users if replies[user] == 0]
    if silent:
        raise SystemExit(
            f"{label}: {len(silent)} of {len(users)} farmers got no reply; the handler did not answer"
        )
    if label == "intake" and Counter(written) != Counter(sent):
        raise SystemExit(f"intake wrote {len(written)} drafts for {len(sent)} messages: the intake is broken")
    if label != "intake" and written:
        raise SystemExit(f"{label}: wrote {len(written)} drafts; pressing a menu button must not")


async def measure(url: str, farmers: int, latency_s: float) -> list[tuple[str, float]]:
    users = [FARMER_USER_ID + n for n in range(farmers)]
    texts = problem_texts(farmers + 1)
    warm_up, texts = texts[0], texts[1:]
    warming = FARMER_USER_ID + farmers  # a farmer of its own: its open intake touches no round
    errors = ErrorCount()
    logging.getLogger().addHandler(errors)
    try:
        return await _rounds(url, users, warming, warm_up, texts, latency_s)
    finally:
        logging.getLogger().removeHandler(errors)
        if errors.records:
            first = errors.records[0]
            raise SystemExit(f"{len(errors.records)} errors logged, the first: {first.getMessage()}")


async def _rounds(
    url: str, users: list[int], warming: int, warm_up: str, texts: list[str], latency_s: float
) -> list[tuple[str, float]]:
    async with bot_deps(DatabaseSettings(database_url=url), NluSettings(rasa_url=None)) as deps:
        await prepare(url, deps, [*users, warming])
        session = SlowSession(latency_s)
        bot = create_bot("42:BENCH-bench-bench-bench-bench-bench", session=session)
        dispatcher, feeder = create_dispatcher(deps), Feeder()
        # The first intake of a process loads the NLU's and the screener's dictionaries (about a
        # second): a bot pays that once at start-up, so it is not part of any round here.
        await dispatcher.feed_update(bot, feeder.update(warming, warm_up))
        session.take()
        rounds: list[tuple[str, Any]] = [
            ("balance", lambda n: "💳 服务券余额"),
            ("intake", texts.__getitem__),
        ]
        timed = []
        for label, text_of in rounds:
            last_id, _ = await drafts_since(deps, 0)
            sent = [text_of(n) for n in range(len(users))]
            started = time.perf_counter()
            await asyncio.gather(
                *(dispatcher.feed_update(bot, feeder.update(user, sent[n])) for n, user in enumerate(users))
            )
            timed.append((label, time.perf_counter() - started))
            _, written = await drafts_since(deps, last_id)
            check_round(label, users, replied_chats(session), written, sent)
    return timed


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--latency-ms", type=float, default=100.0)
    parser.add_argument("--farmers", type=int, default=20)
    parser.add_argument(
        "--database-url", action="append", help="repeatable; default: temp SQLite and " + POSTGRES
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        urls = args.database_url or [f"sqlite+aiosqlite:///{Path(folder) / 'latency.sqlite3'}", POSTGRES]
        for url in urls:
            for label, seconds in asyncio.run(measure(url, args.farmers, args.latency_ms / 1000)):
                rate = args.farmers / seconds
                print(
                    f"{url.split(':', 1)[0]:>20} {label:<8}: {args.farmers} farmers at once, "
                    f"{args.latency_ms:.0f} ms a Bot API call: {seconds:5.2f} s ({rate:6.1f} upd/s)",
                    flush=True,
                )


if __name__ == "__main__":
    main()
