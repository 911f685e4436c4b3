"""Wiring for commands: one engine per command run, units of work from it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from core.errors import DomainError
from jingfu.cli.errors import CliError
from jingfu.settings import load_database_settings
from storage.engine import UnsupportedDatabaseError, create_engine, create_session_factory
from storage.uow import UnitOfWork

T = TypeVar("T")


async def run_with_uow(work: Callable[[UnitOfWork], Awaitable[T]]) -> T:
    settings = load_database_settings()
    try:
        engine = create_engine(settings.database_url, echo=settings.database_echo, must_exist=True)
    except UnsupportedDatabaseError as exc:
        raise CliError(str(exc)) from None
    try:
        async with UnitOfWork(create_session_factory(engine)) as uow:
            return await work(uow)
    except DomainError as exc:
        raise CliError(exc.message) from None
    finally:
        await engine.dispose()
