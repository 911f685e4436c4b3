"""Text → feature strings: character unigrams and bigrams, and the lookup tables the text touches.

Measured on the agri-eval dev set, longer n-grams, jieba words and lookup-masked n-grams all made the
model learn the phrasing of our templates rather than the subject, and scored lower; so they are out.
"""

from __future__ import annotations

from nlu.embedded.gazetteer import Match

# Full-width ASCII and the ideographic space, mapped one character to one so spans stay valid.
_HALF_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def normalize(text: str) -> str:
    return text.translate(_HALF_WIDTH).lower()


# A lookup table says more about the subject than any one character: its tag counts this many times.
TAG_WEIGHT = 3


def features(normalized: str, matches: list[Match]) -> list[str]:
    grams = list(normalized)
    grams.extend(normalized[i : i + 2] for i in range(len(normalized) - 1))
    grams.extend(["@" + match.lookup for match in matches] * TAG_WEIGHT)
    return grams
