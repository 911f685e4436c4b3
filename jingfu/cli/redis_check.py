"""REDIS_URL checked before the bot takes updates.

With REDIS_URL set, every update reads and writes its conversation state there. A malformed URL
used to end `jingfu run` in a traceback, and a Redis that is down was only found by the first
farmer's message (then by every message, each answered "something went wrong"). Both are the
operator's to fix, so both are said in one line at start.
"""

from __future__ import annotations

from redis.asyncio import Redis
from redis.exceptions import RedisError

from jingfu.cli.errors import CliError


async def require_redis(url: str) -> None:
    try:
        client = Redis.from_url(url)
    except ValueError as exc:
        raise CliError(f"REDIS_URL is not a Redis URL ({exc}); e.g. redis://127.0.0.1:6379/0") from None
    try:
        await client.ping()
    except (RedisError, OSError) as exc:
        where = client.connection_pool.connection_kwargs
        place = f"{where.get('host', 'localhost')}:{where.get('port', 6379)}"
        raise CliError(f"cannot reach Redis at {place} ({exc}); is it running? check REDIS_URL") from None
    finally:
        await client.aclose()
