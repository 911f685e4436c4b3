"""The term index: everything a screener builds from its term lists, once, before any text: the
fold tables, the automata (plain, collapsed, pinyin, initials), and what the checks need to
know of each plain pattern, indexed like its entries. Immutable once built, except for tables
computed from the word dictionary on first use (``prepare`` computes them at once).

Finding candidates (``finding.py``) reads it; it knows nothing of texts beyond what repeats a pattern
could be found across."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

from nlu.screening import contact, words
from nlu.screening.automata import AcrossRepeats, Alphabet, Automaton
from nlu.screening.collector import collector_paused
from nlu.screening.fold import code_points, fold_tables
from nlu.screening.lists import TermLists
from nlu.screening.options import ScreenerOptions
from nlu.screening.patterns import (
    CJK_MIN,
    Entry,
    fold_all,
    lone_numeral_word,
    merge_terms,
    with_number_variants,
)
from nlu.screening.pinyin import initial_table, spell_all, syllable_table
from nlu.screening.recompose import Recomposer
from nlu.screening.views import collapse_all

_Array = npt.NDArray[Any]
_REPEAT = re.compile(r"([^\n])\1+")


class TermIndex:
    """The tables and automata of a screener's term lists."""

    def __init__(self, lists: TermLists, options: ScreenerOptions | None = None) -> None:
        # (the build makes some 300,000 lasting objects and no cyclic garbage: the collector
        # would only walk over them again and again, a fifth of the build)
        with collector_paused():
            self.lists = lists
            self.options = options or ScreenerOptions()
            self.tables = fold_tables()
            # Boundary checks fold single characters over and over; the same few hundred recur.
            self.fold_char = lru_cache(maxsize=1 << 16)(self.tables.fold_char)
            terms = merge_terms(lists.terms, self.tables)
            patterns = with_number_variants(terms)
            allowed = {word for word in fold_all(list(lists.allowed), self.tables) if word}
            self.allowed = allowed
            plain = {**dict.fromkeys(allowed), **patterns}
            self.recomposer = Recomposer(patterns) if self.options.split_chars else None
            pairs = self.recomposer.keys if self.recomposer is not None else []
            # (collapsed patterns use the same characters)
            alphabet = Alphabet.of([*plain, *pairs])
            # The plain automaton also finds the pairs of components that recompose (recompose.py).
            self.plain = Automaton(plain, alphabet, also=pairs)
            # Collapsed texts are matched by the plain automaton too; only terms that repeat a
            # character themselves (assert, 妹妹…) need a collapsed spelling of their own.
            collapsed = self._collapsed_patterns(patterns)
            self.collapsed = Automaton(collapsed, alphabet)
            self.across_repeats = AcrossRepeats.of(self.plain, self.collapsed)
            self.pinyin = Automaton(self._spelled(terms, syllable_table(), min_chars=2), ascii=True)
            self.initials = Automaton(
                self._spelled(terms, initial_table(), min_chars=self.options.initials_min_chars), ascii=True
            )
            self._common: list[bool] | None = None  # common_patterns
            self.listed = patterns  # what words.inside_longer_word may not read as a longer word
            # (and what farm.farm_compound may not read as a modifier)
            self.listed_words = patterns.keys()
            # What the judge's as_read leaves as found: the team's own terms and contact details.
            self.unjudged = frozenset(t.text for t in lists.terms if t.exact) | {contact.CATEGORY}
            self.terms = terms
            self._dropped: tuple[frozenset[str], list[bool]] | None = None  # dropped_spellings

    def common_patterns(self) -> list[bool]:
        """Per plain pattern: whether it is a listed common word (``words.is_common``) of Chinese
        characters, short enough for a longer dictionary word to hold it (computed on first use).
        (Lists, not arrays, here and below: each check reads a few items, and reading an item
        of a list costs a tenth of reading one of an array.)"""
        if self._common is None:
            frequencies, least = words.frequencies_table(), words.zipf_count(words.COMMON_ZIPF)
            self._common = [
                entry is not None
                and 2 <= len(key) < words.LONGEST
                and (frequencies.get(key) or 0) >= least
                and min(key) >= CJK_MIN
                for key, entry in zip(self.plain.keys, self.plain.entries, strict=True)
            ]
        return self._common

    def dropped_spellings(self) -> frozenset[str]:
        """The number spellings not looked for: a lone numeral before or after a common word
        (``patterns.lone_numeral_word``; computed on first use, the dictionary being loaded then)."""
        return self._dropped_spellings()[0]

    def dropped_patterns(self) -> list[bool]:
        """``dropped_spellings`` per plain pattern."""
        return self._dropped_spellings()[1]

    def _dropped_spellings(self) -> tuple[frozenset[str], list[bool]]:
        if self._dropped is None:
            terms = self.terms
            folded_of = {id(entry.term): folded for folded, entry in terms.items()}
            least = words.zipf_count(words.NUMERAL_WORD_ZIPF)
            dropped = set()
            for spelling, entry in self.listed.items():
                if spelling in terms:
                    continue
                rest = lone_numeral_word(folded_of[id(entry.term)], spelling)
                # (a spelling that is itself a word, 一氧化碳 of 1氧化碳, is that word)
                if (rest is not None and words.frequency(rest) >= least) or words.frequency(
                    spelling
                ) >= least:
                    dropped.add(spelling)
            keys = self.plain.keys
            self._dropped = frozenset(dropped), [key in dropped for key in keys]
        return self._dropped

    def prepare(self) -> None:
        """Compute now what the first checks would otherwise compute: the word dictionary and its
        character pairs, the tables of common words and dropped spellings, the sets of repeats."""
        with collector_paused():  # (as for the build: the dictionary alone is 580k lasting entries)
            words.warm_up()
            self.common_patterns()
            self._dropped_spellings()
            self.may_squeeze("赌赌博")

    @property
    def dictionary_tables_ready(self) -> bool:
        """Whether the tables computed from the word dictionary are there (``prepare``)."""
        return self._common is not None and self._dropped is not None

    def may_squeeze(self, folded: str) -> bool:
        possible = self.across_repeats.possible_in
        for match in _REPEAT.finditer(folded):
            start, end = match.span()
            if possible(folded[start - 1] if start else "", match.group(1), folded[end : end + 1]):
                return True
        return False

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
        folded = list(terms)
        lengths = np.fromiter(map(len, folded), dtype=np.int64, count=len(folded))
        highest = np.maximum.reduceat(code_points("\n".join(folded)), np.cumsum(lengths + 1) - lengths - 1)
        values = list(terms.values())
        chosen = [
            values[i] for i in np.flatnonzero((lengths >= min_chars) & (highest >= ord(CJK_MIN))).tolist()
        ]
        patterns: dict[str, Entry | None] = {}
        for spelling, entry in zip(spell_all([e.folded for e in chosen], table), chosen, strict=True):
            if spelling is None:
                continue
            known = patterns.get(spelling)
            if known is None or entry.term.action.strength > known.term.action.strength:
                patterns[spelling] = entry
        return patterns
