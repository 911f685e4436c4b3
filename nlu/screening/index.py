"""The term index: everything a screener builds from its term lists, once, before any text: the
fold tables, the automata (plain, collapsed, long, pinyin, initials), and what the checks need to
know of each plain pattern as arrays indexed like its entries. Immutable once built, except for
tables computed from the word dictionary, the pinyin automata and what repeats a pattern can be
found across, computed on first use (``prepare`` computes them at once).

Both ways of checking read it: ``text_by_text.py`` one text at a time, ``batch_rows.py`` a batch over
arrays. It knows nothing of texts beyond what repeats a pattern could be found across."""

from __future__ import annotations

import re
import sys
from functools import cached_property, lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

from nlu.screening import contact, farm, words
from nlu.screening.arrays import (
    code_points,
    collector_paused,
    first_last_length,
    longer_word_code,
    objects,
    term_columns,
)
from nlu.screening.automata import AcrossRepeats, Alphabet, Automaton
from nlu.screening.farm import pesticide_shaped
from nlu.screening.fold import FoldTables, fold_tables
from nlu.screening.lists import TermLists
from nlu.screening.model import Action, Term
from nlu.screening.options import ScreenerOptions
from nlu.screening.patterns import (
    Entry,
    farmable,
    fold_all,
    lone_numeral_word,
    merge_terms,
    with_number_variants,
)
from nlu.screening.pinyin import initial_table, spell_all, syllable_table
from nlu.screening.recompose import Recomposer
from nlu.screening.views import collapse_all

_Array = npt.NDArray[Any]
CJK_MIN = "\u2e80"
"""Anything from the CJK radicals up counts as a Chinese character here."""
_REPEAT = re.compile(r"([^\n])\1+")
LETTERS, DIGITS = 1, 2
"""``TermIndex.run_classes`` of latin letters and of digits."""
_NO_TERM = Term("", "", Action.ADVISE)  # stands for the allowed words among the plain patterns
SHORT_TERM = 10  # squeezing matches the plain automaton around repeats for terms up to this long


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
            self.point_class = _point_classes(self.tables)
            self.farm_word_ends = _farm_word_end_table()
            self.chinese = np.zeros(sys.maxunicode + 1, dtype=np.bool_)  # what farm.chinese_run takes in
            self.chinese[ord(farm.CHINESE[0]) : ord(farm.CHINESE[1]) + 1] = True
            self.run_classes = np.zeros(sys.maxunicode + 1, dtype=np.int8)  # latin letters and digits
            self.run_classes[ord("a") : ord("z") + 1] = LETTERS
            self.run_classes[[ord(c) for c in contact.DIGITS]] = DIGITS
            self.ascii_alnum = np.zeros(sys.maxunicode + 1, dtype=np.bool_)
            self.ascii_alnum[
                [ord(c) for c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"]
            ] = True
            self.address_chars = np.zeros(sys.maxunicode + 1, dtype=np.bool_)
            self.address_chars[[ord(c) for c in contact.ADDRESS_CHARS]] = True
            terms = merge_terms(lists.terms, self.tables)
            patterns = with_number_variants(terms)
            allowed = {word for word in fold_all(list(lists.allowed), self.tables) if word}
            self.allowed = allowed
            plain = {**dict.fromkeys(allowed), **patterns}
            self.recomposer = Recomposer(patterns) if self.options.split_chars else None
            pairs = self.recomposer.keys if self.recomposer is not None else []
            # (collapsed and long patterns use the same characters)
            alphabet = Alphabet.of([*plain, *pairs])
            # The plain automaton also finds the pairs of components that recompose (recompose.py).
            self.plain = Automaton(plain, alphabet, also=pairs)
            # Collapsed texts are matched by the plain automaton too; only terms that repeat a
            # character themselves (assert, 妹妹…) need a collapsed spelling of their own.
            collapsed = self._collapsed_patterns(patterns)
            self.collapsed = Automaton(collapsed, alphabet)
            # Terms (and their collapsed spellings) too long to fit the stretches around repeats that
            # squeezing looks at.
            self.long = Automaton(
                {k: e for k, e in (*patterns.items(), *collapsed.items()) if len(k) > SHORT_TERM}, alphabet
            )
            # What the checks need to know of each plain pattern, as arrays indexed like its entries.
            entries, count = self.plain.entries, len(self.plain.entries)
            kinds: dict[
                tuple[Action, str, bool], int
            ] = {}  # strength, and 4 for advise, 8 for the farm rules
            categories = {e.term.category for e in terms.values()} | {contact.CATEGORY}
            for action in Action:
                for category in categories:
                    for exact in (False, True):
                        entry = Entry(Term("", category, action, exact), "", "", "")
                        kinds[action, category, exact] = (
                            action.strength | 4 * (action is Action.ADVISE) | 8 * farmable(entry)
                        )
            kind = np.fromiter(
                (0 if e is None else kinds[e.term.action, e.term.category, e.term.exact] for e in entries),
                dtype=np.int8,
                count=count,
            )
            self.strength = kind & 3
            self.advise = (kind & 4) > 0
            self.farmable = (kind & 8) > 0
            listed = kind > 0
            self.allowed_patterns = ~listed | np.fromiter(
                (key in allowed for key in self.plain.keys), dtype=np.bool_, count=count
            )
            first, last, length = first_last_length(self.plain.keys)
            cjk = ord(CJK_MIN)
            self.two_chinese = listed & (length == 2) & (first >= cjk) & (last >= cjk)
            self.single_ascii = listed & (length == 1) & (first < 0x80)
            # The term of each plain pattern, field by field, to be picked for all hits at once.
            self.plain_terms = term_columns([e.term if e is not None else _NO_TERM for e in entries])
            self.plain_keys = objects(self.plain.keys, count)  # (a hit's text, when it is the key)
            # Per plain pattern: whether judge.as_read looks at its hits even when written as the
            # pattern (a spelling other than the term's own, a term beginning with a digit).
            self.judged = np.fromiter(
                (
                    e is not None and (key != e.term.text or e.term.text[:1].isdigit())
                    for key, e in zip(self.plain.keys, entries, strict=True)
                ),
                dtype=np.bool_,
                count=count,
            )
            self.lengths = length
            self._pesticide = np.full(count, -1, dtype=np.int8)  # pesticide_shaped, filled in when first met
            self._two_frequency: _Array | None = None  # _two_frequencies
            self._common: tuple[_Array, _Array, _Array] | None = None  # _common_words
            self.listed = patterns  # what words.inside_longer_word may not read as a longer word
            # (and what farm.farm_compound may not read as a modifier)
            self.listed_words = patterns.keys()
            # What judge.as_read leaves as found: the team's own terms and contact details.
            self.unjudged = frozenset(t.text for t in lists.terms if t.exact) | {contact.CATEGORY}
            self.terms = terms
            self._dropped: tuple[frozenset[str], _Array] | None = None  # dropped_spellings

    # Built on first use (``prepare`` builds them at once): they are needed only for texts with
    # repeats or latin letters, and the pinyin automata alone took a third of the build.
    @cached_property
    def across_short(self) -> AcrossRepeats:
        """What a pattern of the plain or collapsed automaton needs to be found across repeats."""
        return AcrossRepeats.of(self.plain, self.collapsed)

    @cached_property
    def across_long(self) -> AcrossRepeats:
        return AcrossRepeats.of(self.long)

    @cached_property
    def pinyin(self) -> Automaton:
        """The terms of two characters or more spelled in pinyin syllables."""
        return Automaton(self._spelled(self.terms, syllable_table(), min_chars=2), ascii=True)

    @cached_property
    def initials(self) -> Automaton:
        """The terms of ``initials_min_chars`` or more spelled in pinyin initials."""
        return Automaton(
            self._spelled(self.terms, initial_table(), min_chars=self.options.initials_min_chars), ascii=True
        )

    def two_frequencies(self) -> _Array:
        """Per plain pattern: its frequency as a dictionary word if it is two Chinese characters
        (computed on first use, the dictionary being loaded then)."""
        if self._two_frequency is None:
            keys = self.plain.keys
            frequency = np.zeros(len(keys), dtype=np.int64)
            (two,) = np.nonzero(self.two_chinese)
            frequency[two] = [words.frequency(keys[i]) for i in two.tolist()]
            self._two_frequency = frequency
        return self._two_frequency

    def common_patterns(self) -> _Array:
        """Per plain pattern: whether it is a listed common word (``words.is_common``) of Chinese
        characters, short enough for a longer dictionary word to hold it (computed on first use)."""
        return self._common_words()[0]

    def common_words(self) -> tuple[_Array, _Array]:
        """What ``BatchRows`` needs to tell, over arrays, whether a hit of a common word is inside a
        longer word (``words.inside_longer_word``): per plain pattern a number for each common word
        (-1 for the others), and the sorted codes of the longer words that hold one. A code says
        which common word, how many characters the longer word has before it and after it (two bits
        each), and what those characters are (``arrays.longer_word_code``)."""
        common = self._common_words()
        return common[1], common[2]

    def _common_words(self) -> tuple[_Array, _Array, _Array]:
        if self._common is None:
            keys, listed = self.plain.keys, self.strength > 0
            frequencies, least = words.frequencies_table(), words.zipf_count(words.COMMON_ZIPF)
            short = listed & (self.lengths >= 2) & (self.lengths < words.LONGEST)
            chosen = [
                i
                for i in np.flatnonzero(short).tolist()
                if (frequencies.get(keys[i]) or 0) >= least and min(keys[i]) >= CJK_MIN
            ]
            common = np.zeros(len(keys), dtype=np.bool_)
            common[chosen] = True
            # (a code has 17 bits for the number: jieba's dictionary has some 4,200 common words)
            number = np.full(len(keys), -1, dtype=np.int64)
            number[chosen] = np.arange(len(chosen))
            terms = [keys[i] for i in chosen]
            codes = [
                longer_word_code(
                    n, at, len(word) - at - len(terms[n]), word[:at] + word[at + len(terms[n]) :]
                )
                for n, at, word in words.holding_words(terms)
                if word not in self.listed
            ]
            self._common = common, number, np.unique(np.array(codes, dtype=np.int64))
        return self._common

    def dropped_spellings(self) -> frozenset[str]:
        """The number spellings not looked for: a lone numeral before or after a common word
        (``patterns.lone_numeral_word``; computed on first use, the dictionary being loaded then)."""
        return self._dropped_spellings()[0]

    def dropped_patterns(self) -> _Array:
        """``dropped_spellings`` per plain pattern."""
        return self._dropped_spellings()[1]

    def _dropped_spellings(self) -> tuple[frozenset[str], _Array]:
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
            per_pattern = np.fromiter((key in dropped for key in keys), dtype=np.bool_, count=len(keys))
            self._dropped = frozenset(dropped), per_pattern
        return self._dropped

    def prepare(self) -> None:
        """Compute now what the first checks would otherwise compute: the word dictionary and its
        character pairs, the tables of common words and dropped spellings, the pinyin automata and
        what repeats a pattern can be found across, the sets of repeats."""
        with collector_paused():  # (as for the build: the dictionary alone is 580k lasting entries)
            words.warm_up()
            for lazy in ("pinyin", "initials", "across_short", "across_long"):
                getattr(self, lazy)  # (reading a cached property builds it)
            self.two_frequencies()
            self._common_words()
            self._dropped_spellings()
            self.may_squeeze("赌赌博")

    @property
    def dictionary_tables_ready(self) -> bool:
        """Whether what is otherwise computed on first use is there (``prepare``): the tables from
        the word dictionary, the pinyin automata and what repeats a pattern can be found across."""
        lazy = ("pinyin", "initials", "across_short", "across_long")
        return self._common is not None and self._dropped is not None and all(n in vars(self) for n in lazy)

    def may_squeeze(self, folded: str) -> bool:
        possible = self.across_short.possible_in
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

    def pesticide_shaped_patterns(self, refs: _Array, extra: list[Entry]) -> _Array:
        """``pesticide_shaped`` of the patterns (plain indexes, or past them into ``extra``)."""
        known, count = self._pesticide, len(self._pesticide)
        shaped = np.empty(len(refs), dtype=np.bool_)
        plain = refs < count
        values = known[refs[plain]]
        unknown = np.unique(refs[plain][values < 0])
        if len(unknown):
            entries = self.plain.entries
            known[unknown] = [pesticide_shaped(entries[i].folded) for i in unknown.tolist()]
            values = known[refs[plain]]
        shaped[plain] = values == 1
        shaped[~plain] = [pesticide_shaped(extra[i - count].folded) for i in refs[~plain].tolist()]
        return shaped


def _farm_word_end_table() -> npt.NDArray[np.bool_] | None:
    """``farm_word_endings`` as a table over code points."""
    endings = farm.farm_word_endings()
    if endings is None:
        return None
    table = np.zeros(sys.maxunicode + 1, dtype=np.bool_)
    table[[ord(c) for c in endings]] = True
    return table


def _point_classes(tables: FoldTables) -> npt.NDArray[np.int8]:
    """Per code point: 1 when it folds to a latin letter, 2 to a digit, else 0 (noise included)."""
    canonical = tables.canonical
    classes = ((canonical >= ord("a")) & (canonical <= ord("z"))).astype(np.int8)
    classes[(canonical >= ord("0")) & (canonical <= ord("9"))] = 2
    classes[~tables.keep] = 0
    return classes
