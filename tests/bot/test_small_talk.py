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


async def test_the_crop_question_asks_again_for_small_talk_and_keeps_the_named_crop(harness: Harness) -> None:
    await harness.contact(FARMER, FARMER_PHONE)
    sent = texts(await harness.say(FARMER, "叶子发黄还有黑斑，种了20亩"))
    zh = harness.deps.catalog.messages["zh_CN"]
    assert zh["intake.ask_subject"] in sent[0]
    assert texts(await harness.say(FARMER, "好的")) == [zh["intake.ask_subject_again"]]
    assert texts(await harness.say(FARMER, "😀")) == [zh["intake.ask_subject_again"]]
    await harness.say(FARMER, "我种的是葵花，第一年种")  # a sentence naming the crop
    async with harness.deps.uow() as uow:
        draft = await uow.session.get(ServiceRequest, await harness.latest_request_id())
    assert draft is not None and draft.subject == "向日葵"  # the canonical name experts are matched on


@pytest.mark.parametrize("said", ["今天天气咋样", "手机没话费了"])
async def test_the_crop_question_asks_again_for_a_question_surely_not_about_farming(
    harness: Harness, said: str
) -> None:
    # Stored as the crop, "今天天气咋样" would be matched on and shown to the reviewer as the subject
    await harness.contact(FARMER, FARMER_PHONE)
    sent = texts(await harness.say(FARMER, "叶子发黄还有黑斑，种了20亩"))
    zh = harness.deps.catalog.messages["zh_CN"]
    assert zh["intake.ask_subject"] in sent[0]
    assert texts(await harness.say(FARMER, said)) == [zh["intake.ask_subject_again"]]
    async with harness.deps.uow() as uow:
        draft = await uow.session.get(ServiceRequest, await harness.latest_request_id())
    assert draft is not None and draft.subject is None
    await harness.say(FARMER, "沙棘")  # a crop the farmer names is still taken
    async with harness.deps.uow() as uow:
        draft = await uow.session.get(ServiceRequest, await harness.latest_request_id())
    assert draft is not None and draft.subject == "沙棘"


async def test_a_crop_the_nlu_does_not_know_is_asked_again_once_then_filed(harness: Harness) -> None:
    # 锁阳 grows in Bayannur, yet the model reads the bare word as no farming: asking again for ever
    # would leave the farmer no way on
    await harness.contact(FARMER, FARMER_PHONE)
    await harness.say(FARMER, "叶子发黄还有黑斑，种了20亩")
    zh = harness.deps.catalog.messages["zh_CN"]
    assert texts(await harness.say(FARMER, "锁阳")) == [zh["intake.ask_subject_again"]]
    sent = texts(await harness.say(FARMER, "锁阳"))
    assert zh["intake.ask_subject_again"] not in sent
    async with harness.deps.uow() as uow:
        draft = await uow.session.get(ServiceRequest, await harness.latest_request_id())
    assert draft is not None and draft.subject == "锁阳"
