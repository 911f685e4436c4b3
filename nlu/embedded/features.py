"""Text → feature strings: character unigrams and bigrams, and the lookup tables the text touches.

Measured on the agri-eval dev set, longer n-grams, jieba words and lookup-masked n-grams all made the
model learn the phrasing of our templates rather than the subject, and scored lower; so they are out.
"""

from __future__ import annotations

import itertools
import re

from nlu.embedded.gazetteer import Match

# Full-width ASCII and the ideographic space, mapped one character to one so spans stay valid.
_HALF_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def normalize(text: str) -> str:
    return text.translate(_HALF_WIDTH).lower()


# English is written in words: a whole word says what its letters cannot ("sow" and "spring" are not
# "spray"), so English is read as words and word pairs, not as letters and letter pairs. Chinese text has
# no such words, so its features are unchanged (issue 19).
_LATIN_WORD = re.compile(r"[a-z]+")
_LATIN_OR_SPACE = frozenset("abcdefghijklmnopqrstuvwxyz ")

# How many times a lookup table's tag counts. Three (a table saying more than any one character) was
# chosen on the dev set; 5-fold cross-validation of our own hand-written examples, three fold splits,
# prefers one (macro-F1 0.940 → 0.945 at C = 1, better on every split; `bench/nlu_cv_select.py`, issue 19):
# the words around a crop's or an animal's name say what is asked about it.
TAG_WEIGHT = 1


def features(normalized: str, matches: list[Match]) -> list[str]:
    grams = [c for c in normalized if c not in _LATIN_OR_SPACE]
    grams.extend(
        pair
        for pair in (normalized[i : i + 2] for i in range(len(normalized) - 1))
        if not (pair[0] in _LATIN_OR_SPACE and pair[1] in _LATIN_OR_SPACE)
    )
    words = _LATIN_WORD.findall(normalized)
    grams.extend("w:" + word for word in words)
    grams.extend(f"w:{a} {b}" for a, b in itertools.pairwise(words))
    grams.extend(["@" + match.lookup for match in matches] * TAG_WEIGHT)
    return grams
