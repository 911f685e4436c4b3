"""A Bot API session that never leaves the process: it records every call and answers like Telegram.

Telegram cannot be reached from tests or from the terminal demo, so this stands in for the HTTP
session under a real `Bot`: handlers, keyboards and the Dispatcher run unchanged, and each request is
kept (in order) for a test to assert on or for the terminal channel to render. What the real Bot API
would refuse (too long, bad HTML, bad callback data: `bot.telegram_limits`) is refused here too, with
Telegram's error, and not recorded: the user would never have seen it.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import AsyncGenerator, Iterator
from datetime import UTC, datetime
from typing import Any, Literal, get_args

from aiogram import Bot
from aiogram.client.session.base import BaseSession
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageReplyMarkup,
    EditMessageText,
    GetFile,
    GetMe,
    SendMediaGroup,
    SendMessage,
    TelegramMethod,
)
from aiogram.methods.base import TelegramType
from aiogram.types import Chat, File, ForumTopic, Message, MessageId, User
from aiohttp import ClientResponseError, RequestInfo
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from bot.telegram_limits import check

# What a scripted call meets instead of an answer (OfflineSession.fail): flood control (429),
# Internal Server Error (500), a network timeout, or any exception (a BaseException: the process
# dying in the middle of the call).
Failure = Literal["429", "500", "timeout"] | BaseException


class OfflineSession(BaseSession):
    def __init__(
        self, *, bot_id: int = 42, topics_enabled: bool = False, message_ids: Iterator[int] | None = None
    ) -> None:
        super().__init__()
        self.requests: list[TelegramMethod[Any]] = []
        self.bot_user = User(
            id=bot_id,
            is_bot=True,
            first_name="精服",
            username="jingfu_bot",
            has_topics_enabled=topics_enabled,
        )
        # Ids of the messages and forum topics the bot sends. The database keeps them (reply-to links,
        # topics), so a caller whose sessions share one database passes ids that never repeat.
        self.message_ids = message_ids if message_ids is not None else itertools.count(1000)
        # What each message the bot sent shows now (text, keyboard): Telegram refuses an edit that
        # changes nothing ("message is not modified"), which a double tap on a button produces.
        self._shown: dict[tuple[int, int], tuple[str | None, str]] = {}
        self.latest_message_id: dict[int, int] = {}  # chat id → the newest message sent there
        self._answered: set[str] = set()  # callback queries answered: Telegram takes one answer each
        self.unreachable = False  # True: every call fails on the network, as in a Telegram outage
        self.server_failing = False  # True: Telegram answers every call 502 Bad Gateway, as it does when down
        self._scripted: dict[str, deque[Failure]] = {}  # api method → its next calls' failures
        self.retry_after = 1  # seconds a scripted 429 asks to wait
        # Files Telegram holds, by file id (`put_file`): getFile answers their path, a download of the
        # path streams the bytes and is recorded in `downloads`.
        self.files: dict[str, bytes] = {}
        self.downloads: list[str] = []

    async def close(self) -> None:
        return None

    async def make_request(  # the signature is aiogram's: noqa: ASYNC109
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        timeout: int | None = None,  # noqa: ASYNC109
    ) -> TelegramType:
        if self.unreachable:
            raise TelegramNetworkError(method=method, message="Cannot connect to host api.telegram.org:443")
        if self.server_failing:
            raise TelegramServerError(method=method, message="Bad Gateway")
        self._play_failure(method)
        check(method, bot.default.parse_mode)
        self._check_edit(method)
        self._check_answer(method)
        self.requests.append(method)
        self.on_request(method)
        return self._answer(method)

    def on_request(self, method: TelegramMethod[Any]) -> None:
        """Hook for the terminal channel, which renders each request as it happens."""

    async def stream_content(
        self,
        url: str,
        headers: dict[str, Any] | None = None,
        timeout: int = 30,  # noqa: ASYNC109 (aiogram's signature)
        chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        _, _, path = url.partition("/file/bot")
        file_path = path.partition("/")[2]
        if file_path.startswith(_FILES):
            self.downloads.append(file_path)
            file_id = file_path.removeprefix(_FILES)
            if file_id not in self.files:
                asked = RequestInfo(URL(url), "GET", CIMultiDictProxy(CIMultiDict()))
                raise ClientResponseError(asked, (), status=404)
            data = self.files[file_id]
            for start in range(0, len(data), chunk_size):
                yield data[start : start + chunk_size]
            return
        yield b""

    def put_file(self, file_id: str, data: bytes) -> None:
        """A file Telegram holds (a farmer's photo), for getFile and the download to find."""
        self.files[file_id] = data

    def fail(self, api_method: str, *failures: Failure) -> None:
        """The next calls of `api_method` ("sendMessage", "answerCallbackQuery"…) fail, one call per
        failure, in order; the calls after them are answered as usual. Nothing failed is recorded:
        Telegram did not take it."""
        self._scripted.setdefault(api_method, deque()).extend(failures)

    def _play_failure(self, method: TelegramMethod[Any]) -> None:
        script = self._scripted.get(method.__api_method__)
        if not script:
            return
        failure = script.popleft()
        if failure == "429":
            raise TelegramRetryAfter(
                method=method,
                message=f"Too Many Requests: retry after {self.retry_after}",
                retry_after=self.retry_after,
            )
        if failure == "500":
            raise TelegramServerError(method=method, message="Internal Server Error")
        if failure == "timeout":
            raise TelegramNetworkError(method=method, message="Request timeout error")
        assert isinstance(failure, BaseException)
        raise failure

    def take(self) -> list[TelegramMethod[Any]]:
        """Requests since the last take, oldest first."""
        taken, self.requests = self.requests, []
        return taken

    def _check_answer(self, method: TelegramMethod[Any]) -> None:
        if not isinstance(method, AnswerCallbackQuery):
            return
        if method.callback_query_id in self._answered:
            raise TelegramBadRequest(
                method=method,
                message="Bad Request: query is too old and response timeout expired or query ID is invalid",
            )
        self._answered.add(method.callback_query_id)

    def _check_edit(self, method: TelegramMethod[Any]) -> None:
        if not isinstance(method, EditMessageText | EditMessageReplyMarkup):
            return
        key = (_chat_id(method), method.message_id or 0)
        before = self._shown.get(key)
        if before is None:  # not a message this session sent: nothing known to compare with
            return
        text = method.text if isinstance(method, EditMessageText) else before[0]
        after = (text, _keyboard(method))
        if after == before:
            raise TelegramBadRequest(
                method=method,
                message="Bad Request: message is not modified: specified new message content and reply "
                "markup are exactly the same as a current content and reply markup of the message",
            )
        self._shown[key] = after

    def _sent(self, method: TelegramMethod[Any], **content: Any) -> Message:
        """A message this session sends: the chat's latest now, and what it shows is remembered."""
        message = self._message(method, **content)
        self.latest_message_id[message.chat.id] = message.message_id
        if isinstance(method, SendMessage):
            self._shown[(message.chat.id, message.message_id)] = (method.text, _keyboard(method))
        return message

    def _message(self, method: TelegramMethod[Any], **content: Any) -> Message:
        return Message(
            message_id=next(self.message_ids),
            date=datetime.now(UTC),
            chat=Chat(id=_chat_id(method), type="private"),
            from_user=self.bot_user,
            message_thread_id=getattr(method, "message_thread_id", None),
            **content,
        )

    def _answer(self, method: TelegramMethod[Any]) -> Any:
        if isinstance(method, GetMe):
            return self.bot_user
        if isinstance(method, GetFile):
            return self._file(method)
        if isinstance(method, SendMediaGroup):
            return [self._sent(method, caption=getattr(m, "caption", None)) for m in method.media]
        returning = method.__returning__
        if returning is Message:
            text = getattr(method, "text", None)
            return self._sent(method, text=text, caption=getattr(method, "caption", None))
        if returning is MessageId:
            return MessageId(message_id=next(self.message_ids))
        if returning is ForumTopic:
            return ForumTopic(
                message_thread_id=next(self.message_ids), name=getattr(method, "name", ""), icon_color=7322096
            )
        if returning is bool or bool in get_args(returning):  # edits answer Message | bool
            return True
        raise NotImplementedError(f"the offline session has no answer for {type(method).__name__}")

    def _file(self, method: GetFile) -> File:
        data = self.files.get(method.file_id)
        if data is None:
            raise TelegramBadRequest(method=method, message="Bad Request: invalid file_id")
        return File(
            file_id=method.file_id,
            file_unique_id=f"u-{method.file_id}"[:32],
            file_size=len(data),
            file_path=_FILES + method.file_id,
        )


_FILES = "photos/"  # where the session's files are, as Telegram's file paths look ("photos/file_7.jpg")


def _chat_id(method: TelegramMethod[Any]) -> int:
    chat_id = getattr(method, "chat_id", 0)
    return int(chat_id) if str(chat_id).lstrip("-").isdigit() else 0


def _keyboard(method: TelegramMethod[Any]) -> str:
    markup = getattr(method, "reply_markup", None)
    return markup.model_dump_json(exclude_none=True) if markup is not None else ""
