"""The intake asks the farmer to confirm the specialty only when the NLU is unsure of it (issue 19), and
a question that is surely not about farming gets what the bot is for, never a request."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import func, select

from nlu.confidence import threshold_for
from nlu.embedded.engine import EmbeddedEngine
from nlu.interface import ParseResult
from nlu.ranking import decide
from storage.models import ServiceOffer, ServiceRequest
from tests.bot.conftest import FARMER, FARMER_PHONE
from tests.bot.harness import Harness, buttons, texts
from tests.bot.test_park_offers import bind_park, send_offer

OFFER = "我可以到园区讲一次肉羊的饲养和防病"
# Rankings as a model would give them, fixed here so that new training data cannot make these sure or
# unsure; the entities still come from the real engine.
RANKINGS = {
    "我家的牛不太对劲，几头都这样": [  # between animal husbandry and veterinary: unsure
        ("describe_problem__animal_husbandry", 0.60),
        ("describe_problem__veterinary", 0.38),
        ("out_of_scope", 0.02),
    ],
    "玉米叶子上全是蚜虫": [("describe_problem__plant_protection", 0.99), ("out_of_scope", 0.01)],  # sure
    OFFER: [  # an expert's offer to a park, read unsurely
        ("describe_problem__animal_husbandry", 0.60),
        ("describe_problem__veterinary", 0.38),
        ("out_of_scope", 0.02),
    ],
}
UNSURE, SURE, _ = RANKINGS
# Read as sure as halfway between the two engines' thresholds: sure from one engine, unsure from the other.
BETWEEN = "葵花叶子上有斑"
BETWEEN_SHARE = (threshold_for("rasa") + threshold_for("embedded")) / 2
RANKINGS[BETWEEN] = [("describe_problem__plant_protection", BETWEEN_SHARE), ("greet", 1 - BETWEEN_SHARE)]


class Scripted:
    """The embedded engine, with the ranking of the texts above replaced, as if `answering` had parsed it."""

    name = "scripted"

    def __init__(self, engine: EmbeddedEngine) -> None:
        self._engine = engine
        self.answering = "embedded"

    async def parse(self, text: str) -> ParseResult:
        parsed = await self._engine.parse(text)
        if text not in RANKINGS:
            return parsed
        intent, specialty = decide(RANKINGS[text])
        return replace(parsed, intent=intent, specialty=specialty, engine=self.answering)

    async def close(self) -> None:
        return None


@pytest.fixture
def nlu_engine(nlu_engine: EmbeddedEngine) -> Scripted:
    return Scripted(nlu_engine)


async def _draft(h: Harness) -> ServiceRequest:
    async with h.deps.uow() as uow:
        draft = await uow.session.get(ServiceRequest, await h.latest_request_id())
    assert draft is not None
    return draft


async def test_a_sure_specialty_is_not_asked(harness: Harness) -> None:
    h = harness
    zh = h.deps.catalog.messages["zh_CN"]
    await h.contact(FARMER, FARMER_PHONE)
    sent = await h.say(FARMER, SURE)
    said = "\n".join(texts(sent))
    assert zh["intake.ask_specialty"] not in said and "是关于「" not in said
    assert zh["intake.ask_media"] in said  # the crop was named too: on to the photos
    assert (await _draft(h)).specialty_code == "plant_protection"


async def test_an_unsure_specialty_is_asked_with_the_guess_first(harness: Harness) -> None:
    h = harness
    await h.contact(FARMER, FARMER_PHONE)
    sent = await h.say(FARMER, UNSURE)
    request_id = await h.latest_request_id()
    assert "是关于「畜牧养殖」的问题吗？" in texts(sent)[0]
    labels = buttons(sent)
    assert labels[0] == ("✅ 是", f"sp:{request_id}:animal_husbandry")
    assert ("兽医防疫", f"sp:{request_id}:veterinary") in labels[1:]
    assert "畜牧养殖" not in [label for label, _ in labels]  # the guess is the yes, not listed again
    assert len(labels) == 11  # every specialty once
    # the others in the taxonomy's order (crops, plant protection, animals, veterinary), not by code
    assert [label for label, _ in labels[1:4]] == ["作物栽培", "设施园艺与果蔬", "土壤肥料"]
    assert (await _draft(h)).specialty_code is None  # nothing filed before the farmer answers


@pytest.mark.parametrize("answering", ["rasa", "embedded"])
async def test_the_specialty_is_asked_by_the_threshold_of_the_engine_that_read_it(
    harness: Harness, nlu_engine: Scripted, answering: str
) -> None:
    # Rasa's confidences run lower than the embedded engine's, so its threshold is lower; when Rasa is
    # down the embedded engine answers, and its own threshold applies.
    h = harness
    nlu_engine.answering = answering
    await h.contact(FARMER, FARMER_PHONE)
    sent = await h.say(FARMER, BETWEEN)
    asked = "是关于「植物保护」的问题吗？" in "\n".join(texts(sent))
    assert asked is (threshold_for(answering) > BETWEEN_SHARE)
    assert (await _draft(h)).specialty_code == (None if asked else "plant_protection")
    assert {"rasa": False, "embedded": True}[answering] is asked


async def test_yes_keeps_the_guess(harness: Harness) -> None:
    h = harness
    zh = h.deps.catalog.messages["zh_CN"]
    await h.contact(FARMER, FARMER_PHONE)
    sent = await h.say(FARMER, UNSURE)
    sent = await h.press(FARMER, buttons(sent)[0][1])
    assert (await _draft(h)).specialty_code == "animal_husbandry"
    assert zh["intake.ask_media"] in texts(sent)[0]  # 牛 was read: no more questions but the photos


async def test_another_specialty_replaces_the_guess(harness: Harness) -> None:
    h = harness
    await h.contact(FARMER, FARMER_PHONE)
    sent = await h.say(FARMER, UNSURE)
    vet = next(data for label, data in buttons(sent) if label == "兽医防疫")
    await h.press(FARMER, vet)
    assert (await _draft(h)).specialty_code == "veterinary"


async def test_the_guess_is_asked_in_english_too(harness: Harness) -> None:
    h = harness
    await h.contact(FARMER, FARMER_PHONE)
    sent = await h.say(FARMER, "/language")
    await h.press(FARMER, next(data for label, data in buttons(sent) if label == "English"))
    sent = await h.say(FARMER, UNSURE)
    assert "Is it about Animal husbandry?" in texts(sent)[0]
    assert buttons(sent)[0][0] == "✅ Yes"


@pytest.mark.parametrize("asked", ["明天会下雨吗", "手机话费怎么充", "给我讲个笑话"])
async def test_a_question_surely_not_about_farming_gets_what_the_bot_is_for(
    harness: Harness, asked: str
) -> None:
    h = harness
    await h.contact(FARMER, FARMER_PHONE)
    assert texts(await h.say(FARMER, asked)) == [h.deps.catalog.messages["zh_CN"]["intent.out_of_scope"]]
    async with h.deps.uow() as uow:
        assert await uow.session.scalar(select(func.count()).select_from(ServiceRequest)) == 0


async def test_an_experts_offer_keeps_even_an_unsure_guess(harness: Harness) -> None:
    # No farmer is there to confirm it: the request an accept creates is named by the guess, as before
    await bind_park(harness)
    offer_id, _ = await send_offer(harness, OFFER)
    async with harness.deps.uow() as uow:
        offer = await uow.session.get(ServiceOffer, offer_id)
    assert offer is not None and offer.specialty_code == "animal_husbandry"
