"""The intake's form outlives its draft when the farmer submits or cancels it from elsewhere: what
is sent to the form then, or an old intake button, gets a plain answer, not "something went wrong"
(found by tests/bot/test_random_conversations.py)."""

from __future__ import annotations

from storage.enums import RequestStatus
from storage.models import ServiceRequest
from tests.bot.conftest import FARMER
from tests.bot.harness import Harness, texts
from tests.bot.test_farmer_story import PROBLEM, bind_both, describe_and_submit

GONE = (
    "请求 #{id} 已经提交或取消，不能再修改了。已提交的请求请在【📋 我的请求】里查看；有新问题直接发文字即可。"
)


async def test_a_location_for_a_draft_cancelled_from_its_card(harness: Harness) -> None:
    h = harness
    await bind_both(h)
    await h.say(FARMER, PROBLEM)  # the form now asks for photos and a location
    request_id = await h.latest_request_id()
    await h.press(FARMER, f"rq:{request_id}:cancel")
    await h.press(FARMER, f"rq:{request_id}:cancel_yes")
    assert texts(await h.location(FARMER, 40.75, 107.4)) == [GONE.format(id=request_id)]
    await h.photo(FARMER, "leaf")  # the form is closed: a photo now starts a new problem
    assert await h.latest_request_id() > request_id


async def test_an_old_intake_button_of_a_submitted_request(harness: Harness) -> None:
    h = harness
    await bind_both(h)
    request_id = await describe_and_submit(h)
    for action in ("confirm", "edit", "photos", "media_done", "cancel"):
        assert texts(await h.press(FARMER, f"in:{request_id}:{action}")) == [GONE.format(id=request_id)]
    async with h.deps.uow() as uow:
        request = await uow.session.get(ServiceRequest, request_id)
        assert request is not None and request.status is RequestStatus.pending_review  # not cancelled by it
