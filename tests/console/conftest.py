"""The console served for real (aiohttp's TestServer), console users with cheap argon2 costs."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator

import pytest
from aiohttp.test_utils import TestClient, TestServer
from argon2 import PasswordHasher
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from admin_api.app import create_admin_app
from admin_api.services import AdminServices
from core import console_users, passwords
from storage.enums import AdminRole
from storage.uow import UnitOfWork

PASSWORD = "稻花香里说丰年-2026"


@pytest.fixture(autouse=True)
def cheap_hashes() -> Iterator[None]:
    # The defaults cost ~400 ms a hash; a test's hashes need not resist anyone.
    default = passwords.HASHER
    passwords.HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    yield
    passwords.HASHER = default


async def console_user(
    uow_factory: Callable[[], UnitOfWork], name: str, role: AdminRole, county: str | None = None
) -> int:
    async with uow_factory() as uow:
        user = await console_users.create_user(
            uow, name=name, role=role, county_name=county, password=PASSWORD
        )
    return user.id


@pytest.fixture
async def console(session_factory: async_sessionmaker[AsyncSession]) -> AsyncIterator[TestClient]:
    app = create_admin_app(AdminServices(session_factory=session_factory))
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        yield client
