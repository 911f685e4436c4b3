from __future__ import annotations

from nlu.embedded.engine import EmbeddedEngine
from nlu.factory import build_engine
from nlu.rasa_client import RasaEngine


async def test_without_rasa_url_the_embedded_engine_serves() -> None:
    assert isinstance(build_engine(None), EmbeddedEngine)
    assert isinstance(build_engine(""), EmbeddedEngine)


async def test_with_rasa_url_rasa_serves_and_the_embedded_engine_backs_it_up() -> None:
    engine = build_engine("http://127.0.0.1:5005/", timeout_s=1.5)
    assert isinstance(engine, RasaEngine)
    assert engine.url == "http://127.0.0.1:5005"
    assert isinstance(engine.fallback, EmbeddedEngine)
    await engine.close()
