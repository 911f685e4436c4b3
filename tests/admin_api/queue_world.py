"""Pending requests placed at chosen times, and an admin app whose clock the test sets."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from admin_api.app import create_admin_app
from admin_api.services import AdminServices
from core.admin_tokens import create_token
from core.duty_hours import expected_review_at
from storage.enums import AdminRole, RequestStatus
from storage.models import Farmer, ServiceObject, Township
from storage.uow import UnitOfWork
from tests import factories

UowFactory = Callable[[], UnitOfWork]
FLAGGED = {"description": {"verdict": "flag", "hits": [{"term": "农药", "category": "敏感"}]}}
CLEAN = {"description": {"verdict": "clean", "hits": []}}


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


@asynccontextmanager
async def desk_at(
    session_factory: async_sessionmaker[AsyncSession], clock: Clock
) -> AsyncIterator[TestClient]:
    app = create_admin_app(AdminServices(session_factory=session_factory, clock=clock))
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        yield client


async def staff_token(
    uow_factory: UowFactory, role: AdminRole, county: str | None, name: str, *, now: datetime | None = None
) -> dict[str, str]:
    async with uow_factory() as uow:
        issued = await create_token(uow, role=role, county_name=county, name=name, now=now)
    return {"Authorization": f"Bearer {issued.token}"}


async def farmer_in(uow_factory: UowFactory, township_name: str) -> int:
    """A farmer of a household in the named township (of the demo's counties)."""
    async with uow_factory() as uow:
        township = await uow.session.scalar(select(Township).where(Township.name == township_name))
        assert township is not None
        household = ServiceObject(
            kind="household",
            name=f"{township_name}测试户",
            county_id=township.county_id,
            township_id=township.id,
        )
        uow.session.add(household)
        await uow.flush()
        farmer = await factories.farmer(uow, township.county_id, service_object_id=household.id)
        await uow.commit()
        return farmer.id


async def pending_at(
    uow_factory: UowFactory,
    farmer_id: int,
    submitted_at: datetime,
    *,
    screening: dict[str, Any] | None = None,
    specialty: str = "plant_protection",
    status: RequestStatus = RequestStatus.pending_review,
) -> int:
    async with uow_factory() as uow:
        farmer = await uow.session.get(Farmer, farmer_id)
        assert farmer is not None
        row = await factories.service_request(
            uow,
            farmer,
            status=status,
            specialty_code=specialty,
            submitted_at=submitted_at,
            review_expected_at=expected_review_at(submitted_at),
            screening=screening or CLEAN,
            photo_file_ids=[],
        )
        await uow.commit()
        return row.id
