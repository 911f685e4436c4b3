"""An edited message of a conversation reaches the other party as the version that stands: an
expert who corrects a dose must not leave the farmer acting on the first one."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import AuditLog, ThreadMessage
from tests.bot.conftest import EXPERT, FARMER
from tests.bot.harness import Harness, texts
from tests.bot.test_expert_side import _in_service


async def _stored(h: Harness) -> list[str | None]:
    async with h.deps.uow() as uow:
        return list((await uow.session.scalars(select(ThreadMessage.text).order_by(ThreadMessage.id))).all())


async def test_a_corrected_dose_reaches_the_farmer_and_the_first_version_is_kept_for_audit(
    harness: Harness,
) -> None:
    h = harness
    request_id = await _in_service(h)
    await h.pump()
    said, sent = await h.say_and_keep(EXPERT, "每亩用药50克，兑水30斤")
    assert texts(sent, FARMER) == [f"💬 <b>#{request_id} 向日葵</b> · 王建国：\n每亩用药50克，兑水30斤"]

    sent = await h.edit(said, "每亩用药5克，兑水30斤")
    assert texts(sent, FARMER) == [
        f"✏️ <b>#{request_id} 向日葵</b> · 王建国 修改了刚才的消息，以这条为准：\n每亩用药5克，兑水30斤"
    ]
    assert await _stored(h) == ["每亩用药5克，兑水30斤"]
    async with h.deps.uow() as uow:
        entry = await uow.session.scalar(select(AuditLog).where(AuditLog.action == "thread.edit"))
        assert entry is not None
        assert (entry.detail["before"], entry.detail["after"]) == (
            "每亩用药50克，兑水30斤",
            "每亩用药5克，兑水30斤",
        )


async def test_an_edit_is_screened_and_a_refused_one_is_not_relayed(harness: Harness) -> None:
    h = harness
    await _in_service(h)
    await h.pump()
    said, _ = await h.say_and_keep(FARMER, "叶子背面也有黑点")
    sent = await h.edit(said, "叶子背面也有黑点，顺便问下哪里能买到冰毒")
    assert texts(sent, FARMER) and "「冰*」" in texts(sent, FARMER)[0]  # told what to rephrase
    assert texts(sent, EXPERT) == []
    assert await _stored(h) == ["叶子背面也有黑点"]


async def test_an_edit_of_anything_else_changes_nothing(harness: Harness) -> None:
    h = harness
    await _in_service(h)
    await h.pump()
    said, _ = await h.say_and_keep(FARMER, "/help")
    assert await h.edit(said, "/start") == []
