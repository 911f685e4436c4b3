"""How long the first farmer's message waits after the bot starts (issue 17: 4.4 s).

    .venv/bin/python bench/first_message.py [--runs 3]

Each run is a fresh process (nothing is imported or built before it) on a new SQLite file: the
database is prepared as `jingfu run` finds it, then the clock starts with the bot's start-up as
`jingfu run` does it (`bot.wiring.bot_deps`, the Dispatcher) and prints how long the start-up took,
the first farmer's problem and a second one, each fed through the real Dispatcher on the offline
Bot API session. The NLU model's disk cache is kept (as on a server that has run before).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

FIRST = "我家葵花叶子发黄还有黑斑，种了20亩，现在是开花期"
SECOND = "我养了30只羊，最近有5只拉稀不吃草，请专家看看"


async def _one(url: str) -> dict[str, float]:
    from bot_throughput import FARMER_USER_ID, Feeder, prepare

    from bot.factory import create_bot
    from bot.offline_session import OfflineSession
    from bot.wiring import bot_deps
    from jingfu.bot_app import create_dispatcher
    from jingfu.settings import DatabaseSettings, NluSettings
    from storage import migrate
    from storage.engine import create_engine, create_session_factory

    await migrate.upgrade(url)
    engine = create_engine(url)
    from bot.deps import BotDeps
    from nlu.embedded.engine import EmbeddedEngine
    from nlu.screening import Screener
    from render.i18n import Catalog

    # The demo's farmer is bound beforehand with the cheapest deps that can write (no parse, no screen).
    unused = Screener.__new__(Screener)
    seed_deps = BotDeps(create_session_factory(engine), EmbeddedEngine(), unused, Catalog({}))
    await prepare(url, seed_deps, [FARMER_USER_ID])
    await engine.dispose()

    started = time.perf_counter()
    async with bot_deps(DatabaseSettings(database_url=url), NluSettings(rasa_url=None)) as deps:
        bot = create_bot("42:BENCH", session=OfflineSession())
        dispatcher = create_dispatcher(deps)
        ready = time.perf_counter()
        feeder = Feeder()
        await dispatcher.feed_update(bot, feeder.update(FARMER_USER_ID, FIRST))
        first = time.perf_counter()
        await dispatcher.feed_update(bot, feeder.update(FARMER_USER_ID, SECOND))
        second = time.perf_counter()
        await bot.session.close()
    return {"start_up_s": ready - started, "first_s": first - ready, "second_s": second - first}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--one", help=argparse.SUPPRESS)  # a child run on this SQLite file
    args = parser.parse_args()
    if args.one:
        print(json.dumps(asyncio.run(_one(f"sqlite+aiosqlite:///{args.one}"))))
        return
    for n in range(args.runs):
        with tempfile.TemporaryDirectory() as folder:
            out = subprocess.run(
                [sys.executable, __file__, "--one", str(Path(folder) / "bench.sqlite3")],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
        figures = json.loads(out.strip().splitlines()[-1])
        print(f"run {n + 1}: " + ", ".join(f"{k} {v:.2f}" for k, v in figures.items()))


if __name__ == "__main__":
    main()
