"""From the farmer's chat to the reviewer's HTTP call and back to Telegram: a farmer submits through
the real Dispatcher, the request is in the queue over HTTP, the reviewer approves over HTTP, and the
bot's own pump tells the expert and the farmer (recorded by the offline Bot API session).

The API is composed as `jingfu run` and `jingfu shell` compose it (jingfu.cli.admin_serve.api_beside):
the bot's session factory and clock, on a real loopback port."""

from __future__ import annotations

import aiohttp

from bot.terminal.photos import TerminalPhotos
from core.admin_tokens import create_token
from jingfu.cli.admin_serve import api_beside
from storage.enums import AdminRole
from tests.bot.conftest import EXPERT, FARMER, catalog, deps, harness, nlu_engine, screener
from tests.bot.harness import Harness, texts
from tests.bot.test_farmer_story import bind_both, describe_and_submit

__all__ = ["catalog", "deps", "harness", "nlu_engine", "screener"]  # the bot's fixtures, used by name


async def test_a_request_submitted_in_the_bot_is_approved_over_http_and_both_are_told(
    harness: Harness,
) -> None:
    h = harness
    await bind_both(h)  # 王二牛 and 王建国, 临河区
    request_id = await describe_and_submit(h)
    async with h.deps.uow() as uow:
        # Issued on the bot's clock, which the API beside it shares (a token from another time expires).
        issued = await create_token(
            uow, role=AdminRole.county_reviewer, county_name="临河区", now=h.deps.clock()
        )
    reviewer = {"Authorization": f"Bearer {issued.token}"}
    assert await h.pump() == []  # nothing to tell anyone while the request waits

    async with api_beside(h.deps, TerminalPhotos()) as url, aiohttp.ClientSession(headers=reviewer) as http:
        async with http.get(f"{url}/api/v1/review-queue") as answer:
            assert answer.status == 200
            items = (await answer.json())["items"]
        assert [(item["id"], item["farmer"], item["expert"]) for item in items] == [
            (request_id, "王二牛", "王建国")
        ]
        async with http.post(f"{url}/api/v1/requests/{request_id}/approve") as answer:
            assert answer.status == 200
            assert (await answer.json())["status"] == "approved"

    pushed = await h.pump()
    assert any("已通过审核" in text for text in texts(pushed, FARMER))
    invitation = [
        m for m in pushed if getattr(m, "chat_id", None) == EXPERT and getattr(m, "reply_markup", None)
    ]
    assert invitation and "新的服务邀请" in invitation[0].text  # type: ignore[attr-defined]
    assert f"iv:{request_id}:accept" in invitation[0].reply_markup.model_dump_json()  # type: ignore[attr-defined]
    assert await h.pump() == []  # told once
