"""The only places the bot reaches into aiogram's internals, with why no public API does it.

Written against aiogram 3.31 (pyproject.toml pins aiogram to 3.31.*, so an upgrade is deliberate);
tests/bot/test_aiogram_internals.py fails if a new version moves what is used here.

- `detach`: a router is attached to one parent for good (`Router.parent_router` refuses a second).
  The conversations' routers are module singletons, their handlers declared with decorators at
  import, and tests and benchmarks build several Dispatchers in one process. aiogram has no public
  way to detach one; building the routers anew per Dispatcher would mean declaring every handler
  inside a function.
- `run_sync_filters_inline`: aiogram calls every plain (non-async) filter through
  `asyncio.to_thread` (`CallableObject.call`), magic filters (`F.text`) and FSM states included, and
  has no setting against it. It reads the filters a router-level `.filter()` sets only from the
  observer's private `_handler`, and the operands of `or_f` / `and_f` / `~` from the private logic
  filters' `targets` / `target`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import Router
from aiogram.dispatcher.event.handler import FilterObject
from aiogram.filters.logic import _LogicFilter


def detach(router: Router) -> None:
    """Free `router` to be included in another Dispatcher's tree (its previous parent keeps it in its
    list of sub-routers, which is no longer used)."""
    router._parent_router = None


def run_sync_filters_inline(router: Router) -> None:
    """Evaluate the routers' plain (non-async) filters on the event loop instead of in a thread.

    Ours are all predicates on the update (an attribute, a state name, a set lookup) that take a
    microsecond; the thread hop around each costs a queue hand-off, a GIL switch and a loop wake-up,
    about 20 of them for a farmer's free text, and under load they queue for the default executor's
    few threads. Rule for this code base: a filter never blocks; anything that does I/O is an
    `async def` (aiogram awaits those directly) or belongs in the handler.

    Idempotent: routers are module singletons that several dispatchers (tests, benchmarks) reuse.
    """
    for observer in router.observers.values():
        handlers = [*observer.handlers]
        if hasattr(observer, "_handler"):  # filters set with `router.message.filter(...)`
            handlers.append(observer._handler)
        for handler in handlers:
            for event_filter in handler.filters or ():
                _await_inline(event_filter)
    for sub_router in router.sub_routers:
        run_sync_filters_inline(sub_router)


def _inline(check: Callable[..., Any]) -> Callable[..., Awaitable[Any]]:
    async def run(*args: Any, **kwargs: Any) -> Any:
        return check(*args, **kwargs)

    return run


def _await_inline(event_filter: FilterObject) -> None:
    """One filter, and the filters inside it: `or_f`, `and_f` and `~` wrap each operand in a
    FilterObject of its own, which aiogram calls (through a thread, when plain) on its own."""
    callback = event_filter.callback
    if isinstance(callback, _LogicFilter):  # _AndFilter/_OrFilter hold targets, _InvertFilter a target
        for inner in getattr(callback, "targets", None) or (callback.target,):  # type: ignore[attr-defined]
            _await_inline(inner)
    if not event_filter.awaitable:
        event_filter.callback = _inline(callback)
        event_filter.awaitable = True
