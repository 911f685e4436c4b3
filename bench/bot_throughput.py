"""Bot throughput: a farmer's free-text intake message against a plain aiogram echo, in one process.

    .venv/bin/python bench/bot_throughput.py [--messages N] [--concurrency C ...] [--database-url URL ...]

Intake is the real Dispatcher (de-duplication, context, screening, embedded NLU, a draft written to
the database, the reply) fed one distinct problem description per update by bound farmers; echo is
a bare Dispatcher whose one handler answers the text. Both run on the same OfflineSession, so
neither pays for the network. Default databases: a temporary SQLite file and PostgreSQL (`root`).
Prints updates/s for each and the ratio (goal: intake ≥ 0.4 × echo).

Concurrency: aiogram's polling runs each update as its own task (`handle_as_tasks=True`), so a
busy bot has many updates in flight, from many farmers. `--concurrency C` feeds the updates from C
farmers at once, each farmer sending its messages one after another (a farmer's FSM state belongs
to that farmer alone), and echo is fed by exactly the same C workers. C = 1 is the sequential
figure. Every run checks that each message produced exactly one draft and that nothing was logged
as an error (a "database is locked" would show up there).

`--breakdown` instead feeds the messages one after another (C = 1) with the parts of an intake
update timed (wall clock, ms per update; a nested part is included in its parent; the timing
wrappers add about a microsecond a call), then the echo update for reference.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import itertools
import logging
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from aiogram import Bot, Dispatcher, Router
from aiogram.types import Chat, Message, Update, User
from sqlalchemy import func, select
from tqdm import tqdm

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import core.requests
import core.updates
import dialogs.intake
from bot.deps import BotDeps
from bot.factory import create_bot
from bot.middlewares.context import ContextMiddleware
from bot.offline_session import OfflineSession
from bot.wiring import bot_deps, freeze_start_up_heap
from core.binding import bind_by_code, bind_by_phone, identify
from core.invite_codes import issue_code
from core.scope import CITY_SYSTEM
from core.seed.demo import seed_demo
from jingfu.bot_app import create_dispatcher
from jingfu.settings import DatabaseSettings, NluSettings
from nlu.interface import ParseResult
from storage import migrate
from storage.models import ServiceObject, ServiceRequest
from storage.types import utcnow
from storage.uow import UnitOfWork

POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/root"
FARMER_USER_ID = 9_000_001
FARMER_PHONE = "13904781002"  # 王秀兰, on the 王二牛 household's roster in the demo seed
HOUSEHOLD = "临河区狼山镇王二牛示范户"  # codes issued for it bind the further bench farmers
CROPS = ("向日葵", "小麦", "玉米", "甜菜", "番茄", "辣椒", "蜜瓜", "西瓜")
SYMPTOMS = ("叶子发黄", "叶片有黑斑", "根部腐烂", "茎秆倒伏", "果实开裂", "长势弱", "叶子卷曲", "有蚜虫")
STAGES = ("苗期", "开花期", "结果期", "灌浆期", "成熟期")
ANIMALS = ("羊", "肉羊", "奶牛", "绒山羊")
SIGNS = ("拉稀", "咳嗽", "不吃草", "掉毛", "腿瘸", "流鼻涕")


def problem_texts(count: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    texts: set[str] = set()
    while len(texts) < count:
        if rng.random() < 0.7:
            texts.add(
                f"我家{rng.randint(3, 400)}亩{rng.choice(CROPS)}{rng.choice(STAGES)}"
                f"{rng.choice(SYMPTOMS)}，已经{rng.randint(2, 20)}天了，怎么办"
            )
        else:
            texts.add(
                f"我养了{rng.randint(5, 900)}只{rng.choice(ANIMALS)}，最近有{rng.randint(1, 60)}只"
                f"{rng.choice(SIGNS)}，请专家看看"
            )
    return sorted(texts)


class Feeder:
    """Text updates from one user at a time; ids start high so reruns on one database stay distinct."""

    def __init__(self) -> None:
        self.ids = itertools.count(time.time_ns() // 1000)

    def update(self, user_id: int, text: str) -> Update:
        n = next(self.ids)
        user = User(id=user_id, is_bot=False, first_name="王秀兰", language_code="zh-hans")
        message = Message(
            message_id=n % 2_000_000_000,
            date=datetime.now(UTC),
            chat=Chat(id=user_id, type="private"),
            from_user=user,
            text=text,
        )
        return Update(update_id=n, message=message)


def echo_dispatcher() -> Dispatcher:
    router = Router()

    @router.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text or "")

    dispatcher = Dispatcher()
    dispatcher.include_router(router)
    return dispatcher


class ErrorCount(logging.Handler):
    """Counts what the bot logs as an error: a failed update is answered politely, so count those."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


async def rate(
    label: str,
    texts: list[str],
    users: list[int],
    feed: Callable[[int, str], Awaitable[object]],
    session: OfflineSession,
) -> float:
    """Updates/s with one worker per user, all at once; each worker sends its messages in turn."""
    queue = iter(texts)
    progress = tqdm(total=len(texts), desc=label, unit="upd", leave=False)

    async def worker(user_id: int) -> None:
        for text in queue:  # a shared iterator: the workers take the next message as they free up
            await feed(user_id, text)
            progress.update()

    started = time.perf_counter()
    await asyncio.gather(*(worker(user_id) for user_id in users))
    elapsed = time.perf_counter() - started
    progress.close()
    replies = len(session.take())
    if replies < len(texts):
        raise SystemExit(
            f"{label}: only {replies} replies to {len(texts)} updates; the handler did not answer"
        )
    return len(texts) / elapsed


async def prepare(url: str, deps: BotDeps, users: list[int]) -> None:
    await migrate.upgrade(url)
    async with deps.uow() as uow:
        await seed_demo(uow)
    for user_id in users:
        async with deps.uow() as uow:
            if (await identify(uow, user_id)).farmer is not None:
                continue
            if user_id == FARMER_USER_ID:
                await bind_by_phone(uow, user_id, "+86" + FARMER_PHONE, "王秀兰")
            else:  # further members of the same household, each with a code staff issued for it
                household = await uow.session.scalar(
                    select(ServiceObject.id).where(ServiceObject.name == HOUSEHOLD)
                )
                issued = await issue_code(uow, CITY_SYSTEM, service_object_id=household)
                await bind_by_code(uow, user_id, issued.code, f"农户{user_id}", now=utcnow())


async def drafts_since(deps: BotDeps, last_id: int) -> tuple[int, list[str]]:
    """The newest request id, and the descriptions of the drafts written after `last_id`."""
    async with deps.uow() as uow:
        rows = (
            await uow.session.execute(
                select(ServiceRequest.id, ServiceRequest.description).where(ServiceRequest.id > last_id)
            )
        ).all()
        newest = await uow.session.scalar(select(func.max(ServiceRequest.id)))
    return int(newest or 0), [row.description for row in rows]


async def measure(url: str, count: int, concurrency: int) -> tuple[float, float]:
    texts = problem_texts(count + 10 * concurrency)
    warm_up, texts = texts[: 10 * concurrency], texts[10 * concurrency :]
    users = [FARMER_USER_ID + n for n in range(concurrency)]
    errors = ErrorCount()
    logging.getLogger().addHandler(errors)
    async with bot_deps(DatabaseSettings(database_url=url), NluSettings(rasa_url=None)) as deps:
        freeze_start_up_heap()  # as jingfu run does
        await prepare(url, deps, users)
        session = OfflineSession()
        bot: Bot = create_bot("42:BENCH-bench-bench-bench-bench-bench", session=session)
        dispatcher = create_dispatcher(deps)
        feeder = Feeder()

        async def intake(user_id: int, text: str) -> None:
            # Each message must start a new intake, not answer the previous one's follow-up question.
            await dispatcher.fsm.get_context(bot, chat_id=user_id, user_id=user_id).clear()
            await dispatcher.feed_update(bot, feeder.update(user_id, text))

        echo = echo_dispatcher()

        async def plain_echo(user_id: int, text: str) -> None:
            await echo.feed_update(bot, feeder.update(user_id, text))

        await rate("warm-up intake", warm_up, users, intake, session)
        await rate("warm-up echo", warm_up, users, plain_echo, session)
        echo_rate = await rate("echo", texts, users, plain_echo, session)
        last_id, _ = await drafts_since(deps, 0)
        intake_rate = await rate("intake", texts, users, intake, session)
        _, written = await drafts_since(deps, last_id)
    logging.getLogger().removeHandler(errors)
    if errors.records:
        first = errors.records[0]
        cause = first.exc_info[1] if first.exc_info else None
        raise SystemExit(f"{len(errors.records)} errors logged, the first: {first.getMessage()}: {cause}")
    # A failing handler still answers (the error reply), so count the drafts, not the replies.
    if Counter(written) != Counter(texts):
        raise SystemExit(
            f"intake wrote {len(written)} drafts for {len(texts)} messages: the intake is broken"
        )
    return intake_rate, echo_rate


# (label, owner, attribute): what --breakdown times, in the order printed; indented labels are parts of
# the one above. Module attributes are looked up at call time, so wrapping them reaches the callers.
PARTS: list[tuple[str, object, str]] = [
    ("context middleware, handler included", ContextMiddleware, "__call__"),
    ("  claim the update id + identify the sender", core.updates, "claim_and_identify"),
    ("  start_intake (the handler's work)", dialogs.intake, "start_intake"),
    ("    screening (nlu/)", dialogs.intake, "screen_text"),
    ("    create the draft (insert + commit)", core.requests, "create_draft"),
    ("      commit (ORM flush + COMMIT)", UnitOfWork, "commit"),
    ("    ask for the next field (FSM, keyboard, reply)", dialogs.intake, "ask_next"),
    ("  close the unit of work", UnitOfWork, "__aexit__"),
    ("each reply (Message.answer), all of them", Message, "answer"),
]


@contextmanager
def timed(parts: list[tuple[str, object, str]], totals: dict[str, float]) -> Iterator[None]:
    """Wrap each part's coroutine function with a wall-clock timer adding into totals[label]."""
    originals = [(owner, name, getattr(owner, name)) for _, owner, name in parts]

    def timer(label: str, function: Callable[..., Awaitable[object]]) -> Callable[..., Awaitable[object]]:
        @functools.wraps(function)
        async def run(*args: object, **kwargs: object) -> object:
            started = time.perf_counter()
            try:
                return await function(*args, **kwargs)
            finally:
                totals[label] = totals.get(label, 0.0) + time.perf_counter() - started

        return run

    try:
        for (label, owner, name), (_, _, function) in zip(parts, originals, strict=True):
            setattr(owner, name, timer(label, function))
        yield
    finally:
        for owner, name, function in originals:
            setattr(owner, name, function)


async def breakdown(url: str, count: int) -> None:
    """Sequential intake with its parts timed, then echo; prints ms per update."""
    texts = problem_texts(count + 100)
    warm_up, texts = texts[:100], texts[100:]
    users = [FARMER_USER_ID]
    async with bot_deps(DatabaseSettings(database_url=url), NluSettings(rasa_url=None)) as deps:
        freeze_start_up_heap()  # as jingfu run does
        await prepare(url, deps, users)
        session = OfflineSession()
        bot: Bot = create_bot("42:BENCH-bench-bench-bench-bench-bench", session=session)
        feeder = Feeder()
        totals: dict[str, float] = {}
        nlu_parse = deps.nlu.parse

        async def parse(text: str) -> ParseResult:  # the engine instance's own method: timed here
            started = time.perf_counter()
            try:
                return await nlu_parse(text)
            finally:
                totals["    embedded NLU (nlu/)"] = totals.get("    embedded NLU (nlu/)", 0.0) + (
                    time.perf_counter() - started
                )

        with timed(PARTS, totals):  # wrapped before the dispatcher registers the middleware
            dispatcher = create_dispatcher(deps)
            deps.nlu.parse = parse  # type: ignore[method-assign]

            async def intake(user_id: int, text: str) -> None:
                await dispatcher.fsm.get_context(bot, chat_id=user_id, user_id=user_id).clear()
                started = time.perf_counter()
                await dispatcher.feed_update(bot, feeder.update(user_id, text))
                totals["whole update (feed_update)"] = totals.get("whole update (feed_update)", 0.0) + (
                    time.perf_counter() - started
                )

            await rate("warm-up intake", warm_up, users, intake, session)
            totals.clear()
            await rate("intake", texts, users, intake, session)
        deps.nlu.parse = nlu_parse  # type: ignore[method-assign]
        echo = echo_dispatcher()

        async def plain_echo(user_id: int, text: str) -> None:
            await echo.feed_update(bot, feeder.update(user_id, text))

        await rate("warm-up echo", warm_up, users, plain_echo, session)
        echo_rate = await rate("echo", texts, users, plain_echo, session)
    order = ["whole update (feed_update)"] + [label for label, _, _ in PARTS]
    order.insert(order.index("    create the draft (insert + commit)"), "    embedded NLU (nlu/)")
    print(f"{url.split(':', 1)[0]}, {len(texts)} updates one after another, ms per update:")
    for label in order:
        print(f"  {totals.get(label, 0.0) / len(texts) * 1000:7.3f}  {label}")
    print(f"  {1000 / echo_rate:7.3f}  echo update, for reference")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--messages", type=int, default=500)
    parser.add_argument(
        "--concurrency",
        type=int,
        action="append",
        help="updates in flight, one farmer each; repeatable; default: 1 (sequential) and 32",
    )
    parser.add_argument(
        "--database-url", action="append", help="repeatable; default: temp SQLite and " + POSTGRES
    )
    parser.add_argument(
        "--breakdown", action="store_true", help="time the parts of a sequential intake update instead"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        urls = args.database_url or [f"sqlite+aiosqlite:///{Path(folder) / 'bench.sqlite3'}", POSTGRES]
        for url in urls:
            if args.breakdown:
                asyncio.run(breakdown(url, args.messages))
                continue
            for concurrency in args.concurrency or [1, 32]:
                intake_rate, echo_rate = asyncio.run(measure(url, args.messages, concurrency))
                backend = url.split(":", 1)[0]
                ratio = intake_rate / echo_rate
                verdict = "meets" if ratio >= 0.4 else "misses"
                print(
                    f"{backend:>20} c={concurrency:<3}: intake {intake_rate:8.1f} upd/s   "
                    f"echo {echo_rate:8.1f} upd/s   ratio {ratio:.2f} ({verdict} the 0.4 goal)",
                    flush=True,
                )


if __name__ == "__main__":
    main()
