"""Argument types shared by the `jingfu` commands: a bad value stops argparse with exit code 2."""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable

from render.terminal_text import one_line

# Every id column is INTEGER (storage/models, tests/cli/test_malformed_arguments.py holds it): int4 on
# PostgreSQL. A larger id is not "not found" there but an error of the database, so it never gets there.
ROW_ID_MAX = 2**31 - 1
# ASCII digits only: int() would also take "１２", "1_000" and " 7".
_ROW_ID = re.compile(r"[0-9]{1,10}")
_WHOLE = re.compile(r"-?[0-9]{1,10}")


def row_id(value: str) -> int:
    """An id as typed on the command line: a whole number from 1 to ROW_ID_MAX."""
    if _ROW_ID.fullmatch(value) is None or not 1 <= int(value) <= ROW_ID_MAX:
        raise argparse.ArgumentTypeError(
            f"'{one_line(value)}' is not an id: ids are whole numbers from 1 to {ROW_ID_MAX}"
        )
    return int(value)


def whole_number(low: int, high: int) -> Callable[[str], int]:
    """An argument type for a whole number from `low` to `high` (a count of days, say), typed in ASCII
    digits; anything else stops argparse with the range in the message."""

    def parse(value: str) -> int:
        if _WHOLE.fullmatch(value) is None or not low <= int(value) <= high:
            raise argparse.ArgumentTypeError(
                f"'{one_line(value)}' is not a whole number from {low} to {high}"
            )
        return int(value)

    return parse


# A duration typed in seconds: float() would also take "nan", "inf", "1e400" and "１２".
_SECONDS = re.compile(r"[0-9]{1,6}(\.[0-9]{1,3})?")


def positive_seconds(value: str) -> float:
    """A time limit in seconds: a plain decimal number above zero (at most 999999)."""
    if _SECONDS.fullmatch(value) is None or float(value) <= 0:
        raise argparse.ArgumentTypeError(f"'{one_line(value)}' is not a number of seconds above 0, e.g. 2.5")
    return float(value)
