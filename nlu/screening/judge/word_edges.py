"""The judge's word rules: a listed word found in a view (plain or recomposed) where a reader reads
other words — two words that touch, a piece of a farm word, a common word inside a longer one, or
allowed words of the view over all of it. They look at the view's folded text and its allowed words
(``candidates.ViewWords``), the positions the candidate was found at."""

from __future__ import annotations

from collections.abc import Container, Iterable

from nlu.screening.candidates import Candidate, ViewWords
from nlu.screening.model import Action
from nlu.screening.views import Span
from nlu.screening.words import inside_longer_word, straddles_words

# Punctuation inside a sentence: it separates clauses, list items, quotations and asides, so two
# characters on either side of it are two words. Sentence ends (。？！) and brackets (【】[]) are
# not here: they do not join a sentence's words, and evaders write them inside words (六。四, 国【人).
SEPARATORS = frozenset("，、；：,;:“”‘’\"'（）()﹙﹚《》〈〉")


def two_words_touch(text: str, candidate: Candidate, words: ViewWords) -> bool:
    """Whether a two-character hit is where two words touch (母畜|生产 holds 畜生): a more common
    dictionary word runs across one of its edges in the view (``words.straddles_words``, not
    reaching into an allowed word). A plain hit written apart with a symbol (国【人) was split on
    purpose and stays; in a recomposed view what lies between is components, not symbols."""
    return (
        candidate.entry.two_chinese
        and straddles_words(words.text, candidate.start, candidate.end, words.allowed)
        and not (candidate.plain and _split_on_purpose(text, candidate.span))
    )


def piece_of_farm_word(candidate: Candidate, words: ViewWords) -> bool:
    """Whether a plain two-character hit shares one character with an allowed farm word
    (``crosses_farm_word``: 消毒|药 holds 毒药). The team's own terms and pesticide advice are
    never cut this way."""
    entry = candidate.entry
    return (
        candidate.plain
        and entry.two_chinese
        and not entry.term.exact
        and entry.term.action is not Action.ADVISE
        and crosses_farm_word(candidate.start, words.allowed)
    )


def common_word_inside_longer(candidate: Candidate, words: ViewWords, listed: Container[str]) -> bool:
    """Whether the hit of a listed common word is only a piece of a longer dictionary word that is
    not listed (市政府 holds 政府; ``words.inside_longer_word``): a reader reads the longer word."""
    return candidate.common and inside_longer_word(
        words.text, candidate.start, candidate.end, listed, words.allowed
    )


def covered_by_its_views_words(candidate: Candidate, words: ViewWords) -> bool:
    """Whether allowed words of a recomposed view cover every character of a hit found there (advice
    excepted): recomposing made those words too, and the allow-list cover in the original text
    (the plain view's words) cannot see them."""
    if not words.recomposed or candidate.entry.term.action is Action.ADVISE:
        return False
    allowed = words.allowed
    return all(any(a <= i < b for a, b in allowed) for i in range(candidate.start, candidate.end))


def crosses_farm_word(start: int, allowed: Iterable[tuple[int, int]]) -> bool:
    """Whether a two-character hit at ``start`` shares one character with an allowed word of two or
    more (a farm word: 消毒|药 holds 毒药, 肠道性|病菌 holds 性病): the hit is then two pieces of two
    words. Where the longer word is listed itself, that is a hit of its own."""
    middle = start + 1
    return any(b - a >= 2 and (b == middle or a == middle) for a, b in allowed)


def split_on_purpose(gap: str) -> bool:
    """Whether the characters folding deleted between two characters of a hit (``gap``) hold a
    symbol the sender put there: something other than spaces and the sentence's punctuation. A
    reader sees 国【人 as one word written apart, not as a word boundary (中]国【人 holds 国人 too)."""
    return any(not char.isspace() and char not in SEPARATORS for char in gap)


def _split_on_purpose(text: str, span: Span) -> bool:
    """``split_on_purpose`` of what lies between the characters of a two-character hit."""
    return span.end - span.start > 2 and split_on_purpose(text[span.start + 1 : span.end - 1])
