"""The offline session refuses what the real Bot API refuses, so the tests meet Telegram's limits."""

from __future__ import annotations

import pytest
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.factory import create_bot
from bot.offline_session import OfflineSession
from bot.telegram_limits import visible_text

TOKEN = "42:TEST-test-test-test-test-test-test"


@pytest.fixture
def session() -> OfflineSession:
    return OfflineSession()


async def _send(session: OfflineSession, text: str, **kwargs: object) -> None:
    bot = create_bot(TOKEN, session=session)
    await bot.send_message(7, text, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("pH<7 怎么办", 'Unsupported start tag ""'),
        ("<blink>看这里</blink>", 'Unsupported start tag "blink"'),
        ("<b>没关上", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>交叉</b></i>", 'Unexpected end tag "b"'),
        ("A&B 公司", "Unsupported HTML entity"),
        ("&nbsp;", "Unsupported HTML entity"),
        ("字" * 4097, "message is too long"),
        ("<b></b>", "message text is empty"),
    ],
)
async def test_what_telegram_refuses_is_refused_and_not_recorded(
    session: OfflineSession, text: str, reason: str
) -> None:
    with pytest.raises(TelegramBadRequest, match=reason):
        await _send(session, text)
    assert session.take() == []


@pytest.mark.parametrize(
    "text",
    [
        "<b>粗体</b> &lt;7 &amp; &quot;引号&quot; &#128512; a > b",
        '<a href="https://example.org/?a=1&amp;b=2">链接</a>',
        "字" * 4096,
        "<b>" + "字" * 4096 + "</b>",  # the limit counts the text after the tags
    ],
)
async def test_what_telegram_accepts_is_sent(session: OfflineSession, text: str) -> None:
    await _send(session, text)
    assert len(session.take()) == 1


async def test_without_a_parse_mode_the_text_is_not_read_as_html(session: OfflineSession) -> None:
    await _send(session, "pH<7 & <b>", parse_mode=None)
    assert len(session.take()) == 1


async def test_emoji_count_twice_toward_the_limit(session: OfflineSession) -> None:
    # Telegram counts UTF-16 code units: an emoji outside the BMP is two of them.
    with pytest.raises(TelegramBadRequest, match="too long"):
        await _send(session, "😀" * 2049)


async def test_callback_data_over_64_bytes_is_refused(session: OfflineSession) -> None:
    markup = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="选择", callback_data="专家" * 11)]]  # 66 bytes
    )
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await _send(session, "请选择", reply_markup=markup)


async def test_a_long_caption_and_a_long_alert_are_refused(session: OfflineSession) -> None:
    bot = create_bot(TOKEN, session=session)
    with pytest.raises(TelegramBadRequest, match="caption is too long"):
        await bot.send_photo(7, "file-id", caption="字" * 1025)
    with pytest.raises(TelegramBadRequest, match="MESSAGE_TOO_LONG"):
        await bot.answer_callback_query("q1", text="字" * 201, show_alert=True)
    assert session.take() == []


def test_visible_text_unescapes_what_html_escape_wrote() -> None:
    assert visible_text("&lt;b&gt; &amp; <i>斜体</i>") == "<b> & 斜体"


async def test_more_than_100_buttons_are_refused(session: OfflineSession) -> None:
    def keyboard(count: int) -> InlineKeyboardMarkup:
        rows = [[InlineKeyboardButton(text=f"#{n}", callback_data=f"x:{n}")] for n in range(count)]
        return InlineKeyboardMarkup(inline_keyboard=rows)

    await _send(session, "100", reply_markup=keyboard(100))
    with pytest.raises(TelegramBadRequest, match="reply markup is too long"):
        await _send(session, "101", reply_markup=keyboard(101))
    assert len(session.take()) == 1


async def test_an_edit_that_changes_nothing_is_refused(session: OfflineSession) -> None:
    bot = create_bot(TOKEN, session=session)
    sent = await bot.send_message(7, "请选择")
    await bot.edit_message_text("已选择", chat_id=7, message_id=sent.message_id)
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text("已选择", chat_id=7, message_id=sent.message_id)
    assert len(session.take()) == 2


async def test_a_callback_query_takes_one_answer(session: OfflineSession) -> None:
    bot = create_bot(TOKEN, session=session)
    await bot.answer_callback_query("q7")
    with pytest.raises(TelegramBadRequest, match="query ID is invalid"):
        await bot.answer_callback_query("q7", text="再答一次")
