"""The judge's rules in the original text: the allow-list's cover, latin and digit boundaries, farm
words and pesticide names, and digit runs that are dates, times or codes."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Set as AbstractSet
from functools import lru_cache

from nlu.screening import contact, farm
from nlu.screening.candidates import DIGIT_RUN_ENTRY, Candidate
from nlu.screening.farm import chinese_run, inside_farm_word, pesticide_shaped
from nlu.screening.views import Span


def covered_by_allowed_words(
    text: str, span: Span, allow_spans: list[Span], fold_char: Callable[[str], str]
) -> bool:
    """Whether allowed words cover every letter of the span (方法 + 轮换 cover 法轮 in 方法轮换): a
    reader reads those words. (The callers leave advice out: the allow-list stops blocks and flags,
    not the pesticide advice.)"""
    return all(
        any(a.start <= i < a.end for a in allow_spans) or not fold_char(text[i])
        for i in range(span.start, span.end)
    )


def stands_alone(text: str, candidate: Candidate, fold_char: Callable[[str], str]) -> bool:
    """Whether the term's latin letters and digits stand apart from the text's own: ass in class is
    a piece of another word; a one-character latin or digit term must stand alone."""
    entry, span = candidate.entry, candidate.span
    if candidate.plain and not entry.left_class and not entry.right_class and not entry.single_ascii:
        return True  # its edges are neither letters nor digits
    fold = fold_char
    before = fold(text[span.start - 1]) if span.start > 0 else ""
    after = fold(text[span.end]) if span.end < len(text) else ""
    first, last = fold(text[span.start]), fold(text[span.end - 1])
    if entry.single_ascii:
        return not (before.isascii() and before.isalnum()) and not (after.isascii() and after.isalnum())
    return _separate(first, before) and _separate(last, after)


def part_of_farm_word(
    text: str, candidate: Candidate, allow_spans: list[Span], listed: AbstractSet[str]
) -> bool:
    """Whether a hit is a pesticide name or part of a longer pest, disease or pesticide word: a
    reader reads the farm word (叶鞘腐败病 holds 腐败). Never the team's own terms nor contact details.

    The longer word may not reach into an allowed word, that is a word of its own, except for an
    allowed word inside its farm ending (``farm.inside_farm_word``)."""
    if candidate.entry.term.category == contact.CATEGORY or candidate.entry.term.exact:
        return False
    if _pesticide_shaped(candidate.entry.folded):
        return True
    span = candidate.span
    if _FARM_WORD_ENDINGS is not None and not any(
        c in _FARM_WORD_ENDINGS for c in text[span.end - 1 : span.end + farm.REACH]
    ):
        return False  # no farm word ends near the hit
    left = max([0, *(a.end for a in allow_spans if a.end <= span.start)])
    found = chinese_run(text[left:], span.start - left, span.end - left)
    if found is None:
        return False
    run, start, end = found
    offset = span.start - start  # where the run starts in the text
    after = tuple(
        (a.start - offset, a.end - offset) for a in allow_spans if span.end <= a.start < offset + len(run)
    )
    return inside_farm_word(run, start, end, after, listed)


_FARM_WORD_ENDINGS = farm.farm_word_endings()
_pesticide_shaped = lru_cache(maxsize=1 << 16)(pesticide_shaped)


def _char_class(char: str) -> str:
    if "a" <= char <= "z":
        return "letter"
    if "0" <= char <= "9":
        return "digit"
    return ""


def _separate(edge: str, neighbour: str) -> bool:
    edge_class = _char_class(edge)
    return not edge_class or edge_class != _char_class(neighbour)


def date_time_or_code(text: str, candidate: Candidate) -> bool:
    """Whether a run of digits found as contact details is a date or a time, or a code glued to a
    latin letter (A10021003, X70002): not a phone number."""
    if candidate.entry is not DIGIT_RUN_ENTRY:
        return False
    span = candidate.span
    return contact.is_date_or_time(text[span.start : span.end]) or _glued_to_letter(text, span)


def _glued_to_letter(text: str, span: Span) -> bool:
    """Whether digits directly follow a latin letter: a code, not a number."""
    return span.start > 0 and text[span.start - 1].isascii() and text[span.start - 1].isalpha()
