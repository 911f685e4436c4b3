"""The embedded engine: builds its model from the training YAML on first use and caches it on disk."""

from __future__ import annotations

import asyncio
import logging
import os
import pickle
import threading
import time
from pathlib import Path

from nlu.embedded.model import EmbeddedModel, train
from nlu.interface import ParseResult, nothing_to_understand
from nlu.ranking import decide
from nlu.training_data import TRAINING_DATA_DIR, fingerprint, load_training_data, training_files

log = logging.getLogger(__name__)

# Bump when the features or the classifier change, so cached models built by older code are not reused.
MODEL_FORMAT = "embedded-8"


def default_cache_dir() -> Path:
    configured = os.environ.get("JINGFU_NLU_CACHE")
    return Path(configured) if configured else Path.home() / ".cache" / "jingfu" / "nlu-embedded"


def load_or_build(data_dir: Path = TRAINING_DATA_DIR, cache_dir: Path | None = None) -> EmbeddedModel:
    cache_dir = cache_dir or default_cache_dir()
    # The engine's own code is hashed too: a changed feature or classifier never reuses an old model.
    code = sorted(Path(__file__).parent.glob("*.py"))
    path = cache_dir / f"{fingerprint([*training_files(data_dir), *code], salt=MODEL_FORMAT)}.pkl"
    if path.exists():
        try:
            with path.open("rb") as stream:
                model: EmbeddedModel = pickle.load(stream)
            return model
        except (OSError, pickle.UnpicklingError, AttributeError, EOFError) as exc:
            log.warning("embedded NLU cache %s unreadable (%s); rebuilding", path, exc)
    started = time.perf_counter()
    model = train(load_training_data(data_dir))
    log.info("embedded NLU model built in %.1f s", time.perf_counter() - started)
    cache_dir.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.tmp")
    with partial.open("wb") as stream:
        pickle.dump(model, stream, protocol=pickle.HIGHEST_PROTOCOL)
    partial.replace(path)  # atomic, so a concurrent reader never sees half a file
    return model


class EmbeddedEngine:
    name = "embedded"

    def __init__(self, data_dir: Path = TRAINING_DATA_DIR, cache_dir: Path | None = None) -> None:
        self._data_dir = data_dir
        self._cache_dir = cache_dir
        self._model: EmbeddedModel | None = None
        self._loading = threading.Lock()

    def model(self) -> EmbeddedModel:
        if self._model is None:
            with self._loading:
                if self._model is None:
                    self._model = load_or_build(self._data_dir, self._cache_dir)
        return self._model

    def parse_sync(self, text: str) -> ParseResult:
        if not text.strip():
            return nothing_to_understand(text, self.name)
        ranking, entities = self.model().analyse(text)
        intent, specialty = decide(ranking)
        return ParseResult(text, intent, specialty, entities, engine=self.name)

    async def warm_up(self) -> None:
        """Build or load the model off the event loop (a first build takes several seconds)."""
        await asyncio.to_thread(self.model)

    async def parse(self, text: str) -> ParseResult:
        if self._model is None:
            await self.warm_up()
        return self.parse_sync(text)

    async def close(self) -> None:
        return None
