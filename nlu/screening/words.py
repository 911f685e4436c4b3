"""Ordinary word boundaries, to tell a listed two-character word from two words that touch.

Many listed words are two characters long, and ordinary text produces them by accident where
one word ends and the next begins (母畜|生产 holds 畜生, 几何|平均 holds 何平). A segmenter with a
general dictionary (jieba, without its guessing model) says where the words are; a two-character
hit that starts or ends inside a word is such an accident.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import cache
from itertools import accumulate

import jieba

_CONTEXT = 4  # characters either side that decide how the hit's neighbourhood segments


@cache
def _tokenizer() -> jieba.Tokenizer:
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


def straddles_words(text: str, start: int, end: int, known_words: Sequence[tuple[int, int]] = ()) -> bool:
    """Whether ``text[start:end]`` begins or ends inside a dictionary word of its surroundings.

    ``known_words`` are spans already known to be words (allowed words): their edges are word
    edges, so the segmenter never gets to join a listed word to one of them.
    """
    left = max([start - _CONTEXT, 0, *(e for s, e in known_words if e <= start)])
    right = min([end + _CONTEXT, *(s for s, e in known_words if s >= end)])
    window = text[left:right]
    cuts = {0, *accumulate(len(token) for token in _tokenizer().cut(window, HMM=False))}
    return (start - left) not in cuts or (end - left) not in cuts


def warm_up() -> None:
    _tokenizer()
