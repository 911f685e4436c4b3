"""A farmer who writes again while a request waits for review or for the expert is asked whether it
is about that request, instead of being walked into a new problem."""

from __future__ import annotations

from sqlalchemy import func, select

from core.binding import identify
from render.callbacks import WaitingCb
from storage.models import AuditLog, ServiceRequest
from tests.bot.conftest import EXPERT, FARMER
from tests.bot.harness import Harness, buttons, texts
from tests.bot.test_farmer_story import approve, bind_both, describe_and_submit


async def _requests(h: Harness) -> int:
    async with h.deps.uow() as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(ServiceRequest)) or 0)


async def test_an_addition_before_review_joins_the_request(harness: Harness) -> None:
    h = harness
    await bind_both(h)
    request_id = await describe_and_submit(h)
    count = await _requests(h)
    sent = await h.say(FARMER, "补充一下，叶子背面也有小虫子")
    assert texts(sent) == [
        f"您的请求 #{request_id}（向日葵）正在等待审核。这条消息是补充给这个请求，还是一个新问题？"
    ]
    assert [label for label, _ in buttons(sent)] == ["🆕 这是一个新问题", f"➕ 补充到请求 #{request_id}"]
    sent = await h.press(FARMER, WaitingCb(request_id=request_id, action="add").pack())
    assert texts(sent) == [f"已补充到请求 #{request_id}，审核时会一并看到。"]
    assert await _requests(h) == count  # no new draft
    async with h.deps.uow() as uow:
        request = await uow.session.get(ServiceRequest, request_id)
        assert request is not None and request.description.endswith("\n补充一下，叶子背面也有小虫子")
        actions = (await uow.session.scalars(select(AuditLog.action))).all()
        assert "request.supplement" in actions
    # The button's job is done: pressed again, it says so instead of adding twice.
    again = await h.press(FARMER, WaitingCb(request_id=request_id, action="add").pack())
    assert texts(again) == ["这条消息已经处理过了。还有要补充或新的问题，直接发送即可。"]
    async with h.deps.uow() as uow:
        request = await uow.session.get(ServiceRequest, request_id)
        assert request is not None and request.description.count("小虫子") == 1


async def test_a_new_problem_while_one_waits_starts_its_own_intake(harness: Harness) -> None:
    h = harness
    await bind_both(h)
    request_id = await describe_and_submit(h)
    count = await _requests(h)
    # The same crop (another field of it): it may be about the request, so the farmer is asked
    await h.say(FARMER, "另一块地的葵花叶子上有红色的斑点，种了50亩")
    sent = await h.press(FARMER, WaitingCb(request_id=request_id, action="new").pack())
    assert texts(sent)[0] == "好的，按新问题处理。"
    assert await _requests(h) == count + 1
    async with h.deps.uow() as uow:
        newest = await uow.session.get(ServiceRequest, await h.latest_request_id())
        assert newest is not None and newest.description == "另一块地的葵花叶子上有红色的斑点，种了50亩"


async def test_after_approval_the_farmer_learns_whom_the_request_waits_for(harness: Harness) -> None:
    h = harness
    await bind_both(h)
    request_id = await describe_and_submit(h)
    await approve(h, request_id)
    await h.pump()
    count = await _requests(h)
    sent = await h.say(FARMER, "专家什么时候能回复我？叶子越来越黄了")
    assert "已通过审核，正在等待 王建国 专家接受" in texts(sent)[0]
    assert [label for label, _ in buttons(sent)] == ["🆕 这是一个新问题", "不是，等专家接受"]
    sent = await h.press(FARMER, WaitingCb(request_id=request_id, action="keep").pack())
    assert texts(sent) == [f"好的。请求 #{request_id} 的专家接受后，您发的消息会直接转给专家。"]
    assert await _requests(h) == count


async def test_an_addition_after_review_is_not_added(harness: Harness) -> None:
    h = harness
    await bind_both(h)
    request_id = await describe_and_submit(h)
    await h.say(FARMER, "补充一下，叶子背面也有小虫子")
    await approve(h, request_id)  # the reviewer was quicker than the farmer's tap
    sent = await h.press(FARMER, WaitingCb(request_id=request_id, action="add").pack())
    assert texts(sent) == [
        f"请求 #{request_id} 已经审核过了，不能再补充。专家接受后，可以直接把这些告诉专家。"
    ]
    async with h.deps.uow() as uow:
        request = await uow.session.get(ServiceRequest, request_id)
        assert request is not None and "小虫子" not in request.description


async def test_thanks_after_submitting_is_not_asked_about(harness: Harness) -> None:
    h = harness
    await bind_both(h)
    await describe_and_submit(h)
    sent = await h.say(FARMER, "谢谢")
    assert buttons(sent) == [] and "正在等待审核" not in " ".join(texts(sent))


async def test_the_update_s_identity_counts_the_waiting_requests(harness: Harness) -> None:
    # Farmers with none (most) need no query to know a message is a new problem.
    h = harness
    await bind_both(h)

    async def waiting() -> int | None:
        async with h.deps.uow() as uow:
            return (await identify(uow, FARMER)).farmer_waiting

    assert await waiting() == 0
    request_id = await describe_and_submit(h)
    assert await waiting() == 1
    await approve(h, request_id)
    assert await waiting() == 1
    await h.pump()
    await h.press(EXPERT, f"iv:{request_id}:accept")
    assert await waiting() == 0  # in service: a conversation now, not a request waiting


async def test_a_text_too_long_for_a_problem_is_said_after_the_button_was_answered(harness: Harness) -> None:
    # "New problem" answers the press, then the draft refuses 3,000 characters: the explanation can no
    # longer be the press's pop-up (Telegram takes one answer), so it comes as a message. Before, the
    # farmer was told nothing at all (found by tests/bot/test_random_conversations.py).
    h = harness
    await bind_both(h)
    request_id = await describe_and_submit(h)
    await h.say(FARMER, "叶子" * 1500)
    sent = await h.press(FARMER, WaitingCb(request_id=request_id, action="new").pack())
    assert texts(sent, FARMER)[-1] == "内容太长了（3000 字），最多 2000 字。请精简后重新发送。"
