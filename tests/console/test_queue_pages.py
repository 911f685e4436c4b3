"""The queue page in pages, and what a farmer wrote shown as text, never as markup."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from aiohttp.test_utils import TestClient

from admin_api.console import views
from core import requests
from core.seed.demo_queue import seed_demo_queue
from storage.enums import AdminRole, ServiceMode
from storage.uow import UnitOfWork
from tests.console.conftest import PASSWORD, console_user
from tests.console.test_login import log_in
from tests.demo_world import build_world

UowFactory = Callable[[], UnitOfWork]
MARKUP = '<script>alert("x")</script><img src=x onerror=alert(1)>'


async def test_the_queue_comes_in_pages_that_keep_the_filters(
    console: TestClient, uow_factory: UowFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    await build_world(uow_factory)
    async with uow_factory() as uow:
        await seed_demo_queue(uow)
    await console_user(uow_factory, "李审核", AdminRole.county_reviewer, "临河区")
    assert (await log_in(console, "李审核", PASSWORD))[0] == 303
    monkeypatch.setattr(views, "PAGE", 2)

    first = await (await console.get("/console/?claimed=none")).text()
    ids = re.findall(r'data-id="(\d+)"', first)
    more = re.search(r'<p class="more"><a href="([^"]+)"', first)
    assert len(ids) == 2 and more is not None
    assert "claimed=none" in more.group(1)
    second = await (await console.get(more.group(1).replace("&amp;", "&"))).text()
    rest = re.findall(r'data-id="(\d+)"', second)
    assert rest and not set(rest) & set(ids) and 'class="more"' not in second


async def test_what_a_farmer_wrote_is_escaped(console: TestClient, uow_factory: UowFactory) -> None:
    world = await build_world(uow_factory)
    async with uow_factory() as uow:
        draft = await requests.create_draft(
            uow,
            world.farmer_id,
            description=MARKUP,
            specialty_code="plant_protection",
            subject="<b>向日葵</b>",
        )
    async with uow_factory() as uow:
        await requests.submit(
            uow, draft.id, world.farmer_id, expert_id=world.experts["王建国"], mode=ServiceMode.online
        )
    await console_user(uow_factory, "李审核", AdminRole.county_reviewer, "临河区")
    assert (await log_in(console, "李审核", PASSWORD))[0] == 303
    for path in ("/console/", f"/console/requests/{draft.id}"):
        html = await (await console.get(path)).text()
        assert "<script>alert" not in html and "<img src=x" not in html and "<b>向日葵" not in html
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html and "&lt;b&gt;向日葵" in html
