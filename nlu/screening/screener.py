"""The screener: built once from term lists, then ``check(text)`` for every text users send."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import ahocorasick_rs

from nlu.screening.fold import fold_tables
from nlu.screening.lists import TermLists, builtin_lists
from nlu.screening.model import Action, Hit, ScreeningResult, Verdict, verdict_of
from nlu.screening.patterns import Entry, fold_all, merge_terms, with_number_variants
from nlu.screening.pinyin import initial_table, pinyin_windows, spell_all, syllable_table
from nlu.screening.views import CollapsedView, PlainView, Span, collapse_all, collapsed_view, plain_view
from nlu.screening.words import straddles_words

_CJK_MIN = "\u2e80"  # anything from the CJK radicals up counts as a Chinese character here


@dataclass(frozen=True, slots=True)
class ScreenerOptions:
    pinyin: bool = True
    """Look for terms spelled (partly) in pinyin: 法lun功, falungong."""
    initials_min_chars: int = 3
    """Look for terms of at least this many characters written partly in pinyin initials (fl功)."""
    initials_min_letters: int = 2
    """…and only where the initials are at least this many latin letters, so a lone letter next
    to Chinese (B超, A级) is not read as an initial."""


class _Automaton:
    """Aho–Corasick over folded patterns, reporting every (overlapping) occurrence."""

    def __init__(self, patterns: dict[str, Entry | None]) -> None:
        self.entries = list(patterns.values())
        keys = list(patterns)
        self._matcher = ahocorasick_rs.AhoCorasick(keys) if keys else None

    def find(self, text: str) -> list[tuple[int, int, int]]:
        if self._matcher is None:
            return []
        return self._matcher.find_matches_as_indexes(text, overlapping=True)


@dataclass(slots=True)
class _Candidate:
    span: Span
    entry: Entry


class Screener:
    """Finds listed terms in a text, seeing through the usual evasions; immutable once built."""

    def __init__(self, lists: TermLists, options: ScreenerOptions | None = None) -> None:
        self.lists = lists
        self.options = options or ScreenerOptions()
        self._tables = fold_tables()
        # Boundary checks fold single characters over and over; the same few hundred recur.
        self._fold_char = lru_cache(maxsize=1 << 16)(self._tables.fold_char)
        terms = merge_terms(lists.terms, self._tables)
        patterns = with_number_variants(terms)
        allowed = {word for word in fold_all(list(lists.allowed), self._tables) if word}
        self._allowed = allowed
        self._plain = _Automaton({**dict.fromkeys(allowed), **patterns})
        # Collapsed texts are matched by the plain automaton too; only terms that repeat a
        # character themselves (assert, 妹妹…) need a collapsed spelling of their own.
        self._collapsed = _Automaton(self._collapsed_patterns(patterns))
        self._pinyin = _Automaton(self._spelled(terms, syllable_table(), min_chars=2))
        self._initials = _Automaton(
            self._spelled(terms, initial_table(), min_chars=self.options.initials_min_chars)
        )

    @classmethod
    def builtin(cls, options: ScreenerOptions | None = None) -> Screener:
        return cls(builtin_lists(), options)

    @staticmethod
    def _collapsed_patterns(patterns: dict[str, Entry]) -> dict[str, Entry | None]:
        collapsed: dict[str, Entry | None] = {}
        for (folded, entry), squeezed in zip(patterns.items(), collapse_all(list(patterns)), strict=True):
            if squeezed != folded and len(squeezed) > 1 and squeezed not in patterns:
                collapsed.setdefault(squeezed, entry)
        return collapsed

    def _spelled(
        self, terms: dict[str, Entry], table: dict[int, str], min_chars: int
    ) -> dict[str, Entry | None]:
        if not self.options.pinyin:
            return {}
        chosen = [
            entry for folded, entry in terms.items() if len(folded) >= min_chars and max(folded) >= _CJK_MIN
        ]
        patterns: dict[str, Entry | None] = {}
        for spelling, entry in zip(spell_all([e.folded for e in chosen], table), chosen, strict=True):
            if spelling is None:
                continue
            known = patterns.get(spelling)
            if known is None or entry.term.action.strength > known.term.action.strength:
                patterns[spelling] = entry
        return patterns

    def check(self, text: str) -> ScreeningResult:
        view = plain_view(text, self._tables)
        matches = self._plain.find(view.text)
        if not matches and not view.has_latin and not view.has_repeats:
            return ScreeningResult(text, Verdict.CLEAN, ())
        allowed = [
            (start, end) for index, start, end in matches if self._is_allowed(index, view.text[start:end])
        ]
        allow_spans = [view.original_span(start, end) for start, end in allowed]
        candidates: list[_Candidate] = []
        for index, start, end in matches:
            entry = self._plain.entries[index]
            if entry is not None and not (
                entry.two_chinese and straddles_words(view.text, start, end, allowed)
            ):
                candidates.append(_Candidate(view.original_span(start, end), entry))
        if view.has_repeats:
            candidates.extend(self._collapsed_candidates(collapsed_view(view)))
        if view.has_latin and self.options.pinyin:
            candidates.extend(self._spelled_candidates(view))
        hits = self._hits(text, candidates, allow_spans)
        return ScreeningResult(text, verdict_of(hits), hits)

    def _is_allowed(self, index: int, matched: str) -> bool:
        return self._plain.entries[index] is None or matched in self._allowed

    def _collapsed_candidates(self, view: CollapsedView) -> Iterable[_Candidate]:
        for automaton in (self._plain, self._collapsed):
            for index, start, end in automaton.find(view.text):
                entry = automaton.entries[index]
                if entry is not None and view.squeezes(start, end):
                    yield _Candidate(view.original_span(start, end), entry)

    def _spelled_candidates(self, plain: PlainView) -> Iterable[_Candidate]:
        for initials, automaton in ((False, self._pinyin), (True, self._initials)):
            for window in pinyin_windows(plain, initials=initials):
                for index, start, end in automaton.find(window.text):
                    entry = automaton.entries[index]
                    if entry is None or not window.touches_letters(start, end):
                        continue
                    units = window.units(start, end)
                    if units and self._spelling_counts(plain.text[units[0] : units[1]], initials):
                        yield _Candidate(plain.original_span(*units), entry)

    def _spelling_counts(self, source: str, initials: bool) -> bool:
        """Whether a pinyin match stands on latin letters the sender typed (not on Chinese alone)."""
        letters = sum(1 for c in source if "a" <= c <= "z")
        if not initials:
            return letters > 0
        return letters >= self.options.initials_min_letters and max(source) >= _CJK_MIN

    def _hits(self, text: str, candidates: list[_Candidate], allow_spans: list[Span]) -> tuple[Hit, ...]:
        kept: dict[tuple[int, int], _Candidate] = {}
        for candidate in candidates:
            span = candidate.span
            if (
                allow_spans
                and candidate.entry.term.action is not Action.ADVISE
                and self._covered(text, span, allow_spans)
            ):
                continue
            if not self._stands_alone(text, candidate):
                continue
            key = (span.start, span.end)
            known = kept.get(key)
            if known is None or candidate.entry.term.action.strength > known.entry.term.action.strength:
                kept[key] = candidate
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

    def _covered(self, text: str, span: Span, allow_spans: list[Span]) -> bool:
        """Whether allowed words cover every letter of the span (方法 + 轮换 cover 法轮 in 方法轮换)."""
        return all(
            any(a.start <= i < a.end for a in allow_spans) or not self._fold_char(text[i])
            for i in range(span.start, span.end)
        )

    def _stands_alone(self, text: str, candidate: _Candidate) -> bool:
        """Latin letters and digits of a term must not run on into the text's own (ass in class)."""
        entry, span = candidate.entry, candidate.span
        fold = self._fold_char
        before = fold(text[span.start - 1]) if span.start > 0 else ""
        after = fold(text[span.end]) if span.end < len(text) else ""
        first, last = fold(text[span.start]), fold(text[span.end - 1])
        if entry.single_ascii:
            return not (before.isascii() and before.isalnum()) and not (after.isascii() and after.isalnum())
        return _separate(first, before) and _separate(last, after)


def _char_class(char: str) -> str:
    if "a" <= char <= "z":
        return "letter"
    if "0" <= char <= "9":
        return "digit"
    return ""


def _separate(edge: str, neighbour: str) -> bool:
    edge_class = _char_class(edge)
    return not edge_class or edge_class != _char_class(neighbour)


def _inside_stronger(candidate: _Candidate, others: Iterable[_Candidate]) -> bool:
    span, strength = candidate.span, candidate.entry.term.action.strength
    return any(
        o is not candidate
        and o.span.start <= span.start
        and span.end <= o.span.end
        and o.entry.term.action.strength >= strength
        for o in others
    )
