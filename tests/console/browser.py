"""Driving the console in Debian's headless Chromium (Playwright's async API, no downloaded browser),
failing on any browser console error, and taking the screenshots of docs/console/ when asked
(JINGFU_SCREENSHOTS=1: CI leaves the tracked pictures alone)."""

from __future__ import annotations

import os
import struct
import zlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, ViewportSize, async_playwright

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "console"
SIZES = ((375, 812), (1280, 800))
DESKTOP = ViewportSize(width=1280, height=800)


@asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    if not os.path.exists(CHROMIUM):  # noqa: ASYNC240 (one stat, before the browser starts)
        pytest.skip("no /usr/bin/chromium: scripts/browser_deps.sh installs it (apt-get install chromium)")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM))
        try:
            yield browser
        finally:
            await browser.close()


@dataclass
class Tab:
    page: Page
    base: str
    errors: list[str] = field(default_factory=list)
    # Refusals a test provokes on purpose (a wrong password: 401): Chromium logs each as a console
    # error "the server responded with a status of N"; each expected one is forgiven once.
    refusals: list[int] = field(default_factory=list)

    def expect_refusal(self, status: int) -> None:
        self.refusals.append(status)

    def unexpected_errors(self) -> list[str]:
        left = list(self.errors)
        for status in self.refusals:
            match = next((e for e in left if f"status of {status} " in e), None)
            assert match is not None, f"the browser saw no {status} refusal"
            left.remove(match)
        return left

    async def go(self, path: str) -> None:
        await self.page.goto(self.base + path)

    async def shot(self, name: str) -> None:
        """The page as a phone and a desktop show it, into docs/console/ (only when asked)."""
        if os.environ.get("JINGFU_SCREENSHOTS") != "1":
            return
        SHOTS.mkdir(parents=True, exist_ok=True)
        for width, height in SIZES:
            await self.page.set_viewport_size(ViewportSize(width=width, height=height))
            await self.page.screenshot(path=SHOTS / f"{name}-{width}x{height}.png")
        await self.page.set_viewport_size(DESKTOP)


@asynccontextmanager
async def tab(browser: Browser, base: str) -> AsyncIterator[Tab]:
    context = await browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = await context.new_page()
    opened = Tab(page, base)
    page.on("console", lambda m: opened.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: opened.errors.append(str(exc)))
    try:
        yield opened
    finally:
        await context.close()
    unexpected = opened.unexpected_errors()
    assert unexpected == [], f"the browser's console reported errors: {unexpected}"


def png(width: int = 160, height: int = 120) -> bytes:
    """A small real PNG (a green field under a sky), as a farmer's photo from the fake Bot API."""
    rows = b"".join(
        b"\x00"
        + b"".join(bytes((90, 160, 230) if y < height // 3 else (60, 140 + x % 40, 50)) for x in range(width))
        for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


class FakePhotos:
    """The Bot API's getFile and download, faked: every file id is the same picture."""

    async def fetch(self, file_id: str) -> bytes:
        return png()
