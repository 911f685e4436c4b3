"""The bot works in private chats only: nothing of a farmer's or an expert's is said in a group, and
nothing said in a group is taken as theirs."""

from __future__ import annotations

from datetime import UTC, datetime

from aiogram.types import CallbackQuery, Chat, Message, Update
from sqlalchemy import func, select

from storage.models import ServiceRequest, ThreadMessage
from tests.bot.conftest import EXPERT, FARMER
from tests.bot.harness import Harness, texts
from tests.bot.test_expert_side import _in_service

GROUP = -100123


def _in_group(h: Harness, update_id: int, user_id: int, text: str) -> Update:
    message = Message(
        message_id=update_id,
        date=datetime.now(UTC),
        chat=Chat(id=GROUP, type="supergroup", title="村里的群"),
        from_user=h.user(user_id),
        text=text,
    )
    return Update(update_id=update_id, message=message)


async def _count(h: Harness, model: type) -> int:
    async with h.deps.uow() as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(model)) or 0)


async def test_a_group_gets_nothing_but_a_pointer_to_the_private_chat(harness: Harness) -> None:
    h = harness
    request_id = await _in_service(h)
    await h.pump()
    drafts, said = await _count(h, ServiceRequest), await _count(h, ThreadMessage)

    sent = await h.feed(_in_group(h, 900_001, FARMER, "我家玉米叶子发黄，怎么办"))
    sent += await h.feed(_in_group(h, 900_002, EXPERT, "建议喷施磷酸二氢钾"))
    assert sent == []  # no intake in the group, no relay of the expert's words to the farmer
    assert (await _count(h, ServiceRequest), await _count(h, ThreadMessage)) == (drafts, said)

    sent = await h.feed(_in_group(h, 900_003, FARMER, "/start"))
    assert texts(sent) == [
        "为保护农户和专家的信息，精服只在私聊中使用：请点开机器人的头像，在私聊里发送 /start。"
    ]
    assert all(getattr(m, "chat_id", None) == GROUP for m in sent)

    query = CallbackQuery(
        id="cq-group",
        from_user=h.user(FARMER),
        chat_instance="group",
        data=f"rq:{request_id}:open",
        message=Message(message_id=5, date=datetime.now(UTC), chat=Chat(id=GROUP, type="group")),
    )
    assert await h.feed(Update(update_id=900_004, callback_query=query)) == []


async def test_the_private_chat_still_works(harness: Harness) -> None:
    request_id = await _in_service(harness)
    await harness.pump()
    sent = await harness.say(FARMER, "叶子背面也有")
    assert any("叶子背面也有" in text for text in texts(sent, EXPERT)), request_id
