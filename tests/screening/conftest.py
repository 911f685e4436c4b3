from __future__ import annotations

from functools import cache
from pathlib import Path

from nlu.screening import Screener, builtin_lists

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "screening"


@cache
def builtin_screener() -> Screener:
    """Built once for the whole session: hypothesis re-runs tests many times."""
    return Screener(builtin_lists())
