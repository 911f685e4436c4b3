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


class RedisSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore")

    redis_url: str | None = None


def load_database_settings() -> DatabaseSettings:
    return DatabaseSettings()


def load_bot_settings() -> BotSettings:
    return BotSettings()


def load_nlu_settings() -> NluSettings:
    return NluSettings()


def load_redis_settings() -> RedisSettings:
    return RedisSettings()
