"""The bot's token and Bot API server from the settings, checked before anything connects: for
`jingfu run` and for the back office's photo fetching (jingfu.cli.admin_serve)."""

from __future__ import annotations

import re

from jingfu.cli.errors import CliError
from jingfu.settings import BotSettings

TOKEN_SHAPE = re.compile(r"^\d+:[A-Za-z0-9_-]{30,}$")


def checked_token(settings: BotSettings) -> str:
    token = settings.telegram_bot_token.get_secret_value().strip() if settings.telegram_bot_token else ""
    if not token:
        raise CliError("TELEGRAM_BOT_TOKEN is not set; put the token @BotFather gave you in the environment")
    if not TOKEN_SHAPE.match(token):
        # Never echo the value: a mistyped token is still mostly a secret.
        raise CliError(
            "TELEGRAM_BOT_TOKEN is malformed; expected <digits>:<at least 30 letters, digits, _ or ->"
        )
    return token


def checked_api_base(settings: BotSettings) -> str | None:
    base = (settings.telegram_api_base or "").strip().rstrip("/")
    if base and not re.match(r"^https?://[^\s/]+", base):
        raise CliError(
            f"TELEGRAM_API_BASE must be an http(s) URL such as http://127.0.0.1:8081, not {base!r}"
        )
    return base or None
