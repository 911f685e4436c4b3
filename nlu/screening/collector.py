"""Pausing Python's cyclic garbage collector around work that makes many lasting objects and no
cyclic garbage: building a term index (some 300,000 objects) and checking many texts (their
results). Making them would otherwise run the collector over them and everything else young again
and again, a fifth of a build's time."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """The collector off for the block and on again after it; once resumed, what the block made is
    young to it as before. Process-wide: a rebuild in a worker thread (the bot's LiveTerms, about a
    second) leaves the event loop without cyclic collection meanwhile, which costs nothing but memory
    held a little longer."""
    if not gc.isenabled():  # paused by someone else: theirs to resume
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
