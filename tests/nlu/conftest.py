from __future__ import annotations

import pytest

from nlu.embedded.engine import EmbeddedEngine


@pytest.fixture(scope="session")
def embedded() -> EmbeddedEngine:
    engine = EmbeddedEngine()
    engine.model()  # built once (or loaded from the cache) for the whole session
    return engine
