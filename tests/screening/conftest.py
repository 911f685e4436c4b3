from __future__ import annotations

from functools import cache

from jingfu.shared_data import shared_data
from nlu.screening import Screener, builtin_lists

DATA = shared_data() / "screening"


@cache
def builtin_screener() -> Screener:
    """Built once for the whole session: hypothesis re-runs tests many times."""
    return Screener(builtin_lists())
