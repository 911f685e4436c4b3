"""The terminal channel's conversation state, kept in a JSON file between shell sessions.

A Telegram chat outlives the bot process, and in production the forms live in Redis. The shell
runs on the embedded defaults, where aiogram keeps them in memory: a newcomer who quit half-way
through a form and opened the shell again found it gone (a photo then started a new request, and
the next word became a problem of its own). This keeps them in a file next to the database.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from aiogram.exceptions import DataNotDictLikeError
from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, StateType, StorageKey
from sqlalchemy.engine import make_url

log = logging.getLogger(__name__)


def state_file_for(database_url: str, folder: Path) -> tuple[Path, str]:
    """The file for this database's conversations, and a mark of the database they belong to.

    A form refers to rows (the draft it fills in), so its state means nothing to another database,
    nor to a SQLite file deleted and created anew ("start the demo over"): the mark is the file's
    inode, and state saved under another mark is dropped on loading."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database:
        database = Path(url.database)
        mark = str(database.stat().st_ino) if database.exists() else ""
        return database.with_suffix(".shell-state.json"), mark
    return folder / f"shell-state-{hashlib.sha1(database_url.encode()).hexdigest()[:10]}.json", ""


def write_json(path: Path, saved: object) -> None:
    """Write `saved` as JSON in place of the file; a shell killed mid-write leaves the previous one whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps(saved, ensure_ascii=False), encoding="utf-8")
    os.replace(partial, path)


def _slot(key: StorageKey) -> str:
    return "|".join(
        str(part)
        for part in (
            key.bot_id,
            key.chat_id,
            key.user_id,
            key.thread_id,
            key.business_connection_id,
            key.destiny,
        )
    )


class FileStorage(BaseStorage):
    def __init__(self, path: Path, mark: str = "") -> None:
        self.path = path
        self.mark = mark
        self._records: dict[str, dict[str, Any]] = {}
        try:
            saved = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return
        except (OSError, ValueError) as exc:  # a damaged file costs the open forms, not the shell
            log.warning("conversation state in %s unreadable (%s); starting without it", path, exc)
            return
        if isinstance(saved, dict) and saved.get("mark") == mark and isinstance(saved.get("records"), dict):
            self._records = saved["records"]
        else:
            log.info("conversation state in %s belongs to another database; starting without it", path)

    def _record(self, key: StorageKey) -> dict[str, Any]:
        return self._records.setdefault(_slot(key), {"state": None, "data": {}})

    def _save(self) -> None:
        write_json(self.path, {"mark": self.mark, "records": self._records})

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        self._record(key)["state"] = state.state if isinstance(state, State) else state
        self._save()

    async def get_state(self, key: StorageKey) -> str | None:
        state = self._records.get(_slot(key), {}).get("state")
        return str(state) if state is not None else None

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        if not isinstance(data, dict):
            raise DataNotDictLikeError(f"Data must be a dict or dict-like object, got {type(data).__name__}")
        self._record(key)["data"] = dict(data)
        self._save()

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        return dict(self._records.get(_slot(key), {}).get("data", {}))

    async def close(self) -> None:
        pass
