"""Builds the engine the bot uses: Rasa over HTTP when ``RASA_URL`` is set, else the embedded one."""

from __future__ import annotations

from pathlib import Path

from nlu.embedded.engine import EmbeddedEngine
from nlu.interface import NluEngine
from nlu.rasa_client import RasaEngine


def build_engine(
    rasa_url: str | None,
    *,
    timeout_s: float = 2.0,
    embedded_cache_dir: Path | None = None,
) -> NluEngine:
    embedded = EmbeddedEngine(cache_dir=embedded_cache_dir)
    if not rasa_url:
        return embedded
    return RasaEngine(rasa_url, fallback=embedded, timeout_s=timeout_s)
