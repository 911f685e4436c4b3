"""A thanks, an "ok" or an emoji gets a friendly pointer, not a request to classify."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from storage.models import ServiceRequest
from tests.bot.conftest import FARMER, FARMER_PHONE
from tests.bot.harness import Harness, texts


async def drafts(harness: Harness) -> int:
    async with harness.deps.uow() as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(ServiceRequest)) or 0)


@pytest.mark.parametrize("said", ["谢谢", "好的，谢谢专家！", "嗯", "😀😀", "？", "123", "Thank you!"])
async def test_small_talk_opens_no_request(harness: Harness, said: str) -> None:
    await harness.contact(FARMER, FARMER_PHONE)
    sent = texts(await harness.say(FARMER, said))
    assert sent == [harness.deps.catalog.messages["zh_CN"]["intent.not_a_problem"]]
    assert await drafts(harness) == 0


async def test_a_short_problem_still_opens_one(harness: Harness) -> None:
    await harness.contact(FARMER, FARMER_PHONE)
    sent = texts(await harness.say(FARMER, "羊不吃草"))
    assert sent[0].startswith(harness.deps.catalog.messages["zh_CN"]["intake.received"])
    assert await drafts(harness) == 1


async def test_a_question_the_model_reads_as_out_of_scope_still_opens_a_request(harness: Harness) -> None:
    # Only listed courtesies, "affirm"/"deny" without anything of the farm, or text without letters
    # are passed over: a real question the NLU misses must not be answered with "all right!"
    await harness.contact(FARMER, FARMER_PHONE)
    sent = texts(await harness.say(FARMER, "最近总下雨，地里怎么办"))
    assert sent[0].startswith(harness.deps.catalog.messages["zh_CN"]["intake.received"])
    assert await drafts(harness) == 1
