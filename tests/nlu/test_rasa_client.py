from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from nlu.circuit import CircuitBreaker
from nlu.confidence import needs_confirmation, sureness, threshold_for
from nlu.interface import Entity, Intent, ParseResult, Specialty
from nlu.rasa_client import NoFallback, RasaEngine, RasaUnavailable

TEXT = "俺家葵花叶子上有黑斑"
GOOD = {
    "text": TEXT,
    "intent": {"name": "describe_problem__plant_protection", "confidence": 0.7},
    "intent_ranking": [
        {"name": "describe_problem__plant_protection", "confidence": 0.7},
        {"name": "describe_problem__crop_cultivation", "confidence": 0.2},
        {"name": "greet", "confidence": 0.1},
    ],
    "entities": [{"entity": "crop", "value": "向日葵", "start": 2, "end": 4, "extractor": "DIETClassifier"}],
}

Behaviour = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class FakeRasa:
    """A stand-in for ``rasa run --enable-api``: each request takes the next behaviour in line."""

    behaviours: list[Behaviour] = field(default_factory=list)
    calls: int = 0

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.calls += 1
        behaviour = self.behaviours.pop(0) if self.behaviours else answer_good
        return await behaviour(request)


async def answer_good(request: web.Request) -> web.StreamResponse:
    assert (await request.json()) == {"text": TEXT}
    return web.json_response(GOOD)


async def answer_500(request: web.Request) -> web.StreamResponse:
    return web.Response(status=500, text="boom")


async def answer_garbage(request: web.Request) -> web.StreamResponse:
    return web.Response(text="{not json", content_type="application/json")


async def answer_wrong_shape(request: web.Request) -> web.StreamResponse:
    return web.json_response({"intent": {"name": "greet", "confidence": 0.9}, "entities": [{"entity": "x"}]})


async def answer_slowly(request: web.Request) -> web.StreamResponse:
    await asyncio.sleep(1.0)
    return web.json_response(GOOD)


class RecordingFallback:
    name = "embedded"

    def __init__(self) -> None:
        self.texts: list[str] = []

    async def parse(self, text: str) -> ParseResult:
        self.texts.append(text)
        return ParseResult(
            text, Intent("describe_problem", 1.0), Specialty("veterinary", 1.0), (), "embedded"
        )

    async def close(self) -> None:
        return None


@pytest.fixture
async def fake() -> AsyncIterator[tuple[FakeRasa, str]]:
    rasa = FakeRasa()
    app = web.Application()
    app.router.add_post("/model/parse", rasa.handle)
    server = TestServer(app)
    await server.start_server()
    yield rasa, str(server.make_url("")).rstrip("/")
    await server.close()


def engine_for(url: str, fallback: RecordingFallback, **kwargs: object) -> RasaEngine:
    return RasaEngine(url, fallback=fallback, timeout_s=0.3, **kwargs)  # type: ignore[arg-type]


async def test_a_rasa_answer_becomes_intent_specialty_and_entities(fake: tuple[FakeRasa, str]) -> None:
    _, url = fake
    fallback = RecordingFallback()
    engine = engine_for(url, fallback)
    result = await engine.parse(TEXT)
    await engine.close()
    assert result.intent.name == "describe_problem"
    assert result.intent.confidence == pytest.approx(0.9)
    assert result.specialty == Specialty("plant_protection", 0.7, 0.7)  # sureness: its group's sum
    assert result.entities == (Entity("crop", "向日葵", 2, 4),)
    assert result.engine == "rasa"
    assert fallback.texts == [] and engine.stats["rasa"] == 1


@pytest.mark.parametrize("failure", [answer_500, answer_garbage, answer_wrong_shape, answer_slowly])
async def test_one_failure_is_retried(fake: tuple[FakeRasa, str], failure: Behaviour) -> None:
    rasa, url = fake
    rasa.behaviours = [failure, answer_good]
    fallback = RecordingFallback()
    engine = engine_for(url, fallback)
    result = await engine.parse(TEXT)
    await engine.close()
    assert result.engine == "rasa"
    assert rasa.calls == 2 and fallback.texts == []


@pytest.mark.parametrize("failure", [answer_500, answer_garbage, answer_wrong_shape, answer_slowly])
async def test_two_failures_fall_back_logged_and_counted(
    fake: tuple[FakeRasa, str], failure: Behaviour, caplog: pytest.LogCaptureFixture
) -> None:
    rasa, url = fake
    rasa.behaviours = [failure, failure]
    fallback = RecordingFallback()
    engine = engine_for(url, fallback)
    with caplog.at_level(logging.WARNING, logger="nlu.rasa_client"):
        result = await engine.parse(TEXT)
    await engine.close()
    assert result.engine == "embedded" and fallback.texts == [TEXT]
    assert engine.stats["fallback"] == 1 and engine.stats["errors"] == 2
    assert "unavailable" in caplog.text


async def test_an_open_circuit_stops_calling_until_it_may_probe(fake: tuple[FakeRasa, str]) -> None:
    rasa, url = fake
    now = [0.0]
    breaker = CircuitBreaker(failure_threshold=2, reset_after_s=10.0, clock=lambda: now[0])
    rasa.behaviours = [answer_500] * 4
    fallback = RecordingFallback()
    engine = engine_for(url, fallback, breaker=breaker)
    for _ in range(2):
        await engine.parse(TEXT)
    assert breaker.state == "open" and rasa.calls == 4
    await engine.parse(TEXT)
    assert rasa.calls == 4, "an open circuit must not call the server"
    now[0] = 11.0
    result = await engine.parse(TEXT)  # half-open: one probe, which succeeds and closes the circuit
    await engine.close()
    assert result.engine == "rasa" and breaker.state == "closed"
    assert engine.stats["fallback"] == 3


async def test_an_unreachable_server_falls_back() -> None:
    fallback = RecordingFallback()
    engine = engine_for("http://127.0.0.1:9", fallback)
    result = await engine.parse(TEXT)
    await engine.close()
    assert result.engine == "embedded"


async def test_without_fallback_a_failure_is_an_error(fake: tuple[FakeRasa, str]) -> None:
    rasa, url = fake
    rasa.behaviours = [answer_500, answer_500]
    engine = RasaEngine(url, fallback=NoFallback(), timeout_s=0.3)
    with pytest.raises(RasaUnavailable):
        await engine.parse(TEXT)
    await engine.close()


def answer_sure_by(share: float) -> Behaviour:
    """A Rasa answer that reads plant protection with `share` of the confidence, greet the rest."""

    async def answer(request: web.Request) -> web.StreamResponse:
        ranking = [
            {"name": "describe_problem__plant_protection", "confidence": share},
            {"name": "greet", "confidence": 1.0 - share},
        ]
        return web.json_response(
            {"text": TEXT, "intent": ranking[0], "intent_ranking": ranking, "entities": []}
        )

    return answer


class EmbeddedSureBy:
    """The fallback's answer with the same sureness as the Rasa one above."""

    name = "embedded"

    def __init__(self, share: float) -> None:
        self.share = share

    async def parse(self, text: str) -> ParseResult:
        specialty = Specialty("plant_protection", self.share, self.share)
        return ParseResult(text, Intent("describe_problem", self.share), specialty, (), "embedded")

    async def close(self) -> None:
        return None


async def test_a_parse_is_confirmed_by_the_threshold_of_the_engine_that_answered_it(
    fake: tuple[FakeRasa, str],
) -> None:
    # The engines' confidences are distributed differently, so each has its own threshold; when Rasa is
    # down and the embedded engine answers, the embedded one's applies.
    rasa_threshold, embedded_threshold = threshold_for("rasa"), threshold_for("embedded")
    between = (rasa_threshold + embedded_threshold) / 2
    rasa, url = fake
    rasa.behaviours = [answer_sure_by(between), answer_500, answer_500]
    engine = RasaEngine(url, fallback=EmbeddedSureBy(between), timeout_s=0.3)
    from_rasa, fell_back = await engine.parse(TEXT), await engine.parse(TEXT)
    await engine.close()
    assert (from_rasa.engine, fell_back.engine) == ("rasa", "embedded")
    assert sureness(from_rasa) == pytest.approx(between) and sureness(fell_back) == pytest.approx(between)
    assert needs_confirmation(from_rasa) is (between < rasa_threshold)
    assert needs_confirmation(fell_back) is (between < embedded_threshold)
    assert needs_confirmation(from_rasa) is not needs_confirmation(fell_back)
