"""The demo seed as a test world: a bound farmer in 临河区 and the names of the people around them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from core.seed.demo import seed_demo
from storage.models import County, Expert, Farmer, ServiceObject
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class World:
    farmer_id: int
    service_object_id: int
    county_id: int
    other_county_id: int
    experts: dict[str, int]  # by name
    other_county_expert_id: int


async def build_world(
    uow_factory: Callable[[], UnitOfWork], telegram_user_id: int = 1001, *, now: datetime | None = None
) -> World:
    async with uow_factory() as uow:
        await seed_demo(uow, now=now)
    async with uow_factory() as uow:
        linhe = await uow.session.scalar(select(County).where(County.name == "临河区"))
        wuyuan = await uow.session.scalar(select(County).where(County.name == "五原县"))
        assert linhe is not None and wuyuan is not None
        household = await uow.session.scalar(
            select(ServiceObject).where(ServiceObject.name == "临河区狼山镇王二牛示范户")
        )
        assert household is not None
        farmer = Farmer(
            telegram_user_id=telegram_user_id,
            name="王二牛",
            phone="13904781001",
            service_object_id=household.id,
            county_id=linhe.id,
        )
        uow.session.add(farmer)
        await uow.commit()
        experts = {e.name: e.id for e in (await uow.session.scalars(select(Expert))).all()}
        other = await uow.session.scalar(select(Expert.id).where(Expert.county_id == wuyuan.id).limit(1))
        assert other is not None
        return World(farmer.id, household.id, linhe.id, wuyuan.id, experts, other)
