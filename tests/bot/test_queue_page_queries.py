"""The expert's queue page costs the same few statements however many lines it lists.

It used to look up each in-service line's farmer, one query per line: a page of ten cost twelve
statements, and the expert in an outbreak, with the longest queue, waited longest. Counted on the
test engine (SQLite, or PostgreSQL with TEST_DATABASE_URL), each page read in a fresh unit of work
so that nothing is answered from an identity map.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from dialogs.queue_page import PAGE_SIZE, queue_page
from render.i18n import Catalog
from storage.enums import RequestStatus
from storage.models import Expert
from storage.uow import UnitOfWork
from tests import factories


@contextmanager
def statements(engine: AsyncEngine) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)


async def _page_statements(engine: AsyncEngine, uow_factory: Any, catalog: Catalog, expert_id: int) -> int:
    async with uow_factory() as uow:
        expert = await uow.session.get(Expert, expert_id)
        with statements(engine) as seen:
            shown = await queue_page(catalog.translator("zh_CN"), uow, expert, 0)
    assert shown is not None
    return len(seen)


async def _request_of_a_new_farmer(uow: UnitOfWork, county_id: int, expert_id: int) -> str:
    """An in-service request of a farmer of its own, whose name its queue line shows."""
    farmer = await factories.farmer(uow, county_id)
    await factories.service_request(uow, farmer, status=RequestStatus.in_service, expert_id=expert_id)
    return farmer.name


async def test_a_full_page_costs_what_one_line_costs(
    engine: AsyncEngine, uow_factory: Any, catalog: Catalog
) -> None:
    async with uow_factory() as uow:
        county = await factories.county(uow)
        expert = await factories.expert(uow, county.id)
        names = [await _request_of_a_new_farmer(uow, county.id, expert.id)]
        await uow.commit()
    one_line = await _page_statements(engine, uow_factory, catalog, expert.id)

    async with uow_factory() as uow:
        names += [await _request_of_a_new_farmer(uow, county.id, expert.id) for _ in range(PAGE_SIZE + 2)]
        await uow.commit()
    full_page = await _page_statements(engine, uow_factory, catalog, expert.id)

    assert full_page == one_line == 2  # the count, and the page of lines with their farmers
    async with uow_factory() as uow:
        expert_row = await uow.session.get(Expert, expert.id)
        shown = await queue_page(catalog.translator("zh_CN"), uow, expert_row, 0)
    assert shown is not None
    text, _ = shown
    assert all(name in text for name in names[:PAGE_SIZE])  # each line still says whose it is
