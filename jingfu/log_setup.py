"""The logging of jingfu's long-running commands, with secrets taken out of every record.

aiogram logs the Bot API URL, `…/bot<token>/getUpdates`, whenever a response is not what it
expected (a proxy's error page, a connection cut mid-answer): the bot token, which is the whole
of the bot's identity, went to the log.

Why a record factory (logging.setLogRecordFactory) and not a filter: a filter on the root logger
never sees the records of child loggers (aiogram.dispatcher, aiohttp.client) that propagate to
the root's handlers, and a filter on each handler misses every handler added later by someone
else: SQLAlchemy's echo adds its own, a test's caplog adds one. The factory runs once, when any
logger in the process creates a record, before any handler sees it. It redacts the formatted
message (so a secret inside an argument's str(), such as an exception holding the URL, is caught),
and formats the exception and stack text there too, redacted, where every Formatter then reads it.

What is redacted: each secret given to `install_redaction` (the configured token, the passwords of
DATABASE_URL and REDIS_URL), URL-quoted or not, and, as a belt, anything shaped like a Telegram bot
token after "bot" in a URL (a token from another setting, or a second bot).
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from jingfu.settings import load_database_settings, load_redis_settings

REDACTED = "<redacted>"
TELEGRAM_TOKEN_IN_URL = re.compile(r"(?<=bot)\d{6,}:[A-Za-z0-9_-]{30,}")
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Shorter strings are no secrets worth hiding, and would blank out ordinary words.
MIN_SECRET_CHARS = 6

_secrets: set[str] = set()
_formatter = logging.Formatter()


def redact(text: str) -> str:
    """`text` with every known secret and every bot token in a URL replaced by REDACTED."""
    for secret in sorted(_secrets, key=len, reverse=True):  # a secret may contain a shorter one
        text = text.replace(secret, REDACTED)
    return TELEGRAM_TOKEN_IN_URL.sub(REDACTED, text)


def _redacted(record: logging.LogRecord) -> logging.LogRecord:
    try:
        message = record.getMessage()
    except Exception:  # arguments that do not fit the format: logging reports it, with them
        message = f"{record.msg} {record.args!r}"
    clean = redact(message)
    if clean != message:
        record.msg, record.args = clean, None
    if record.exc_info and not record.exc_text:
        record.exc_text = redact(_formatter.formatException(record.exc_info))
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
    return record


def install_redaction(secrets: Iterable[str | None] = ()) -> None:
    """Redact `secrets` (and bot tokens in URLs) in every log record from now on, from any logger.
    Installs the record factory once; later calls only add secrets."""
    for secret in secrets:
        if secret and len(secret) >= MIN_SECRET_CHARS:
            _secrets.update({secret, quote(secret, safe="")})
    factory = logging.getLogRecordFactory()
    if getattr(factory, "redacts_secrets", False):
        return
    make_record = factory

    def redacting_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return _redacted(make_record(*args, **kwargs))

    redacting_factory.redacts_secrets = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(redacting_factory)


def url_password(url: str | None) -> str | None:
    """The password in a DATABASE_URL or REDIS_URL, if any (a URL that does not parse has none)."""
    try:
        password = urlsplit(url or "").password
    except ValueError:
        return None
    return unquote(password) if password else None  # install_redaction adds the quoted form


def configure_logging(
    *, secrets: Iterable[str | None] = (), handlers: list[logging.Handler] | None = None
) -> None:
    """INFO and above to stderr (or to `handlers`), `secrets` and the passwords of DATABASE_URL and
    REDIS_URL redacted; the one setup of `jingfu run` and `jingfu shell`."""
    urls = (load_database_settings().database_url, load_redis_settings().redis_url)
    install_redaction([*secrets, *map(url_password, urls)])
    if handlers is None:
        handlers = [logging.StreamHandler(sys.stderr)]
    for handler in handlers:
        handler.setFormatter(logging.Formatter(FORMAT))
    logging.basicConfig(level=logging.INFO, handlers=handlers, force=True)
    # The schema check at start opens an Alembic context, which announces its dialect at INFO: noise.
    logging.getLogger("alembic").setLevel(logging.WARNING)
