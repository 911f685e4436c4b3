"""The command menu Telegram shows next to the input field, in Chinese (the default) and English."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import BotCommand

# (Chinese, English) descriptions. Kept here rather than in the catalogs: Telegram stores them per
# language once at start-up, they never reach a conversation.
COMMANDS: dict[str, tuple[str, str]] = {
    "start": ("开始 / 绑定身份", "Start and link your account"),
    "menu": ("主菜单", "Main menu"),
    "help": ("使用帮助", "How to use the bot"),
    "language": ("切换语言", "Change language"),
    "requests": ("我的服务请求", "My service requests"),
    "balance": ("服务券余额", "Voucher balance"),
    "cancel": ("取消当前操作", "Cancel the current step"),
}


def bot_commands(language: str) -> list[BotCommand]:
    index = 0 if language == "zh" else 1
    return [BotCommand(command=name, description=texts[index]) for name, texts in COMMANDS.items()]


async def register_commands(bot: Bot) -> None:
    # No language_code is the fallback for every user whose language has no list of its own.
    await bot.set_my_commands(bot_commands("zh"))
    await bot.set_my_commands(bot_commands("en"), language_code="en")
