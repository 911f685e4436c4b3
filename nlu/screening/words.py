"""Ordinary word boundaries, to tell a listed two-character word from two words that touch.

Many listed words are two characters long, and ordinary text produces them by accident where
one word ends and the next begins (母畜|生产 holds 畜生, 几何|平均 holds 何平). jieba's general
dictionary says which words exist and how common they are: when a more common word runs across
an edge of the hit, a reader (and jieba's segmenter) reads that word, not the listed one.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import cache, lru_cache

import jieba
import numpy as np
import numpy.typing as npt

_LONGEST = 4  # dictionary words up to this long are considered across an edge


@cache
def _frequencies() -> dict[str, int]:
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer.FREQ


def straddles_words(text: str, start: int, end: int, known_words: Sequence[tuple[int, int]] = ()) -> bool:
    """Whether a word more common than ``text[start:end]`` runs across one of its edges.

    ``known_words`` are spans already known to be words (allowed words): a crossing word may not
    reach into one, so an allowed word never swallows a listed word next to it.
    """
    left = max([start - _LONGEST + 1, 0, *(e for s, e in known_words if e <= start)])
    right = min([end + _LONGEST - 1, len(text), *(s for s, e in known_words if s >= end)])
    return _straddles(text[left:right], start - left, end - left)


@lru_cache(maxsize=1 << 16)  # the same neighbourhoods recur across messages (common phrases)
def _straddles(window: str, start: int, end: int) -> bool:
    frequencies = _frequencies()
    own = frequencies.get(window[start:end]) or 0
    for edge in (start, end):
        for i in range(max(0, edge - _LONGEST + 1), edge):
            for j in range(edge + 1, min(len(window), i + _LONGEST) + 1):
                if (i, j) != (start, end) and (frequencies.get(window[i:j]) or 0) > own:
                    return True
    return False


@cache
def crossing_pairs() -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Every pair of neighbouring characters in a dictionary word of 2 to ``_LONGEST`` characters
    (as ``first << 21 | second``, code points needing 21 bits), sorted, and the highest frequency
    of such a word that holds it. A word that runs across an edge of a hit holds the pair of
    characters either side of that edge: where that pair is in no word more common than the hit,
    no word straddles that edge."""
    frequencies = _frequencies()
    # jieba also lists every prefix of its words, with frequency 0: those are no words.
    found = [(word, count) for word, count in frequencies.items() if count > 0 and 2 <= len(word) <= _LONGEST]
    points = np.frombuffer("\n".join(word for word, _ in found).encode("utf-32-le"), dtype=np.uint32)
    points = points.astype(np.int64)
    lengths = np.fromiter((len(word) for word, _ in found), dtype=np.int64, count=len(found))
    counts = np.fromiter((count for _, count in found), dtype=np.int64, count=len(found))
    inside = (points[:-1] != _NEWLINE) & (points[1:] != _NEWLINE)
    pairs = (points[:-1] << 21 | points[1:])[inside]
    # The count of the word each character (and the line break after it) belongs to; a pair
    # belongs to the word of its first character.
    point_counts = np.repeat(counts, lengths + 1)[: len(points)]
    pair_counts = point_counts[:-1][inside]
    order = np.lexsort((pair_counts, pairs))
    pairs, pair_counts = pairs[order], pair_counts[order]
    last = np.append(pairs[1:] != pairs[:-1], True)  # of each pair, with its highest count
    return pairs[last], pair_counts[last]


def frequency(word: str) -> int:
    return _frequencies().get(word) or 0


_NEWLINE = ord("\n")


def warm_up() -> None:
    crossing_pairs()
