"""What `jingfu run` and `jingfu shell` check before they take any update.

A database that is down or behind, a malformed REDIS_URL, a Redis that is down: unchecked, each
would be found by the first farmer's message (then by every message, each answered "something went
wrong"). All are the operator's to fix, so all are said in one line at start, never as a traceback
(jingfu.cli.database_errors words the database's).
"""

from __future__ import annotations

from redis.asyncio import Redis
from redis.exceptions import RedisError

from jingfu.cli.errors import CliError
from jingfu.settings import DatabaseSettings, load_redis_settings
from storage import migrate


async def ready_to_serve(database: DatabaseSettings) -> str | None:
    """Check the database (reachable, schema at the newest revision) and Redis when configured;
    the REDIS_URL, or None for conversation state kept in the process."""
    await migrate.require_head(database.database_url)
    redis_url = load_redis_settings().redis_url
    if redis_url:
        await require_redis(redis_url)
    return redis_url


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
