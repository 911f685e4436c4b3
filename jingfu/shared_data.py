"""Where the team's shared evaluation material is: `shared/data` beside the checkout.

A clone made somewhere else (CI clones into a fresh temporary folder) finds it beside the checkout it
was cloned from, or wherever JINGFU_SHARED_DATA points. Tests and benches read it in place; nothing
of it is copied into the project.
"""

from __future__ import annotations

import os
import subprocess
from functools import cache
from pathlib import Path

VARIABLE = "JINGFU_SHARED_DATA"
_ROOT = Path(__file__).resolve().parents[1]


def _origin() -> Path | None:
    """The local checkout this one was cloned from, if any."""
    try:
        url = subprocess.run(
            ["git", "-C", str(_ROOT), "config", "--get", "remote.origin.url"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    except OSError:
        return None
    return Path(url) if url and "://" not in url and Path(url).is_dir() else None


@cache
def shared_data() -> Path:
    if os.environ.get(VARIABLE):
        return Path(os.environ[VARIABLE])
    beside = _ROOT.parent / "shared" / "data"
    if beside.is_dir():
        return beside
    origin = _origin()
    if origin is not None and (origin.parent / "shared" / "data").is_dir():
        return origin.parent / "shared" / "data"
    return beside  # missing: the reader's error names the path it looked for
