"""The terminal channel: rendering of outgoing calls, input lines as updates, and a piped story."""

from __future__ import annotations

import io
from collections.abc import Callable

from aiogram import Dispatcher
from aiogram.methods import SendMessage, SendPhoto, SetMyCommands
from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.deps import BotDeps
from bot.factory import create_bot
from bot.terminal.app import run_terminal
from bot.terminal.channel import InputError, TerminalChannel
from bot.terminal.personas import demo_personas
from bot.terminal.render import BOLD, RESET, keyboard_lines, plain_text, render
from bot.terminal.session import TerminalSession
from core.binding import identify
from core.seed.demo import seed_demo
from dialogs import routers
from nlu.embedded.engine import EmbeddedEngine
from nlu.screening import Screener
from storage.uow import UnitOfWork

CHOICES = InlineKeyboardMarkup(
    inline_keyboard=[
        [InlineKeyboardButton(text="描述问题", callback_data="intake:describe")],
        [
            InlineKeyboardButton(text="取消", callback_data="intake:cancel"),
            InlineKeyboardButton(text="网页", url="https://example.org"),
        ],
    ]
)
SHARE = ReplyKeyboardMarkup(
    keyboard=[[KeyboardButton(text="分享手机号", request_contact=True)], [KeyboardButton(text="帮助")]]
)


def test_html_becomes_plain_text_with_bold_kept() -> None:
    text = "<b>王二牛</b>，您的请求 <i>#12</i> 已提交 &lt;待审核&gt;<br/>下一行 &amp; <a href='x'>链接</a>"
    assert plain_text(text) == f"{BOLD}王二牛{RESET}，您的请求 #12 已提交 <待审核>\n下一行 & 链接"
    assert plain_text(text, ansi=False).startswith("王二牛，")


def test_keyboards_are_numbered_across_rows() -> None:
    assert keyboard_lines(CHOICES) == ["[1] 描述问题", "[2] 取消  [3] 网页 → https://example.org"]
    assert keyboard_lines(SHARE) == ["[1] 分享手机号 📱", "[2] 帮助"]


def test_render_names_the_recipient_and_shows_photos() -> None:
    shown = render(SendPhoto(chat_id=10001, photo="AgADphoto", caption="<b>看</b>这张"), "王二牛", ansi=False)
    assert shown == "── 王二牛\n[photo AgADphoto]\n看这张"
    message = render(SendMessage(chat_id=10001, text="选一个", reply_markup=CHOICES), "王二牛", ansi=False)
    assert message is not None and message.splitlines()[-1].startswith("[2] 取消")
    assert render(SetMyCommands(commands=[]), "王二牛") is None


def test_personas_come_from_the_demo_seed() -> None:
    personas = demo_personas()
    farmer, expert = personas[0], next(p for p in personas if p.kind == "expert")
    assert (farmer.name, farmer.phone, farmer.user_id) == ("王二牛", "13904781001", 10001)
    assert (expert.name, expert.phone, expert.user_id) == ("王建国", "13804780001", 20001)


async def test_button_numbers_become_the_updates_telegram_would_send() -> None:
    lines: list[str] = []
    session = TerminalSession(recipient_name=str, write=lines.append, ansi=False)
    bot = create_bot("42:TERMINAL-terminal-terminal-terminal", session=session)
    # Nothing is fed here: turning lines into updates needs no Dispatcher.
    channel = TerminalChannel(bot, Dispatcher(), session, demo_personas(), write=lines.append)
    farmer = channel.persona
    await bot.send_message(farmer.user_id, "请分享", reply_markup=SHARE)
    contact = channel.to_update("1")
    assert contact is not None and contact.message is not None and contact.message.contact is not None
    assert contact.message.contact.phone_number == "+8613904781001"
    assert contact.message.contact.user_id == farmer.user_id == contact.message.from_user.id  # type: ignore[union-attr]
    pressed = channel.to_update("2")
    assert pressed is not None and pressed.message is not None and pressed.message.text == "帮助"
    await bot.send_message(farmer.user_id, "选一个", reply_markup=CHOICES)
    query = channel.to_update("2")
    assert query is not None and query.callback_query is not None
    assert query.callback_query.data == "intake:cancel" and query.callback_query.message is not None
    assert query.update_id > pressed.update_id > contact.update_id
    for line, complaint in (
        ("3", "opens https://example.org"),
        ("9", "from 1 to 3"),
        ("/as farmer 99", "no farmer 99"),
    ):
        try:
            channel.to_update(line)
        except InputError as exc:
            assert complaint in str(exc)
        else:
            raise AssertionError(f"{line!r} should be refused")
    location = channel.to_update("/location 40.75 107.39")
    assert location is not None and location.message is not None and location.message.location is not None
    photo = channel.to_update("/photo 叶子")
    assert photo is not None and photo.message is not None and photo.message.caption == "叶子"
    channel.to_update("/as expert 1")
    assert channel.persona.name == "王建国"


async def test_a_piped_script_binds_a_farmer_and_an_expert(
    session_factory: async_sessionmaker[AsyncSession], uow_factory: Callable[[], UnitOfWork]
) -> None:
    async with uow_factory() as uow:
        await seed_demo(uow)
    deps = BotDeps(session_factory=session_factory, nlu=EmbeddedEngine(), screener=Screener.builtin())
    script = "/start\n1\n/who\n/as expert 1\n/start\n1\n/quit\nnever read\n"
    lines: list[str] = []
    await run_terminal(deps, routers(), source=io.StringIO(script), write=lines.append, ansi=False)
    output = "\n".join(lines)
    assert "王二牛> /start" in output and "── 王二牛(农户 1)" in output
    assert "── 王建国(专家 1)" in output and "/as expert 1" in output
    assert "never read" not in output
    async with uow_factory() as uow:
        farmer = (await identify(uow, 10001)).farmer
        expert = (await identify(uow, 20001)).expert
    assert farmer is not None and farmer.name == "王二牛"
    assert expert is not None and expert.name == "王建国"
