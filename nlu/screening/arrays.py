"""Array helpers of the batch path: code points, run edges, sorted-code lookups, object arrays, and
the pause of the garbage collector while a batch is checked."""

from __future__ import annotations

import gc
import operator
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import chain
from typing import Any

import numpy as np
import numpy.typing as npt

from nlu.screening import words
from nlu.screening.model import Term

_Array = npt.NDArray[Any]


def rows_of(found: list[tuple[int, int, int]]) -> _Array:
    """Matches as an array of (pattern, start, end) rows; flattening first is twice as fast as
    ``np.array`` on the list of tuples."""
    flat = np.fromiter(chain.from_iterable(found), dtype=np.int64, count=3 * len(found))
    return flat.reshape(-1, 3)


def code_points(text: str) -> _Array:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def common_pair(first: _Array, second: _Array, than: _Array) -> _Array:
    """Whether each pair of characters is in a dictionary word more common than ``than``."""
    pairs, counts = words.crossing_pairs()
    codes = first.astype(np.int64) << 21 | second
    at = sorted_search(pairs, codes)
    return (pairs[at] == codes) & (counts[at] > than)


LONGER_SHAPE_SHIFT = 42  # below the shape of a longer word's code: two characters of 21 bits


def longer_word_code(common: int, before: int, after: int, around: str) -> int:
    """The code of a longer word holding common word number ``common`` (``Screener.common_words``):
    ``before`` characters before it and ``after`` after it (two bits each), and ``around``, those
    characters (21 bits each)."""
    code = 0
    for char in around:
        code = code << 21 | ord(char)
    return (common << 4 | before << 2 | after) << LONGER_SHAPE_SHIFT | code


def sorted_search(sorted_codes: _Array, codes: _Array) -> _Array:
    """Where each code is or would go in the (non-empty) sorted codes, the end clipped to the last.
    The codes are looked up in sorted order: each search then starts where the last one ended,
    several times faster in a large table."""
    order = np.argsort(codes)
    at = np.empty(len(codes), dtype=np.intp)
    at[order] = np.searchsorted(sorted_codes, codes[order])
    return np.minimum(at, len(sorted_codes) - 1)


def member(sorted_codes: _Array, codes: _Array) -> _Array:
    if not len(sorted_codes):
        return np.zeros(len(codes), dtype=np.bool_)
    return sorted_codes[sorted_search(sorted_codes, codes)] == codes


def first_last_length(keys: list[str]) -> tuple[_Array, _Array, _Array]:
    """The first and last code point and the length of each (non-empty) key."""
    lengths = np.fromiter(map(len, keys), dtype=np.int64, count=len(keys))
    if not len(keys):
        return lengths, lengths, lengths
    starts = np.cumsum(lengths + 1) - lengths - 1
    points = code_points("\n".join(keys))
    return points[starts], points[starts + lengths - 1], lengths


def run_edges(mask: _Array) -> _Array:
    """Starts and ends of the runs of True, interleaved."""
    padded = np.zeros(len(mask) + 2, dtype=np.int8)
    padded[1:-1] = mask
    return np.flatnonzero(padded[1:] != padded[:-1])


def decode_points(points: _Array) -> str:
    return points.tobytes().decode("utf-32-le", "surrogatepass")


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a batch is checked. A batch makes no cyclic
    garbage, but tens of thousands of lasting tuples (hits, their tuples, results) and lists of
    tens of thousands of numbers (read from arrays); making them ran the collector some 170 times
    over them and everything else young, and every other batch a full collection over the whole
    process: together about a tenth of the batch's time. Once the batch is checked the collector
    resumes; to it the results are then young objects as before, and most are gone before it
    looks (a caller drops a batch's results once read)."""
    if not gc.isenabled():  # paused by someone else: theirs to resume
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def objects(values: Iterable[object], count: int) -> _Array:
    """An object array of the values, kept as they are (``np.array`` would make strings of str
    enums, and arrays of tuples)."""
    return np.fromiter(values, dtype=object, count=count)


def term_columns(terms: list[Term]) -> tuple[_Array, ...]:
    """The texts, categories and actions of the terms (what a Hit carries), as three object arrays."""
    return tuple(objects(map(operator.itemgetter(i), terms), len(terms)) for i in range(_HIT_TERM_FIELDS))


_HIT_TERM_FIELDS = 3  # text, category, action: the Term fields a Hit repeats
