"""The scale a farmer writes in words ("十几只", "三头") reaches the request: a number to count, the
farmer's words to read. Before, only digits were read, and "十亩地" showed 规模：（未填）."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storage.models import ServiceRequest
from tests.bot.conftest import FARMER, FARMER_PHONE
from tests.bot.harness import Harness, texts


@pytest.mark.parametrize(
    ("problem", "shown", "stored"),
    [
        ("我家羊拉稀，最近有十几只不吃草", "十几只", (11.0, "只")),
        ("家里三头奶牛不吃料，怎么办", "三头", (3.0, "头")),
        ("二十多亩玉米叶子发黄", "二十多亩", (20.0, "亩")),
        ("我家20亩葵花叶子发黄", "20亩", (20.0, "亩")),
    ],
)
async def test_the_scale_in_the_farmers_words(
    harness: Harness, problem: str, shown: str, stored: tuple[float, str]
) -> None:
    h = harness
    await h.contact(FARMER, FARMER_PHONE)
    await h.say(FARMER, problem)
    async with h.deps.uow() as uow:
        draft = await uow.session.scalar(select(ServiceRequest))
        assert draft is not None
        assert (draft.scale_quantity, draft.scale_unit) == stored
        request_id = draft.id
    summary = texts(await h.press(FARMER, f"in:{request_id}:media_done"))[0]
    assert f"规模：{shown}\n" in summary
