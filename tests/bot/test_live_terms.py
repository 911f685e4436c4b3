"""A term the city adds over the admin API blocks a farmer's message in the running bot within 5 s,
without a restart (bot.live_terms, started with the bot's background work)."""

from __future__ import annotations

import asyncio
import time

from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from admin_api.app import create_admin_app
from admin_api.services import AdminServices
from bot.runner import background
from core.admin_tokens import create_token
from nlu.screening.model import Verdict
from storage.enums import AdminRole
from tests.bot.conftest import FARMER, FARMER_PHONE
from tests.bot.harness import Harness, texts

TEXT = "我家葵花叶子发黄，听说撒点蓝月亮粉就好"
TERM = "蓝月亮粉"


async def test_a_term_added_over_the_api_blocks_a_farmers_message_within_5_s(
    harness: Harness, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    h = harness
    await h.contact(FARMER, FARMER_PHONE)
    assert h.deps.screener.check(TEXT).verdict is not Verdict.BLOCK  # not listed yet
    async with h.deps.uow() as uow:
        issued = await create_token(uow, role=AdminRole.city_institute, county_name=None)
    headers = {"Authorization": f"Bearer {issued.token}"}
    app = create_admin_app(AdminServices(session_factory=session_factory))
    async with TestClient(TestServer(app, host="127.0.0.1")) as api, background(h.bot, h.deps):
        started = time.monotonic()
        answer = await api.post(
            "/api/v1/terms",
            json={"list": "banned", "terms": [{"term": TERM, "category": "fraud"}]},
            headers=headers,
        )
        assert answer.status == 201, await answer.text()
        while h.deps.screener.check(TEXT).verdict is not Verdict.BLOCK:
            assert time.monotonic() - started < 5, "the bot still screens with the old lists after 5 s"
            await asyncio.sleep(0.05)
        took = time.monotonic() - started
        sent = await h.say(FARMER, TEXT)
        # The explanation names the term masked, never as written
        assert any("「蓝**粉」" in text for text in texts(sent)), texts(sent)
        assert not any(TERM in text for text in texts(sent))
        print(f"term screened by the running bot {took:.2f} s after the API call")

        # Removed again: the message passes within 5 s.
        term_id = (await answer.json())["items"][0]["id"]
        assert (await api.delete(f"/api/v1/terms/{term_id}", headers=headers)).status == 200
        started = time.monotonic()
        while h.deps.screener.check(TEXT).verdict is Verdict.BLOCK:
            assert time.monotonic() - started < 5, "a removed term still blocks after 5 s"
            await asyncio.sleep(0.05)
