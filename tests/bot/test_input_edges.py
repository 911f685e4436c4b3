"""What PostgreSQL refuses and SQLite takes: NUL bytes and lone surrogates in a person's text, and
ids in button data beyond any row's range.

Telegram's JSON can carry both ("\\u0000", an unpaired "\\ud800"); PostgreSQL refuses to store
either, so the farmer used to get the generic error and lose the message. The bot now cleans every
update as it enters (bot.clean_input), says so, and keeps the rest of the text. Ids out of range
used to reach the database ("value out of int32 range"); a button whose data cannot be a real one
now gets the same answer as any stale button.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from aiogram.filters.callback_data import CallbackData
from aiogram.methods import TelegramMethod
from aiogram.types import Update
from sqlalchemy import select

import render.callbacks
from bot.clean_input import cleaned
from storage.models import Rating, ServiceRequest, ThreadMessage
from tests.bot.conftest import EXPERT, FARMER
from tests.bot.harness import Harness, alerts, texts
from tests.bot.test_expert_side import _in_service
from tests.bot.test_farmer_story import bind_both

CLEANED = "我们去掉了消息里无法保存的不可见字符（其余内容照常收到）。"
GENERIC = "抱歉，刚才出了点问题，请稍后再试。您的信息没有丢失。"
GONE = "这个按钮已失效，请从菜单重新开始。"


async def say_as_json(h: Harness, user_id: int, text: str) -> list[TelegramMethod[Any]]:
    """A text message as Telegram's JSON carries it: a lone surrogate arrives as the escape
    `\\ud800`, which json.loads turns into a str no UTF-8 encoder accepts."""
    update_id = 900_000 + next(h._update_ids)
    raw = json.dumps(
        {
            "update_id": update_id,
            "message": {
                "message_id": next(h._message_ids),
                "date": int(datetime.now(UTC).timestamp()),
                "chat": {"id": user_id, "type": "private"},
                "from": {"id": user_id, "is_bot": False, "first_name": "用户", "language_code": "zh-hans"},
                "text": text,
            },
        }
    )
    assert "\\ud800" in raw or "\\u0000" in raw  # what travels is the escape, not the character
    return await h.feed(Update.model_validate(json.loads(raw), context={"bot": h.bot}))


async def test_a_problem_with_a_nul_and_a_lone_surrogate_is_kept_with_them_cleaned(harness: Harness) -> None:
    h = harness
    await bind_both(h)
    sent = await say_as_json(h, FARMER, "我家葵花叶子发黄\x00还有黑斑，种了20亩\ud800，现在是开花期")
    said = texts(sent, FARMER)
    assert said[0] == CLEANED
    assert GENERIC not in said and len(said) > 1  # the intake carried on with the cleaned text
    async with h.deps.uow() as uow:
        draft = await uow.session.get(ServiceRequest, await h.latest_request_id())
        assert draft is not None
        assert draft.description == "我家葵花叶子发黄还有黑斑，种了20亩\ufffd，现在是开花期"


async def test_a_clean_message_gets_no_note(harness: Harness) -> None:
    h = harness
    await bind_both(h)
    sent = await say_as_json(h, FARMER, "我家葵花叶子发黄还有黑斑\x00")
    assert texts(sent, FARMER)[0] == CLEANED
    sent = await h.say(FARMER, "我家玉米叶子上有红色的斑点，种了50亩")
    assert CLEANED not in texts(sent, FARMER)


async def test_a_thread_message_with_a_nul_reaches_the_expert_and_is_stored(harness: Harness) -> None:
    h = harness
    request_id = await _in_service(h)
    await h.pump()
    sent = await h.say(FARMER, "叶子背面\x00也有小虫子")
    assert texts(sent, FARMER) == [CLEANED]
    assert texts(sent, EXPERT) == [f"💬 <b>#{request_id} 向日葵</b> · 王二牛：\n叶子背面也有小虫子"]
    async with h.deps.uow() as uow:
        stored = (await uow.session.scalars(select(ThreadMessage.text))).all()
    assert stored == ["叶子背面也有小虫子"]


async def test_an_edited_thread_message_with_a_nul_is_cleaned_too(harness: Harness) -> None:
    h = harness
    await _in_service(h)
    await h.pump()
    message, _ = await h.say_and_keep(FARMER, "叶子背面有虫")
    sent = await h.edit(message, "叶子背面有小虫\x00子")
    assert texts(sent, FARMER)[0] == CLEANED
    assert GENERIC not in texts(sent)
    async with h.deps.uow() as uow:
        stored = (await uow.session.scalars(select(ThreadMessage.text))).all()
    assert "\x00" not in "".join(t or "" for t in stored)


async def test_a_rating_comment_with_a_nul_is_stored_cleaned(harness: Harness) -> None:
    h = harness
    request_id = await _in_service(h)
    await h.press(EXPERT, f"cp:{request_id}:video")  # the mode the farmer chose
    await h.pump()
    await h.press(FARMER, f"rt:{request_id}:5")
    sent = await h.say(FARMER, "专家很耐心\x00，谢谢")
    assert texts(sent) == [CLEANED, "谢谢您的评价！"]
    async with h.deps.uow() as uow:
        rating = await uow.session.scalar(select(Rating))
    assert rating is not None and rating.comment == "专家很耐心，谢谢"


async def test_a_name_with_a_nul_binds_with_the_name_cleaned(harness: Harness) -> None:
    h = harness
    update = Update.model_validate(
        {
            "update_id": 777,
            "message": {
                "message_id": 1,
                "date": int(datetime.now(UTC).timestamp()),
                "chat": {"id": FARMER, "type": "private"},
                "from": {"id": FARMER, "is_bot": False, "first_name": "二\x00牛\ud800"},
                "contact": {"phone_number": "+8613904781001", "first_name": "x\x00", "user_id": FARMER},
            },
        },
        context={"bot": h.bot},
    )
    sent = await h.feed(update)
    assert texts(sent)[0] == CLEANED and GENERIC not in texts(sent)


def _callback_classes() -> list[type[CallbackData]]:
    found = [
        value
        for value in vars(render.callbacks).values()
        if isinstance(value, type) and issubclass(value, CallbackData) and value is not CallbackData
    ]
    assert len(found) >= 17
    return found


def _forged(cls: type[CallbackData], field: str, value: int) -> str:
    """The class's data with `field` set to `value` and plausible values elsewhere."""
    parts = []
    for name, info in cls.model_fields.items():
        if name == field:
            parts.append(str(value))
        elif info.annotation in (int, "int"):
            parts.append("1")
        else:
            parts.append({"action": "confirm", "mode": "online", "code": "plant"}.get(name, "x"))
    return cls.__separator__.join([cls.__prefix__, *parts])


FORGED = [
    _forged(cls, name, value)
    for cls in _callback_classes()
    for name, info in cls.model_fields.items()
    if info.annotation in (int, "int")
    for value in (99_999_999_999, 2**63, -1)
]


def test_every_callback_with_an_int_is_forged() -> None:
    prefixes = {data.split(":")[0] for data in FORGED}
    assert {"in", "rq", "iv", "ex", "md", "rt", "tp", "of", "or", "qp", "wt", "sp", "dc", "cp"} <= prefixes


@pytest.mark.parametrize("who", [FARMER, EXPERT])
async def test_a_button_with_an_id_out_of_range_is_a_stale_button(harness: Harness, who: int) -> None:
    h = harness
    await bind_both(h)
    answers = {data: await h.press(who, data) for data in FORGED}
    wrong = {data: texts(sent) for data, sent in answers.items() if alerts(sent) != [GONE]}
    assert wrong == {}


def test_a_raw_update_is_cleaned_before_it_is_stored_or_parsed() -> None:
    """For whoever keeps raw updates (a retry queue in PostgreSQL refuses them just the same)."""
    raw = {"update_id": 1, "message": {"text": "a\x00b\ud800", "entities": [{"type": "bold"}]}}
    assert cleaned(raw) == {"update_id": 1, "message": {"text": "ab\ufffd", "entities": [{"type": "bold"}]}}
    untouched = {"update_id": 2, "message": {"text": "好"}}
    assert cleaned(untouched) is untouched
