"""The conditions of the lifecycle's notices (core.notifications.When) as the people see them: a
notice that is no longer news when the notifier gets to it is not sent."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from render.callbacks import ModeChangeCb, RequestCb
from storage.models import RequestEvent
from tests.bot.conftest import EXPERT, FARMER
from tests.bot.harness import Harness, texts
from tests.bot.test_expert_side import _in_service
from tests.bot.test_farmer_story import approve, bind_both, describe_and_submit


async def _approved_then_cancelled(h: Harness, *, announced_between: bool) -> tuple[int, list[str]]:
    """A request approved and then cancelled by the farmer; what the expert reads of it after."""
    await bind_both(h)
    request_id = await describe_and_submit(h)
    await approve(h, request_id)
    if announced_between:
        await h.pump()
    h.session.take()
    await h.press(FARMER, RequestCb(request_id=request_id, action="cancel_yes").pack())
    return request_id, texts(await h.pump(), EXPERT)


async def test_an_invited_expert_hears_of_the_cancel(harness: Harness) -> None:
    request_id, told = await _approved_then_cancelled(harness, announced_between=True)
    assert told == [f"农户已取消请求 #{request_id}。"]


async def test_an_expert_never_sent_the_invitation_hears_nothing_of_the_cancel(harness: Harness) -> None:
    _, told = await _approved_then_cancelled(harness, announced_between=False)
    assert told == []  # neither the card (the approval was undone) nor news of a request never heard of


async def test_a_proposal_answered_before_it_was_announced_is_not_asked(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    h = harness
    request_id = await _in_service(h)
    await h.pump()
    await h.press(EXPERT, f"cp:{request_id}:online")  # completed in another mode than the farmer chose
    async with h.deps.uow() as uow:
        proposal = await uow.session.scalar(
            select(RequestEvent.id).where(
                RequestEvent.request_id == request_id, RequestEvent.action == "propose_mode"
            )
        )
    assert proposal is not None
    # The farmer answers (an older message's button, another device) before the notifier runs.
    await h.press(FARMER, ModeChangeCb(request_id=request_id, event_id=proposal, answer="no").pack())
    pushed = await h.pump()
    assert not [text for text in texts(pushed, FARMER) if "专家把请求" in text]
    [told] = texts(pushed, EXPERT)
    assert "不同意" in told
    assert not [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
