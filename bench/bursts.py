"""Bursts: many farmers at once, as fast as the bot takes them, with the forms in memory and in Redis.

    .venv/bin/python bench/bursts.py [--updates 3000] [--farmers 300] [--database-url URL]
                                     [--redis-url URL | --no-redis] [--default-pool]

Each farmer is bound to a roster household (as bench/bot_throughput.py binds them) and sends its
share of the updates one after another, as a person does (the next once the bot answered): first
presses of 💳 服务券余额, then one new problem, which writes a draft. All farmers send at the same
moment, so the bot has `--farmers` updates in flight through the real Dispatcher (de-duplication,
per-chat isolation, FSM, screening, NLU, the database) on the recording offline Bot API.

Run once with the forms in memory, once with them in Redis (`--redis-url`, default REDIS_URL or
redis://127.0.0.1:6379/0; this run's keys under a prefix of their own, deleted after). Prints per
run the failures (an update that raised or was logged as failed; goal 0), the latency of an update
(p50, p99, max: from its arrival, with the burst or with the farmer's previous answer, to the end
of its handling, waiting for the others included) and updates/s, and checks the results: every
update answered with its own reply, never the generic error, one draft per farmer with its text.
`--default-pool` also runs Redis on redis-py's own default pool, as the bot did before it shared a
blocking one (bot.factory.redis_client), to see the difference. Default database: a temporary SQLite
file; `--database-url` for PostgreSQL (farmers get fresh Telegram ids on each run).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from aiogram.fsm.storage.base import BaseStorage
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.fsm.storage.redis import RedisStorage
from bot_throughput import FARMER_USER_ID, ErrorCount, Feeder, drafts_since, prepare, problem_texts
from sqlalchemy import func, select

from bot.deps import BotDeps
from bot.factory import create_bot, fsm_storage
from bot.offline_session import OfflineSession
from bot.wiring import bot_deps
from jingfu.bot_app import create_dispatcher
from jingfu.settings import DatabaseSettings, NluSettings, RedisSettings
from storage import migrate
from storage.models import Farmer

BALANCE = "💳 服务券余额"
GENERIC = "抱歉，刚才出了点问题"


@dataclass
class Outcome:
    label: str
    updates: int
    failures: int
    latencies_s: list[float]
    elapsed_s: float
    checked: bool = False  # every update answered, no generic error, one draft per farmer

    def line(self) -> str:
        ms = sorted(x * 1000 for x in self.latencies_s)
        p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
        return (
            f"{self.label:<28} {self.updates} updates: failures {self.failures:<4} "
            f"latency p50 {statistics.median(ms):7.1f} ms  p99 {p99:7.1f} ms  max {ms[-1]:7.1f} ms  "
            f"{self.updates / self.elapsed_s:6.1f} upd/s  results {'checked' if self.checked else 'WRONG'}"
        )


async def fresh_farmers(deps: BotDeps, count: int) -> list[int]:
    """Telegram ids nobody bound yet (a rerun on one PostgreSQL database gets new ones)."""
    async with deps.uow() as uow:
        newest = await uow.session.scalar(select(func.max(Farmer.telegram_user_id)))
    start = max(FARMER_USER_ID + 1, (newest or 0) + 1)
    return list(range(start, start + count))


async def burst(
    label: str, url: str, deps: BotDeps, storage: BaseStorage, updates: int, farmers: int
) -> Outcome:
    users = await fresh_farmers(deps, farmers)
    await prepare(url, deps, users)
    per_farmer = updates // farmers
    problems = dict(zip(users, problem_texts(farmers, seed=users[0]), strict=True))
    session = OfflineSession()
    bot = create_bot("42:BENCH-bench-bench-bench-bench-bench", session=session)
    dispatcher = create_dispatcher(deps, storage=storage)
    feeder = Feeder()
    errors = ErrorCount()
    logging.getLogger().addHandler(errors)
    latencies: list[float] = []
    raised = 0
    last_id, _ = await drafts_since(deps, 0)

    async def farmer(user_id: int) -> None:
        nonlocal raised
        sent = started  # the first update arrives with the burst, each next one with the answer
        for n in range(per_farmer):
            text = problems[user_id] if n == per_farmer - 1 else BALANCE
            try:
                await dispatcher.feed_update(bot, feeder.update(user_id, text))
            except Exception:
                raised += 1
            answered = time.perf_counter()
            # From the update's arrival, not from the start of its handling: with the forms in
            # memory an update never yields the event loop on SQLite, so the others wait to start.
            latencies.append(answered - sent)
            sent = answered

    started = time.perf_counter()
    try:
        await asyncio.gather(*(farmer(user_id) for user_id in users))
        elapsed = time.perf_counter() - started
    finally:
        logging.getLogger().removeHandler(errors)
        await dispatcher.emit_shutdown(bot=bot)  # closes the storage (and its Redis pool)
        await bot.session.close()
    failed_updates = {r.getMessage() for r in errors.records if r.getMessage().startswith("update ")}
    outcome = Outcome(label, per_farmer * farmers, raised + len(failed_updates), latencies, elapsed)
    wrong = check(session, users, per_farmer, errors)
    _, written = await drafts_since(deps, last_id)
    if Counter(written) != Counter(problems.values()):
        wrong.append(f"{len(written)} drafts written for {farmers} farmers' problems")
    for problem in wrong[:5]:
        print(f"  CHECK FAILED ({label}): {problem}", flush=True)
    outcome.checked = not wrong
    return outcome


def check(session: OfflineSession, users: list[int], per_farmer: int, errors: ErrorCount) -> list[str]:
    """What went wrong in what the farmers received, and what was logged as an error."""
    replies: dict[int, list[str]] = {user_id: [] for user_id in users}
    for method in session.take():
        chat = getattr(method, "chat_id", None)
        text = getattr(method, "text", None)
        if chat in replies and text:
            replies[chat].append(text)
    wrong = []
    if errors.records:
        causes = Counter(
            f"{type(r.exc_info[1]).__name__}: {r.exc_info[1]}" if r.exc_info else r.getMessage()
            for r in errors.records
        )
        wrong.append(f"{len(errors.records)} errors logged: {dict(causes.most_common(3))}")
    for user_id, said in replies.items():
        balances = [t for t in said if t.startswith("服务券余额")]
        if any(GENERIC in t for t in said):
            wrong.append(f"farmer {user_id} got the generic error")
        if len(balances) != per_farmer - 1 or len(said) < per_farmer:
            wrong.append(
                f"farmer {user_id}: {len(said)} replies to {per_farmer} updates, {len(balances)} balances"
            )
    return wrong


async def run(
    url: str, updates: int, farmers: int, redis_url: str | None, default_pool: bool
) -> list[Outcome]:
    await migrate.upgrade(url)  # before the first look for unbound Telegram ids
    outcomes = []
    async with bot_deps(DatabaseSettings(database_url=url), NluSettings(rasa_url=None)) as deps:
        # The first intake of a process loads the NLU's and the screener's dictionaries (about a
        # second): a bot pays that once at start-up, so it is not part of any burst.
        await burst("warm-up", url, deps, MemoryStorage(), 20, 10)
        runs: list[tuple[str, BaseStorage]] = [("memory", MemoryStorage())]
        if redis_url:
            runs.append(("redis (shared blocking pool)", fsm_storage(redis_url, RedisSettings())))
            if default_pool:
                runs.append(("redis (redis-py default pool)", RedisStorage.from_url(redis_url)))
        for label, storage in runs:
            prefix = f"jingfu-bench-{uuid.uuid4().hex}"
            if isinstance(storage, RedisStorage):
                storage.key_builder.prefix = prefix  # type: ignore[attr-defined]
            outcomes.append(await burst(label, url, deps, storage, updates, farmers))
            if redis_url and isinstance(storage, RedisStorage):
                await forget(redis_url, prefix)
    return outcomes


async def forget(redis_url: str, prefix: str) -> None:
    """Delete this run's keys: the Redis server is shared with whatever else runs on the machine."""
    from redis.asyncio import Redis

    client = Redis.from_url(redis_url)
    try:
        keys = [key async for key in client.scan_iter(match=f"{prefix}:*")]
        if keys:
            await client.delete(*keys)
    finally:
        await client.aclose()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--updates", type=int, default=3000)
    parser.add_argument("--farmers", type=int, default=300)
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0")
    parser.add_argument("--no-redis", action="store_true", help="the in-memory run only")
    parser.add_argument("--default-pool", action="store_true", help="also Redis on redis-py's default pool")
    args = parser.parse_args()
    if args.updates < args.farmers:
        parser.error("--updates must be at least --farmers (each farmer sends its share)")
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite+aiosqlite:///{Path(folder) / 'bursts.sqlite3'}"
        redis_url = None if args.no_redis else args.redis_url
        outcomes = asyncio.run(run(url, args.updates, args.farmers, redis_url, args.default_pool))
    print(f"{url.split(':', 1)[0]}, {args.farmers} farmers at once, each its updates one after another:")
    for outcome in outcomes:
        print("  " + outcome.line(), flush=True)


if __name__ == "__main__":
    main()
