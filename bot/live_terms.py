"""The bot screens with the database's term lists as they are now, without a restart.

Every TERMS_EVERY_S the bot asks the database for the lists' version (core.term_lists.version: one
small query); when it changed, it builds a new screener from the built-in lists plus the database's,
off the event loop (a build takes about a second), and swaps it into the deps in one assignment:
a message being screened finishes with the screener it started with.
"""

from __future__ import annotations

import asyncio
from functools import cache

from bot.deps import BotDeps
from core import term_lists
from nlu.screening import Screener
from nlu.screening.lists import TermLists, builtin_lists
from nlu.screening.model import Action, Term
from storage.enums import TermAction
from storage.models import TermEntry

TERMS_EVERY_S = 2.0
_ACTIONS = {TermAction.block: Action.BLOCK, TermAction.flag: Action.FLAG, TermAction.advise: Action.ADVISE}


@cache
def _builtin() -> TermLists:
    return builtin_lists()


def lists_of(entries: list[TermEntry]) -> TermLists:
    """The database's entries as lists a screener is built from. They are the city's own terms,
    found wherever they appear (`exact`), like the built-in ones."""
    listed = tuple(
        Term(e.term, e.category, _ACTIONS[e.action], exact=True) for e in entries if e.action in _ACTIONS
    )
    allowed = tuple(e.term for e in entries if e.action is TermAction.allow)
    return TermLists(listed, allowed)


class LiveTerms:
    """Keeps `deps.screener` built from the lists of the version last seen."""

    def __init__(self, deps: BotDeps) -> None:
        self.deps = deps
        self.seen: tuple[int, int] = (0, 0)  # the deps start with the built-in lists alone

    async def refresh(self) -> bool:
        """Rebuild when the lists changed; True when a new screener went in."""
        async with self.deps.uow() as uow:
            now = await term_lists.version(uow)
            if now == self.seen:
                return False
            entries = await term_lists.all_terms(uow)
        lists = _builtin() + lists_of(entries)
        options = self.deps.screener.options
        # Prepared in the thread too: the first message after the swap must not pay the lazy tables
        # (seconds of the dictionary's loading, on the event loop).
        self.deps.screener = await asyncio.to_thread(lambda: Screener(lists, options).prepared())
        self.seen = now
        return True
