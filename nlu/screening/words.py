"""Ordinary word boundaries, to tell a listed two-character word from two words that touch.

Many listed words are two characters long, and ordinary text produces them by accident where
one word ends and the next begins (母畜|生产 holds 畜生, 几何|平均 holds 何平). jieba's general
dictionary says which words exist and how common they are: when a more common word runs across
an edge of the hit, a reader (and jieba's segmenter) reads that word, not the listed one.

A general list also bans very common words (政府, 革命, 主席), which ordinary text then holds inside
longer words (市政府, 革命性, 主席台). A hit of such a common word that is only a piece of a longer
dictionary word, not itself listed, is read as that word (``inside_longer_word``); rarer listed
words (法轮功) are found inside any word, as before (法轮功学员).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Container, Sequence
from functools import cache, lru_cache

import jieba

LONGEST = 4  # dictionary words up to this long are considered across an edge


@cache
def frequencies_table() -> dict[str, int]:
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer.FREQ


def straddles_words(text: str, start: int, end: int, known_words: Sequence[tuple[int, int]] = ()) -> bool:
    """Whether a word more common than ``text[start:end]`` runs across one of its edges.

    ``known_words`` are spans already known to be words (allowed words): a crossing word may not
    reach into one, so an allowed word never swallows a listed word next to it.
    """
    left = max([start - LONGEST + 1, 0, *(e for s, e in known_words if e <= start)])
    right = min([end + LONGEST - 1, len(text), *(s for s, e in known_words if s >= end)])
    return straddles_window(text[left:right], start - left, end - left)


@lru_cache(maxsize=1 << 16)  # the same neighbourhoods recur across messages (common phrases)
def straddles_window(window: str, start: int, end: int) -> bool:
    frequencies = frequencies_table()
    own = frequencies.get(window[start:end]) or 0
    for edge in (start, end):
        for i in range(max(0, edge - LONGEST + 1), edge):
            for j in range(edge + 1, min(len(window), i + LONGEST) + 1):
                if (i, j) != (start, end) and (frequencies.get(window[i:j]) or 0) > own:
                    return True
    return False


def frequency(word: str) -> int:
    return frequencies_table().get(word) or 0


# Common words. On the Zipf scale (log10 of a word's frequency per billion words; van Heuven et
# al., 2014) words of 4 and up are high-frequency words. A listed word from 4.5 up (some 32 per
# million words of text, e.g. 政府, 革命, 军事) is general vocabulary: a list that bans it
# means one reading of it, while ordinary text uses it all the time. No term of the team's own
# block lists is that common (the most common, 杀人, is at 4.48): their compounds (杀人犯, 赌博机)
# are as bad as they are, and the rules for common words must not touch them.
COMMON_ZIPF = 4.5
# The numeral spellings of a listed code (patterns.number_variants) are dropped next to a word
# from the middle of the scale up, halfway between the low-frequency band (to 3) and the high
# one: only a spelling the list did not write is given up there, not a listed term.
NUMERAL_WORD_ZIPF = 3.5
# Two components side by side (日月, 女子) are read as a word, not as one character split in two,
# from the low-frequency band's top up: jieba also lists rare odd words (木子 7 times, 氵去 3), and
# evaders write those pairs for 李 and 法.
SPLIT_WORD_ZIPF = 3.0


@cache
def _total() -> int:
    return sum(frequencies_table().values())


def zipf_count(zipf: float) -> int:
    """The dictionary count a word needs to reach ``zipf`` on the Zipf scale."""
    return math.ceil(10 ** (zipf - 9) * _total())


def is_common(word: str, zipf: float = COMMON_ZIPF) -> bool:
    return frequency(word) >= zipf_count(zipf)


def inside_longer_word(
    text: str,
    start: int,
    end: int,
    listed: Container[str],
    known_words: Sequence[tuple[int, int]] = (),
) -> bool:
    """Whether ``text[start:end]`` is part of a longer dictionary word of the text (up to
    ``LONGEST`` characters) that is not itself ``listed``: 政府 in 市政府, 革命 in 革命性.

    Meant for the hits of common listed words (``is_common``): where such a word is only a piece
    of a longer word, a reader reads the longer word. ``known_words`` as in ``straddles_words``:
    the longer word may not reach into an allowed word."""
    left = max([start - LONGEST + 1, 0, *(e for s, e in known_words if e <= start)])
    right = min([end + LONGEST - 1, len(text), *(s for s, e in known_words if s >= end)])
    return _inside_longer(text[left:right], start - left, end - left, listed)


def _inside_longer(window: str, start: int, end: int, listed: Container[str]) -> bool:
    frequencies = frequencies_table()
    for i in range(max(0, end - LONGEST), start + 1):
        for j in range(end, min(len(window), i + LONGEST) + 1):
            if (i, j) != (start, end) and frequencies.get(window[i:j]) and window[i:j] not in listed:
                return True
    return False


def in_a_word(text: str, start: int, end: int, least: int = 1) -> bool:
    """Whether a dictionary word of 2 to ``LONGEST`` characters of the text, with a count of at
    least ``least``, holds a character of ``text[start:end]``."""
    frequencies = frequencies_table()
    for i in range(max(0, start - LONGEST + 1), end):
        for j in range(max(i + 2, start + 1), min(len(text), i + LONGEST) + 1):
            if (frequencies.get(text[i:j]) or 0) >= least:
                return True
    return False


def warm_up() -> None:
    """Load the dictionary now (about half a second), not on the first text that needs it."""
    frequencies_table()
    _total()
