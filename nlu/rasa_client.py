"""The Rasa engine: ``POST /model/parse`` over aiohttp, with the embedded engine as its fallback."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from typing import Any

import aiohttp

from nlu.circuit import CircuitBreaker
from nlu.interface import Entity, NluEngine, ParseResult, nothing_to_understand
from nlu.ranking import decide

log = logging.getLogger(__name__)


class RasaUnavailable(Exception):
    """The server did not give a usable answer (timeout, HTTP error, malformed JSON)."""


def result_from_rasa(text: str, payload: Any) -> ParseResult:
    if not isinstance(payload, dict) or not isinstance(payload.get("intent"), dict):
        raise RasaUnavailable("response without an intent")
    try:
        ranking = [(str(r["name"]), float(r["confidence"])) for r in payload.get("intent_ranking") or []]
        if not ranking:
            ranking = [(str(payload["intent"]["name"]), float(payload["intent"]["confidence"]))]
        entities = tuple(
            Entity(str(e["entity"]), str(e["value"]), int(e["start"]), int(e["end"]))
            for e in payload.get("entities") or []
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise RasaUnavailable(f"malformed response: {exc!r}") from exc
    intent, specialty = decide(ranking)
    return ParseResult(text, intent, specialty, entities, engine="rasa")


class RasaEngine:
    """Asks the Rasa server; when it fails (after one retry) or its circuit is open, the fallback
    answers, and the fallback is logged and counted in ``stats``."""

    name = "rasa"

    def __init__(
        self,
        url: str,
        fallback: NluEngine,
        timeout_s: float = 2.0,
        breaker: CircuitBreaker | None = None,
        session: aiohttp.ClientSession | None = None,
    ) -> None:
        self.url = url.rstrip("/")
        self.fallback = fallback
        self.breaker = breaker or CircuitBreaker()
        self.stats: Counter[str] = Counter()
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)
        self._session = session
        self._owns_session = session is None

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
            self._owns_session = True
        return self._session

    async def _ask(self, text: str) -> ParseResult:
        try:
            async with self._client().post(
                f"{self.url}/model/parse", json={"text": text}, timeout=self._timeout
            ) as response:
                if response.status != 200:
                    raise RasaUnavailable(f"HTTP {response.status}")
                payload = await response.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            raise RasaUnavailable(f"{type(exc).__name__}: {exc}") from exc
        return result_from_rasa(text, payload)

    async def parse(self, text: str) -> ParseResult:
        if not text.strip():
            return nothing_to_understand(text, self.name)
        if self.breaker.allows_call():
            for attempt in (1, 2):
                try:
                    result = await self._ask(text)
                except RasaUnavailable as exc:
                    self.stats["errors"] += 1
                    reason = str(exc)
                    if attempt == 1:
                        continue
                    self.breaker.record_failure()
                else:
                    self.breaker.record_success()
                    self.stats["rasa"] += 1
                    return result
        else:
            reason = "circuit open"
        self.stats["fallback"] += 1
        log.warning(
            "Rasa at %s unavailable (%s); the %s engine answers", self.url, reason, self.fallback.name
        )
        return await self.fallback.parse(text)

    async def close(self) -> None:
        if self._session is not None and self._owns_session and not self._session.closed:
            await self._session.close()
        await self.fallback.close()


class NoFallback:
    """For measuring Rasa alone: a failed call is an error, not a quiet answer from another engine."""

    name = "none"

    async def parse(self, text: str) -> ParseResult:
        raise RasaUnavailable(f"Rasa did not answer for {text!r} and fallback is off")

    async def close(self) -> None:
        return None


async def parse_many(engine: NluEngine, texts: list[str], concurrency: int = 8) -> list[ParseResult]:
    """Parse in order with bounded concurrency (the Rasa server handles requests concurrently)."""
    gate = asyncio.Semaphore(concurrency)

    async def one(text: str) -> ParseResult:
        async with gate:
            return await engine.parse(text)

    return list(await asyncio.gather(*(one(t) for t in texts)))
