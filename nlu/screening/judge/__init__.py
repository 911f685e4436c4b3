"""The judge stage: which of a text's candidates (``candidates.py``, found by ``finding.py``) a
reader of the text sees as the listed term. Every rule that drops a candidate is here, each a named
function that says why, in the order ``hits_of`` asks them:

- the word rules, in the view the candidate was found in (``word_edges``): two words that touch, a
  piece of a farm word, a common word inside a longer one, allowed words of a recomposed view;
- pinyin on too few of the sender's letters, initials outside Chinese text (``spelling``);
- digit runs that are dates, times or codes (``standing``);
- the rules in the original text (``standing``): the allow-list's cover, latin and digit
  boundaries, farm words and pesticide names;
- hits of the matcher's own making (``matcher_made.as_read``);

then the strongest candidate per span is kept, and none inside a stronger one. No automaton is
involved: the judge's tests write candidates by hand (``tests/screening/test_judge_stage.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable
from collections.abc import Set as AbstractSet
from typing import NamedTuple

from nlu.screening.candidates import DIGIT_RUN_ENTRY, Candidate
from nlu.screening.judge.matcher_made import as_read
from nlu.screening.judge.spelling import initials_outside_chinese_text, spelled_on_too_few_letters
from nlu.screening.judge.standing import (
    covered_by_allowed_words,
    date_time_or_code,
    part_of_farm_word,
    stands_alone,
)
from nlu.screening.judge.word_edges import (
    common_word_inside_longer,
    covered_by_its_views_words,
    piece_of_farm_word,
    two_words_touch,
)
from nlu.screening.model import Action, Hit
from nlu.screening.views import Span

__all__ = ["JudgeTables", "as_read", "hits_of"]


class JudgeTables(NamedTuple):
    """What the judge knows of a screener's lists and options, the same for every text."""

    fold_char: Callable[[str], str]
    unjudged: Container[str]
    """The terms (as listed) and categories ``as_read`` leaves as found."""
    listed: AbstractSet[str]
    """The listed patterns, which are no part of a longer word (``common_word_inside_longer``,
    ``part_of_farm_word``)."""
    initials_min_letters: int
    """``ScreenerOptions.initials_min_letters``."""


def hits_of(
    text: str, candidates: list[Candidate], allow_spans: list[Span], tables: JudgeTables
) -> tuple[Hit, ...]:
    """The hits a reader of ``text`` sees among the candidates, in text order. ``allow_spans``: the
    allowed words of the text's plain view (original spans)."""
    fold_char, unjudged, listed, initials_min_letters = tables
    kept: dict[tuple[int, int], Candidate] = {}
    for candidate in candidates:
        # (each rule's cheapest condition is asked here first as well: this loop runs for every
        # candidate of every message, and most candidates need none of the rules' calls)
        words = candidate.words
        if words is not None and (
            (
                candidate.entry.two_chinese
                and (two_words_touch(text, candidate, words) or piece_of_farm_word(candidate, words))
            )
            or (candidate.common and common_word_inside_longer(candidate, words, listed))
            or (words.recomposed and covered_by_its_views_words(candidate, words))
        ):
            continue
        if candidate.spelled_on and (
            spelled_on_too_few_letters(candidate, initials_min_letters)
            or initials_outside_chinese_text(candidate)
        ):
            continue
        if candidate.entry is DIGIT_RUN_ENTRY and date_time_or_code(text, candidate):
            continue
        span = candidate.span
        if (
            allow_spans
            and candidate.entry.term.action is not Action.ADVISE
            and covered_by_allowed_words(text, span, allow_spans, fold_char)
        ):
            continue
        if not stands_alone(text, candidate, fold_char):
            continue
        if candidate.entry.term.action is not Action.ADVISE and part_of_farm_word(
            text, candidate, allow_spans, listed
        ):
            continue
        term = candidate.entry.term
        hit = Hit(span.start, span.end, text[span.start : span.end], term.text, term.category, term.action)
        seen = as_read(text, hit, fold_char, unjudged)
        if seen is None:
            continue
        if seen is not hit:
            span = Span(seen.start, seen.end)
            candidate = Candidate(span, candidate.entry, candidate.plain)
        key = (span.start, span.end)
        known = kept.get(key)
        if known is None or candidate.entry.term.action.strength > known.entry.term.action.strength:
            kept[key] = candidate
    if not kept:
        return ()  # (most farm prose with a listed word: all its candidates dropped)
    survivors = [c for c in kept.values() if not _inside_stronger(c, kept.values())]
    survivors.sort(key=lambda c: (c.span.start, c.span.end))
    return tuple(
        Hit(
            c.span.start,
            c.span.end,
            text[c.span.start : c.span.end],
            c.entry.term.text,
            c.entry.term.category,
            c.entry.term.action,
        )
        for c in survivors
    )


def _inside_stronger(candidate: Candidate, others: Iterable[Candidate]) -> bool:
    span, strength = candidate.span, candidate.entry.term.action.strength
    return any(
        o is not candidate
        and o.span.start <= span.start
        and span.end <= o.span.end
        and o.entry.term.action.strength >= strength
        for o in others
    )
