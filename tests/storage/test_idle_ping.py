"""Server connections are pinged on checkout only after sitting idle in the pool (storage.engine)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from sqlalchemy.exc import DisconnectionError

from storage import engine as storage_engine


class _Record:
    def __init__(self) -> None:
        self.info: dict[str, Any] = {}


class _Dialect:
    def __init__(self, alive: bool) -> None:
        self.alive = alive
        self.pings = 0

    def do_ping(self, _connection: Any) -> bool:
        self.pings += 1
        if not self.alive:
            raise OSError("connection reset by peer")
        return True


def _checkout(dialect: _Dialect, record: _Record) -> None:
    storage_engine._ping_if_idle(dialect, object(), record, None)  # type: ignore[arg-type]


def test_a_connection_just_returned_is_not_pinged() -> None:
    dialect, record = _Dialect(alive=False), _Record()
    _checkout(dialect, record)  # a new connection: just opened
    storage_engine._note_checkin(object(), record)  # type: ignore[arg-type]
    _checkout(dialect, record)
    assert dialect.pings == 0


def test_a_connection_idle_for_long_is_pinged_and_replaced_when_gone() -> None:
    record = _Record()
    record.info["checked_in_at"] = time.monotonic() - storage_engine.PING_AFTER_IDLE_S - 1
    alive = _Dialect(alive=True)
    _checkout(alive, record)
    assert alive.pings == 1
    with pytest.raises(DisconnectionError):  # the pool then opens a fresh connection
        _checkout(_Dialect(alive=False), record)
