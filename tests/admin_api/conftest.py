"""The admin API served for real (aiohttp's TestServer on loopback) over the test database."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from admin_api.app import create_admin_app
from admin_api.services import AdminServices


@pytest.fixture
async def api(session_factory: async_sessionmaker[AsyncSession]) -> AsyncIterator[TestClient]:
    app = create_admin_app(AdminServices(session_factory=session_factory))
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        yield client
