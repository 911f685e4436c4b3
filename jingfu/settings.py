"""Settings, one class per concern, read from the environment by a factory (never at import time)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_PATH = PROJECT_ROOT / "var" / "jingfu.sqlite3"


class DatabaseSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore")

    database_url: str = Field(
        default=f"sqlite+aiosqlite:///{DEFAULT_SQLITE_PATH}",
        description="SQLAlchemy URL; sqlite+aiosqlite (embedded default) or postgresql+asyncpg.",
    )
    database_echo: bool = False


class BotSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore")

    telegram_bot_token: SecretStr | None = None
    telegram_api_base: str | None = None


class NluSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore")

    rasa_url: str | None = None
    rasa_timeout_s: float = 2.0


class AdminSettings(BaseSettings):
    """Where the back office's HTTP API listens (`jingfu admin serve`, and beside the bot)."""

    model_config = SettingsConfigDict(extra="ignore")

    # Loopback by default: the API holds farmers' data; exposing it is a deliberate act.
    admin_host: str = "127.0.0.1"
    admin_port: int = Field(default=8080, ge=0, le=65535)
    # True only behind a TLS proxy that sets X-Forwarded-Proto itself: the console's session cookie
    # is then marked Secure for the https the browser sees (a client could forge the header).
    admin_trust_proxy: bool = False


class RedisSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore")

    redis_url: str | None = None
    # One pool for everything the bot keeps in Redis (forms, per-chat locks): a caller waits up to
    # the timeout for a free connection instead of failing at once (bot.factory.redis_client). An
    # update holds one connection at a time, so at least as many as updates in flight.
    redis_max_connections: int = Field(default=500, ge=1)
    redis_pool_timeout_s: float = Field(default=5.0, gt=0)


def load_database_settings() -> DatabaseSettings:
    return DatabaseSettings()


def load_bot_settings() -> BotSettings:
    return BotSettings()


def load_nlu_settings() -> NluSettings:
    return NluSettings()


def load_admin_settings() -> AdminSettings:
    return AdminSettings()


def load_redis_settings() -> RedisSettings:
    return RedisSettings()
