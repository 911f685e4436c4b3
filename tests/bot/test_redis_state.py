"""With REDIS_URL, a half-filled intake survives a restart of the bot (real Redis on this machine)."""

from __future__ import annotations

import uuid

from bot.deps import BotDeps
from bot.factory import fsm_storage
from jingfu.settings import RedisSettings
from tests.bot.conftest import FARMER, FARMER_PHONE
from tests.bot.harness import Harness, texts

REDIS_URL = "redis://127.0.0.1:6379/0"


async def test_a_half_filled_form_survives_a_restart(deps: BotDeps) -> None:
    storage = fsm_storage(REDIS_URL, RedisSettings())
    # Isolate this run's keys: the Redis server is shared with whatever else runs on the machine.
    storage.key_builder.prefix = f"jingfu-test-{uuid.uuid4().hex}"  # type: ignore[attr-defined]
    before = await Harness.build(deps, storage=storage)
    await before.contact(FARMER, FARMER_PHONE)
    sent = await before.say(FARMER, "羊羔拉稀不吃奶")
    assert "是什么" not in " ".join(texts(sent))  # livestock understood; the bot asks for photos
    await before.bot.session.close()

    restarted_storage = fsm_storage(REDIS_URL, RedisSettings())
    restarted_storage.key_builder.prefix = storage.key_builder.prefix  # type: ignore[attr-defined]
    after = await Harness.build(deps, storage=restarted_storage)
    after._update_ids = before._update_ids  # Telegram keeps counting across the restart
    sent = await after.location(FARMER, 40.75, 107.4)
    assert texts(sent) == ["位置已收到。"]  # still inside the same intake form
    await after.bot.session.close()
    await storage.close()
    await restarted_storage.close()
