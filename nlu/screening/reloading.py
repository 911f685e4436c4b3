"""A screener that can take new lists while the process runs (the admin API edits lists)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from nlu.screening.lists import TermLists
from nlu.screening.model import ScreeningResult
from nlu.screening.screener import Screener, ScreenerOptions


class ReloadableScreener:
    """Holds the current screener; ``reload()`` builds a new one from the list source and swaps it in.

    Checks never wait for a reload: they use whichever screener was current when they started,
    and a failed reload (a bad list file) leaves the current screener in place. A new screener is
    prepared (``Screener.prepared``) before it goes in, so its first check is as fast as any.
    """

    def __init__(self, source: Callable[[], TermLists], options: ScreenerOptions | None = None) -> None:
        self._source = source
        self._options = options
        self._lock = threading.Lock()
        self._current = Screener(source(), options).prepared()

    @property
    def current(self) -> Screener:
        return self._current

    def check(self, text: str) -> ScreeningResult:
        return self._current.check(text)

    def reload(self) -> Screener:
        with self._lock:  # two reloads at once would only build twice; one is enough
            self._current = Screener(self._source(), self._options).prepared()
            return self._current
