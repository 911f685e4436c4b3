"""Random conversations through the real Dispatcher never end in "something went wrong".

A farmer, a park's member and two experts press whatever buttons they were last shown (reply
keyboards and inline buttons alike, old ones too), type menu texts, commands, problems, photos and
locations, while the reviewer approves, time passes and the pushes go out. Every update must be
answered by a handler on purpose: the generic error reply (a handler raised) and errors in the log
are faults.
"""

from __future__ import annotations

import logging
import random
from typing import Any

import pytest
from aiogram.methods import TelegramMethod

from core import requests
from core.review_queue import pending_review
from core.scope import CITY_SYSTEM
from tests.bot.conftest import EXPERT, EXPERT_2, EXPERT_2_PHONE, EXPERT_PHONE, FARMER, FARMER_PHONE
from tests.bot.harness import Harness, alerts, buttons, texts
from tests.bot.test_expert_side import _in_service
from tests.bot.test_park_offers import PARK_HEAD, PARK_HEAD_PHONE

GENERIC = "抱歉，刚才出了点问题"
PEOPLE = (FARMER, PARK_HEAD, EXPERT, EXPERT_2)
WORDS = [
    "我家葵花叶子发黄还有黑斑，种了20亩",
    "羊拉稀，十几只不吃草",
    "番茄裂果怎么办",
    "谢谢专家",
    "好的",
    "？",
    "/start",
    "/menu",
    "/help",
    "/balance",
    "/language",
    "补充一下，叶子背面也有小虫子",
    "用多少药？pH<7 & 温度>30",
    "字" * 3000,
]


class ErrorLog(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


async def _act(
    h: Harness, rng: random.Random, who: int, shown: dict[int, list[tuple[str, str]]]
) -> list[Any]:
    choice = rng.random()
    labels = shown.get(who, [])
    inline = [(label, data) for label, data in labels if data]  # what moves a conversation on
    if inline and choice < 0.6:
        return await h.press(who, rng.choice(inline)[1])
    if labels and choice < 0.7:  # the menu, or an old button
        label, data = rng.choice(labels)
        return await (h.press(who, data) if data else h.say(who, label))
    if choice < 0.85:
        return await h.say(who, rng.choice(WORDS))
    if choice < 0.93:
        return await h.photo(who, f"photo-{rng.randrange(1000)}")
    return await h.location(who, 40.75, 107.4)


async def _review(h: Harness, rng: random.Random) -> None:
    async with h.deps.uow() as uow:
        waiting = await pending_review(uow, CITY_SYSTEM)
    for item in waiting:
        async with h.deps.uow() as uow:
            if rng.random() < 0.8:
                await requests.approve(uow, item.id, CITY_SYSTEM, now=h.deps.clock())
                await uow.commit()
            else:
                await requests.reject(uow, item.id, CITY_SYSTEM, reason="请补充照片")
                await uow.commit()


# Even seeds start from nothing; odd ones from a request in service, so that conversations,
# completion and rating are walked through as often as the intake.
@pytest.mark.parametrize("seed", range(10))
async def test_random_conversations_never_fail(harness: Harness, seed: int) -> None:
    h, rng = harness, random.Random(seed)
    errors = ErrorLog()
    logging.getLogger().addHandler(errors)
    try:
        shown: dict[int, list[tuple[str, str]]] = {}
        if seed % 2:
            await _in_service(h)
            await h.pump()
            shown[EXPERT] = buttons(await h.say(EXPERT, "📋 待办请求"), EXPERT)  # with Complete
        else:
            await h.contact(FARMER, FARMER_PHONE)
            await h.contact(EXPERT, EXPERT_PHONE)
        await h.contact(EXPERT_2, EXPERT_2_PHONE)
        await h.contact(PARK_HEAD, PARK_HEAD_PHONE)  # experts' offers to the park reach them
        everything: list[TelegramMethod[Any]] = []
        latest = FARMER  # whoever was last shown buttons mostly acts next, as people answer a card
        for _ in range(150):
            who = latest if rng.random() < 0.6 else rng.choice(PEOPLE)
            sent = await _act(h, rng, who, shown)
            if rng.random() < 0.2:
                await _review(h, rng)
            sent += await h.pump()
            everything += sent
            for person in PEOPLE:
                offered = buttons(sent, person)
                if offered:
                    shown[person] = offered
                    latest = person
        generic = [text for text in texts(everything) + alerts(everything) if GENERIC in text]
        assert generic == [], generic
        assert errors.records == [], [(r.getMessage(), r.exc_info) for r in errors.records[:3]]
    finally:
        logging.getLogger().removeHandler(errors)
