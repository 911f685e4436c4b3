"""The bot builds what screening and NLU need before it takes the first update (issue 17): the first
farmer after a start waited 4.4 s for the model and the screener's dictionary tables.
bench/first_message.py measures it (docs/bot.md)."""

from __future__ import annotations

from pathlib import Path

from bot.wiring import bot_deps
from jingfu.settings import DatabaseSettings, NluSettings
from nlu.embedded.engine import EmbeddedEngine


async def test_the_deps_come_with_nlu_and_screening_built(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'start.sqlite3'}"
    async with bot_deps(DatabaseSettings(database_url=url), NluSettings(rasa_url=None)) as deps:
        assert isinstance(deps.nlu, EmbeddedEngine)
        assert deps.nlu._model is not None  # loaded (or built), not left for the first parse
        # The tables the dictionary gives, built on a screener's first check before
        assert deps.screener.index.dictionary_tables_ready
