from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from storage.models import County
from storage.uow import UnitOfWork


async def test_work_not_committed_is_rolled_back(uow_factory: Callable[[], UnitOfWork]) -> None:
    async with uow_factory() as uow:
        uow.session.add(County(code="999901", name="测试旗"))
        await uow.flush()
    async with uow_factory() as uow:
        assert await uow.session.scalar(select(County).where(County.code == "999901")) is None


async def test_committed_objects_stay_readable_after_the_unit_ends(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    async with uow_factory() as uow:
        county = County(code="999902", name="测试县")
        uow.session.add(county)
        await uow.commit()
        await uow.session.scalar(select(County.id))  # a read after the commit opens a new transaction
    assert county.name == "测试县" and county.id is not None
