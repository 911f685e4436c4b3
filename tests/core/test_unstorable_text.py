"""Core refuses text no database stores, whoever sends it (the bot cleans it first; the admin API's
JSON or a script could carry it too): a clear InvalidInput instead of PostgreSQL's
"invalid byte sequence for encoding UTF8: 0x00" and a rolled-back request."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from core import requests
from core.errors import InvalidInput
from storage.models import ServiceRequest
from storage.uow import UnitOfWork
from tests.demo_world import build_world


@pytest.mark.parametrize("text", ["叶子\x00发黄", "叶子发黄\ud800"])
async def test_a_description_with_a_nul_or_a_lone_surrogate_is_refused_and_nothing_stored(
    uow_factory: Callable[[], UnitOfWork], text: str
) -> None:
    world = await build_world(uow_factory)
    async with uow_factory() as uow:
        draft = await requests.create_draft(uow, world.farmer_id, description="叶子发黄")
    async with uow_factory() as uow:
        with pytest.raises(InvalidInput, match="cannot be stored") as refused:
            await requests.update_draft(uow, draft.id, world.farmer_id, description=text)
        assert refused.value.details["field"] == "description"
    async with uow_factory() as uow:
        stored = await uow.session.get(ServiceRequest, draft.id)
        assert stored is not None and stored.description == "叶子发黄"
