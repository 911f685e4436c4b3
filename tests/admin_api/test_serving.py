"""The API as operators start it: `jingfu admin serve` alone, and beside the bot in the shell's process;
the docs page from the package's own files; the demo's queue."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import sys
from collections.abc import Callable
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from admin_api.serve import PortInUse, admin_app, serving
from bot.terminal.personas import FARMER_ID_BASE, demo_personas
from bot.terminal.photos import TerminalPhotos
from bot.terminal.updates import fake_file_id
from core.admin_tokens import create_token
from core.seed.demo import seed_demo
from core.seed.demo_queue import PERSONA_ID_BASE, QUEUE, seed_demo_queue
from nlu.screening import Screener
from storage.enums import AdminRole
from storage.models import Farmer
from storage.uow import UnitOfWork

REPO_ROOT = Path(__file__).resolve().parents[2]
UowFactory = Callable[[], UnitOfWork]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _jingfu_admin_serve(database_url: str, port: int) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "RASA_", "REDIS_"))}
    env |= {"DATABASE_URL": database_url, "ADMIN_HOST": "127.0.0.1", "ADMIN_PORT": str(port)}
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "jingfu",
        "admin",
        "serve",
        env=env,
        cwd=REPO_ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def test_admin_serve_answers_and_stops_cleanly_on_sigterm(database_url: str) -> None:
    port = free_port()
    process = await _jingfu_admin_serve(database_url, port)
    try:
        assert process.stdout is not None
        ready = (await asyncio.wait_for(process.stdout.readline(), 60)).decode()
        assert f"http://127.0.0.1:{port}/api/v1" in ready, ready
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{port}/api/openapi.json") as answer:
                assert answer.status == 200
                assert (await answer.json())["openapi"] == "3.1.0"
            async with http.get(f"http://127.0.0.1:{port}/api/v1/review-queue") as answer:
                assert answer.status == 401
        process.send_signal(signal.SIGTERM)
        out, err = await asyncio.wait_for(process.communicate(), 30)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0, err.decode()
    assert "stopped" in out.decode() and "Traceback" not in err.decode()


async def test_admin_serve_on_a_port_in_use_is_one_line_and_exit_2(database_url: str) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        process = await _jingfu_admin_serve(database_url, holder.getsockname()[1])
        _, err = await asyncio.wait_for(process.communicate(), 60)
    said = err.decode().strip()
    assert process.returncode == 2, said
    assert len(said.splitlines()) == 1 and "in use" in said and "ADMIN_PORT" in said


async def test_beside_the_bot_the_api_shares_its_session_factory(
    session_factory: async_sessionmaker[AsyncSession], uow_factory: UowFactory
) -> None:
    async with uow_factory() as uow:
        await seed_demo(uow)
    async with uow_factory() as uow:
        await seed_demo_queue(uow)
    async with uow_factory() as uow:
        issued = await create_token(uow, role=AdminRole.county_reviewer, county_name="五原县")
    app = admin_app(session_factory, photos=TerminalPhotos())
    async with serving(app, "127.0.0.1", 0) as url, aiohttp.ClientSession() as http:
        port = int(url.rsplit(":", 1)[1])
        assert port > 0  # port 0 asked for a free one; the URL says which
        headers = {"Authorization": f"Bearer {issued.token}"}
        async with http.get(f"{url}/api/v1/review-queue", headers=headers) as answer:
            assert answer.status == 200
            items = (await answer.json())["items"]
        # A second server on the same port is refused with words an operator can act on.
        with pytest.raises(PortInUse, match="ADMIN_PORT"):
            async with serving(admin_app(session_factory), "127.0.0.1", port):
                pass
    assert {item["county"] for item in items} == {"五原县"} and len(items) == 2


async def test_a_fresh_demo_queue_has_requests_in_two_counties(uow_factory: UowFactory) -> None:
    async with uow_factory() as uow:
        await seed_demo(uow)
    async with uow_factory() as uow:
        assert await seed_demo_queue(uow) == len(QUEUE)
    async with uow_factory() as uow:
        from core.review_queue import pending_review
        from core.scope import CITY_SYSTEM

        queue = await pending_review(uow, CITY_SYSTEM)
        farmers = (await uow.session.scalars(select(Farmer))).all()
    assert {item.county for item in queue} == {"临河区", "五原县"}
    assert any(item.photo_count for item in queue) and any(not item.photo_count for item in queue)
    assert {flag for item in queue for flag in item.screening_flags} == {
        "banned_pesticide:百草枯",
        "sensitive:征地补偿",
    }
    # Each demo farmer is the shell's persona of the same name: `/as farmer N` plays them.
    personas = {p.user_id: p.name for p in demo_personas() if p.kind == "farmer"}
    assert PERSONA_ID_BASE == FARMER_ID_BASE
    assert {f.telegram_user_id: f.name for f in farmers}.items() <= personas.items()


def test_the_demo_queues_screening_is_what_the_screener_says() -> None:
    screener = Screener.builtin()
    for item in QUEUE:
        hits = [(h.term, h.category, str(h.action)) for h in screener.check(item.text).hits]
        assert hits == ([item.screened] if item.screened else []), item.text


async def test_the_shells_photos_are_pngs_and_only_its_own() -> None:
    photos = TerminalPhotos()
    data = await photos.fetch(fake_file_id("photo"))
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    with pytest.raises(LookupError):
        await photos.fetch("AgACAgIAAxkBAAIB")  # a real Telegram id: not the shell's


async def test_the_docs_page_is_served_from_the_package_and_names_no_other_host(api: TestClient) -> None:
    page = await api.get("/api/docs")
    assert page.status == 200 and page.content_type == "text/html"
    html = await page.text()
    scripts = re.findall(r'<script[^>]*src="([^"]+)"', html)
    assert scripts == ["docs/docs.js"]
    script = await api.get("/api/" + scripts[0])
    assert script.status == 200 and script.content_type == "text/javascript"
    served = html + await script.text()
    assert "openapi.json" in served
    # No CDN, no font service, nothing absolute: every URL is relative to this server.
    assert not re.findall(r"https?://|//[a-z0-9.-]+\.[a-z]{2,}/", served, flags=re.IGNORECASE)
    # The page and its script are package data: shipped in a wheel, not only in a checkout.
    pyproject = (REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"*.js"' in pyproject and '"*.html"' in pyproject
    assert (REPO_ROOT / "admin_api" / "static" / "__init__.py").exists()
