"""A stand-in for the Telegram Bot API over real HTTP, for fault tests.

The bot talks to it through TELEGRAM_API_BASE with aiogram's real aiohttp session, so what is tested
is what runs in production: requests, timeouts, HTTP status codes, the polling offset. It keeps
updates queued until the bot confirms them (getUpdates with an offset past them, as Telegram does),
so an update the bot acknowledged without handling is observable as gone. Every call is recorded;
a method can be told to fail its next calls (429 with retry_after, 500, a delay, or held open until
released) to inject the faults a real Bot API shows.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, get_args

from aiogram import methods
from aiogram.types import MessageId
from aiohttp import web

BOT_ID = 4242
BOT_USER = {"id": BOT_ID, "is_bot": True, "first_name": "精服", "username": "jingfu_bot"}
TOKEN = f"{BOT_ID}:FAKE-TOKEN-for-the-fake-Bot-API-server-only"


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)
    answered: bool = False  # the server accepted it and answered ok: the user would have seen it

    @property
    def chat_id(self) -> int | None:
        chat = self.params.get("chat_id")
        return int(chat) if chat is not None and str(chat).lstrip("-").isdigit() else None

    @property
    def text(self) -> str:
        return str(self.params.get("text") or self.params.get("caption") or "")


@dataclass
class Fault:
    times: int
    status: int = 500
    retry_after: int | None = None  # with status 429
    delay: float = 0.0  # seconds before answering (then answered normally unless status is set)
    hold: bool = False  # keep the request open until `release()` (or the client goes away)
    description: str = "Internal Server Error"
    when: Callable[[Call], bool] | None = None


class FakeTelegram:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self._queue: list[dict[str, Any]] = []  # updates not yet confirmed by an offset past them
        # Far from the ids the offline session uses, for tests that prepare their world through it
        # on the same database (update ids are de-duplicated, message ids kept for replies).
        self._update_ids = itertools.count(1_000_001)
        self._message_ids = itertools.count(10_000_001)
        self.confirmed_below = 0  # every update id below this was acknowledged by the bot
        self._arrived = asyncio.Event()
        self._faults: dict[str, list[Fault]] = {}
        self._pressed_by: dict[str, int] = {}  # callback query id → who pressed: answers go to them
        self._released = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.base = ""

    # ---- life cycle --------------------------------------------------------------------------

    async def start(self) -> str:
        app = web.Application()
        app.router.add_route("POST", "/bot{token}/{method}", self._handle)
        app.router.add_route("GET", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base = f"http://127.0.0.1:{port}"
        return self.base

    async def stop(self) -> None:
        self.release()
        if self._runner is not None:
            await self._runner.cleanup()

    # ---- what the test does ------------------------------------------------------------------

    def push(self, **content: Any) -> int:
        """Queue an update (message=…, callback_query=…); its id."""
        update_id = next(self._update_ids)
        self._queue.append({"update_id": update_id, **content})
        self._arrived.set()
        return update_id

    def message(self, user_id: int, text: str | None = None, **content: Any) -> int:
        """A private message from `user_id`; its update id."""
        body: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": user_id, "type": "private"},
            "from": _user(user_id),
            **content,
        }
        if text is not None:
            body["text"] = text
        return self.push(message=body)

    def contact(self, user_id: int, phone: str) -> int:
        return self.message(user_id, contact={"phone_number": phone, "first_name": "x", "user_id": user_id})

    def press(self, user_id: int, data: str, message_id: int = 1) -> int:
        query_id = f"cq{next(self._message_ids)}"
        self._pressed_by[query_id] = user_id
        query = {
            "id": query_id,
            "from": _user(user_id),
            "chat_instance": "ci",
            "data": data,
            "message": {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": {"id": user_id, "type": "private"},
                "from": BOT_USER,
                "text": "…",
            },
        }
        return self.push(callback_query=query)

    def fail(
        self,
        method: str,
        times: int = 1,
        *,
        status: int = 500,
        retry_after: int | None = None,
        delay: float = 0.0,
        hold: bool = False,
        when: Callable[[Call], bool] | None = None,
        description: str = "Internal Server Error",
    ) -> None:
        """The next `times` calls of `method` (those matching `when`) fail: status 429 (give
        `retry_after`) or 5xx; `delay` answers late (status 200 unless `status` is given
        explicitly with it); `hold` keeps the request open until `release()`."""
        fault = Fault(times, status, retry_after, delay, hold, description=description, when=when)
        self._faults.setdefault(method, []).append(fault)

    def heal(self) -> None:
        """Drop the faults not used up yet."""
        self._faults.clear()

    def release(self) -> None:
        self._released.set()

    def sent(self, chat_id: int | None = None, method: str = "sendMessage") -> list[Call]:
        """Calls of `method` the server answered ok (to `chat_id` when given), oldest first."""
        return [
            c
            for c in self.calls
            if c.method == method and c.answered and (chat_id is None or c.chat_id == chat_id)
        ]

    def texts(self, chat_id: int) -> list[str]:
        """What `chat_id` was shown: texts of messages and of alerts on its button presses."""
        return [c.text for c in self.calls if c.answered and self._shown_to(c) == chat_id and c.text]

    def _shown_to(self, call: Call) -> int | None:
        if call.method == "answerCallbackQuery":
            return self._pressed_by.get(str(call.params.get("callback_query_id")))
        return call.chat_id

    def called(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def acknowledged(self, update_id: int) -> bool:
        return update_id < self.confirmed_below

    # ---- the Bot API -------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = {k: _decode(v) for k, v in (await request.post()).items() if isinstance(v, str)}
        params |= {k: _decode(v) for k, v in request.query.items()}
        call = Call(method, params)
        self.calls.append(call)
        fault = self._fault_for(call)
        if fault is not None:
            if fault.hold:
                await self._released.wait()
                if request.transport is None or request.transport.is_closing():
                    return web.Response(status=499)  # the bot went away (killed): nobody saw it
            if fault.delay:
                await asyncio.sleep(fault.delay)
            if fault.status == 429:
                return _error(429, "Too Many Requests: retry later", retry_after=fault.retry_after or 1)
            if fault.status >= 400:
                return _error(fault.status, fault.description)
        if method == "getUpdates":
            result: Any = await self._get_updates(params)
        else:
            result = self._answer(method, params)
        call.answered = True
        return web.json_response({"ok": True, "result": result})

    def _fault_for(self, call: Call) -> Fault | None:
        for fault in self._faults.get(call.method, []):
            if fault.times > 0 and (fault.when is None or fault.when(call)):
                fault.times -= 1
                if fault.delay and not fault.hold and fault.status == 500:
                    fault.status = 200  # a delay alone answers normally, late
                return fault
        return None

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        if offset:
            self.confirmed_below = max(self.confirmed_below, offset)
            self._queue = [u for u in self._queue if u["update_id"] >= offset]
        limit = int(params.get("limit") or 100)
        deadline = time.monotonic() + float(params.get("timeout") or 0)
        while True:
            ready = [u for u in self._queue if u["update_id"] >= offset][:limit]
            left = deadline - time.monotonic()
            if ready or left <= 0:
                return ready
            self._arrived.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._arrived.wait(), left)

    def _answer(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT_USER
        returning = _returning(method)
        if returning == "Message":
            return self._message(params)
        if returning == "list":  # sendMediaGroup
            return [self._message(params) for _ in params.get("media") or [None]]
        if returning is MessageId:
            return {"message_id": next(self._message_ids)}
        return True

    def _message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = params.get("chat_id") or 0
        message: dict[str, Any] = {
            "message_id": int(params.get("message_id") or next(self._message_ids)),
            "date": int(time.time()),
            "chat": {"id": int(chat) if str(chat).lstrip("-").isdigit() else 0, "type": "private"},
            "from": BOT_USER,
        }
        for key in ("text", "caption"):
            if params.get(key):
                message[key] = params[key]
        if "photo" in params:
            message["photo"] = [{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}]
        return message


def _user(user_id: int) -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": "用户", "language_code": "zh-hans"}


def _decode(value: str) -> Any:
    if value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _returning(method: str) -> Any:
    cls = getattr(methods, method[:1].upper() + method[1:], None)
    returning = getattr(cls, "__returning__", None)
    if returning is None:
        return None
    names = {getattr(t, "__name__", str(t)) for t in (returning, *get_args(returning))}
    if "Message" in names:
        return "Message"
    if str(returning).startswith("list"):
        return "list"
    return returning


def _error(status: int, description: str, *, retry_after: int | None = None) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    return web.json_response(body, status=status)


async def wait_until(condition: Callable[[], bool], *, within: float, what: str) -> None:
    """Poll `condition` until it holds; fail naming `what` after `within` seconds."""
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {within:.0f} s: {what}")
        await asyncio.sleep(0.05)
