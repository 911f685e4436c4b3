"""Small builders for database rows, for tests that need a few real records.

Each helper adds its row to the unit of work's session and flushes, so the id is known; the caller
commits when it wants the rows visible to another unit of work. Unique fields (codes, phones, invite
codes) come from one counter, so helpers can be called any number of times in a test.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from sqlalchemy import select

from core import expert_figures
from storage.enums import ExpertStatus, RequestStatus, ServiceObjectKind
from storage.models import (
    County,
    Expert,
    ExpertSpecialty,
    Farmer,
    Rating,
    ServiceObject,
    ServiceRequest,
    Specialty,
    Team,
)
from storage.models.base import Base
from storage.uow import UnitOfWork

_serial = itertools.count(1)

SPECIALTY_NAMES = {
    "crop_cultivation": ("作物栽培", "Crop cultivation", "crop_cultivation"),
    "horticulture": ("设施园艺与果蔬", "Horticulture", "crop_cultivation"),
    "soil_fertilizer": ("土壤肥料", "Soil and fertiliser", "crop_cultivation"),
    "plant_protection": ("植物保护", "Plant protection", "plant_protection"),
    "animal_husbandry": ("畜牧养殖", "Animal husbandry", "animal_husbandry"),
    "veterinary": ("兽医防疫", "Veterinary", "veterinary"),
}

TERM_START = date(2022, 1, 1)
TERM_END = date(2026, 12, 31)

RowT = TypeVar("RowT", bound=Base)


def serial() -> int:
    return next(_serial)


async def _add(uow: UnitOfWork, row: RowT) -> RowT:
    uow.session.add(row)
    await uow.flush()
    return row


async def county(uow: UnitOfWork, name: str | None = None) -> County:
    n = serial()
    return await _add(uow, County(code=f"C{n}", name=name or f"测试旗{n}"))


async def specialty(uow: UnitOfWork, code: str) -> Specialty:
    """Get or create: specialties are shared reference data keyed by code."""
    existing = await uow.session.get(Specialty, code)
    if existing is not None:
        return existing
    name_zh, name_en, group = SPECIALTY_NAMES.get(code, (code, code, code))
    return await _add(uow, Specialty(code=code, name_zh=name_zh, name_en=name_en, coarse_group=group))


async def team(uow: UnitOfWork, county_id: int) -> Team:
    """The county's team (one per county), created on first use."""
    existing = await uow.session.scalar(select(Team).where(Team.county_id == county_id))
    if existing is not None:
        return existing
    return await _add(uow, Team(county_id=county_id, name=f"专家团{county_id}"))


async def expert(
    uow: UnitOfWork,
    county_id: int,
    *,
    specialties: Iterable[str] = ("plant_protection",),
    keywords: Iterable[str] = (),
    status: ExpertStatus = ExpertStatus.active,
    term_start: date = TERM_START,
    term_end: date = TERM_END,
    name: str | None = None,
    title: str = "高级农艺师",
    **fields: Any,
) -> Expert:
    n = serial()
    codes = list(specialties)
    for code in codes:
        await specialty(uow, code)
    row = Expert(
        name=name or f"专家{n}",
        phone=f"139{n:08d}",
        title=title,
        team_id=(await team(uow, county_id)).id,
        county_id=county_id,
        keywords=list(keywords),
        term_start=term_start,
        term_end=term_end,
        status=status,
        specialties=[ExpertSpecialty(specialty_code=code) for code in codes],
        **fields,
    )
    return await _add(uow, row)


async def service_object(
    uow: UnitOfWork, county_id: int, *, kind: ServiceObjectKind = ServiceObjectKind.household
) -> ServiceObject:
    n = serial()
    return await _add(uow, ServiceObject(kind=kind, name=f"示范户{n}", county_id=county_id))


async def farmer(uow: UnitOfWork, county_id: int, *, service_object_id: int | None = None) -> Farmer:
    n = serial()
    if service_object_id is None:
        service_object_id = (await service_object(uow, county_id)).id
    return await _add(
        uow,
        Farmer(
            telegram_user_id=700_000_000 + n,
            name=f"农户{n}",
            service_object_id=service_object_id,
            county_id=county_id,
        ),
    )


async def service_request(
    uow: UnitOfWork,
    farmer_row: Farmer,
    *,
    status: RequestStatus = RequestStatus.pending_review,
    expert_id: int | None = None,
    specialty_code: str | None = "plant_protection",
    subject: str | None = "向日葵",
    submitted_at: datetime | None = datetime(2024, 6, 1, 2, tzinfo=UTC),
    completed_at: datetime | None = None,
    **fields: Any,
) -> ServiceRequest:
    """A request in any status, fields set directly (bypassing the lifecycle) for tests of later steps."""
    if specialty_code is not None:
        await specialty(uow, specialty_code)
    row = ServiceRequest(
        farmer_id=farmer_row.id,
        service_object_id=farmer_row.service_object_id,
        county_id=farmer_row.county_id,
        status=status,
        expert_id=expert_id,
        specialty_code=specialty_code,
        subject=subject,
        description="叶片发黄",
        submitted_at=submitted_at,
        completed_at=completed_at,
        **fields,
    )
    row = await _add(uow, row)
    if status in expert_figures.DONE_STATUSES and expert_id is not None and completed_at is not None:
        # What the completion would have counted (core.expert_figures), as the lifecycle is bypassed.
        await expert_figures.count_service(uow, expert_id, completed_at)
    return row


async def rating(uow: UnitOfWork, request: ServiceRequest, stars: int) -> Rating:
    assert request.expert_id is not None, "a rated request has an expert"
    row = await _add(
        uow,
        Rating(request_id=request.id, farmer_id=request.farmer_id, expert_id=request.expert_id, stars=stars),
    )
    await expert_figures.count_rating(uow, request.expert_id, stars, row.created_at)
    return row
