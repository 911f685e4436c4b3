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


def warm_up() -> None:
    _frequencies()
