"""Which failures are an outage of the bot's own services (database, Redis), not a fault in the update.

An update that fails because PostgreSQL or Redis is unreachable will succeed unchanged once the
service is back, so it is kept and handled again (bot.polling); an update that fails for any other
reason would fail the same way every time, so it is answered with the generic error and let go.
Telegram's own failures are not counted here: sends are retried where they are made
(bot.middlewares.retry_sends), and a reply that never got through is not made good by running the
whole update again.
"""

from __future__ import annotations

from aiogram.exceptions import TelegramAPIError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

# OSError covers a refused or reset connection and asyncio's timeouts, raised bare when a new
# connection cannot be opened; SQLAlchemy wraps what fails on an open connection.
_UNREACHABLE = (
    OperationalError,
    InterfaceError,
    PoolTimeoutError,
    RedisConnectionError,
    RedisTimeoutError,
    OSError,
)


def is_transient(error: BaseException) -> bool:
    """True when `error`, or an error it was raised from, says a service the bot needs is away."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, TelegramAPIError):
            return False
        if isinstance(current, _UNREACHABLE):
            return True
        if isinstance(current, DBAPIError) and current.connection_invalidated:
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False
