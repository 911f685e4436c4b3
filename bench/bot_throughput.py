"""Bot throughput: a farmer's free-text intake message against a plain aiogram echo, in one process.

    .venv/bin/python bench/bot_throughput.py [--messages N] [--database-url URL ...]

Intake is the real Dispatcher (de-duplication, context, screening, embedded NLU, a draft written to
the database, the reply) fed one distinct problem description per update by a bound farmer; echo is
a bare Dispatcher whose one handler answers the text. Both run on the same OfflineSession, so
neither pays for the network. Default databases: a temporary SQLite file and PostgreSQL (`root`).
Prints updates/s for each and the ratio (goal: intake ≥ 0.4 × echo).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import random
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

from aiogram import Bot, Dispatcher, Router
from aiogram.types import Chat, Message, Update, User
from sqlalchemy import func, select
from tqdm import tqdm

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.deps import BotDeps
from bot.factory import create_bot, create_dispatcher
from bot.offline_session import OfflineSession
from bot.wiring import bot_deps
from core.binding import bind_by_phone, identify
from core.seed.demo import seed_demo
from jingfu.settings import DatabaseSettings, NluSettings
from storage import migrate
from storage.models import ServiceRequest

POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/root"
FARMER_USER_ID = 9_000_001
FARMER_PHONE = "13904781002"  # 王秀兰, on the 王二牛 household's roster in the demo seed
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
    """Text updates from one user; update ids start high so reruns on one database stay distinct."""

    def __init__(self, user_id: int) -> None:
        self.user = User(id=user_id, is_bot=False, first_name="王秀兰", language_code="zh-hans")
        self.ids = itertools.count(time.time_ns() // 1000)

    def update(self, text: str) -> Update:
        n = next(self.ids)
        message = Message(
            message_id=n % 2_000_000_000,
            date=datetime.now(UTC),
            chat=Chat(id=self.user.id, type="private"),
            from_user=self.user,
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


async def rate(
    label: str, texts: list[str], feed: Callable[[str], Awaitable[object]], session: OfflineSession
) -> float:
    started = time.perf_counter()
    for text in tqdm(texts, desc=label, unit="upd", leave=False):
        await feed(text)
    elapsed = time.perf_counter() - started
    replies = len(session.take())
    if replies < len(texts):
        raise SystemExit(
            f"{label}: only {replies} replies to {len(texts)} updates; the handler did not answer"
        )
    return len(texts) / elapsed


async def prepare(url: str, deps: BotDeps) -> None:
    await migrate.upgrade(url)
    async with deps.uow() as uow:
        await seed_demo(uow)
    async with deps.uow() as uow:
        if (await identify(uow, FARMER_USER_ID)).farmer is None:
            await bind_by_phone(uow, FARMER_USER_ID, FARMER_PHONE, "王秀兰")


async def drafts(deps: BotDeps) -> int:
    async with deps.uow() as uow:
        farmer = (await identify(uow, FARMER_USER_ID)).farmer
        assert farmer is not None
        query = select(func.count()).where(ServiceRequest.farmer_id == farmer.id)
        return int(await uow.session.scalar(query) or 0)


async def measure(url: str, count: int) -> tuple[float, float]:
    texts = problem_texts(count + 10)
    warm_up, texts = texts[:10], texts[10:]
    async with bot_deps(DatabaseSettings(database_url=url), NluSettings(rasa_url=None)) as deps:
        await prepare(url, deps)
        session = OfflineSession()
        bot: Bot = create_bot("42:BENCH-bench-bench-bench-bench-bench", session=session)
        dispatcher = create_dispatcher(deps)
        feeder = Feeder(FARMER_USER_ID)
        state = dispatcher.fsm.get_context(bot, chat_id=FARMER_USER_ID, user_id=FARMER_USER_ID)

        async def intake(text: str) -> None:
            # Each message must start a new intake, not answer the previous one's follow-up question.
            await state.clear()
            await dispatcher.feed_update(bot, feeder.update(text))

        echo = echo_dispatcher()

        async def plain_echo(text: str) -> None:
            await echo.feed_update(bot, feeder.update(text))

        for text in warm_up:
            await intake(text)
            await plain_echo(text)
        session.take()
        echo_rate = await rate("echo", texts, plain_echo, session)
        before = await drafts(deps)
        intake_rate = await rate("intake", texts, intake, session)
        created = await drafts(deps) - before
    if created != len(texts):
        # A failing handler still answers (the error reply), so count the drafts, not the replies.
        raise SystemExit(f"intake created {created} drafts for {len(texts)} messages: the intake is broken")
    return intake_rate, echo_rate


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--messages", type=int, default=500)
    parser.add_argument(
        "--database-url", action="append", help="repeatable; default: temp SQLite and " + POSTGRES
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        urls = args.database_url or [f"sqlite+aiosqlite:///{Path(folder) / 'bench.sqlite3'}", POSTGRES]
        for url in urls:
            intake_rate, echo_rate = asyncio.run(measure(url, args.messages))
            backend = url.split(":", 1)[0]
            ratio = intake_rate / echo_rate
            verdict = "meets" if ratio >= 0.4 else "misses"
            print(
                f"{backend:>20}: intake {intake_rate:8.1f} upd/s   echo {echo_rate:8.1f} upd/s   "
                f"ratio {ratio:.2f} ({verdict} the 0.4 goal)"
            )


if __name__ == "__main__":
    main()
