"""The screener: built once from term lists, then ``check(text)`` for every text users send."""

from __future__ import annotations

import re
import sys
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from typing import Any, NamedTuple

import ahocorasick_rs
import numpy as np
import numpy.typing as npt

from nlu.screening import contact, farm, words
from nlu.screening.arrays import (
    code_points,
    collector_paused,
    decode_points,
    first_last_length,
    longer_word_code,
    member,
    objects,
    rows_of,
    run_edges,
)
from nlu.screening.batch_rows import BatchRows, SpelledRows, farmable, term_columns
from nlu.screening.farm import pesticide_shaped
from nlu.screening.fold import FoldedBatch, FoldTables, fold_tables
from nlu.screening.lists import TermLists, builtin_lists
from nlu.screening.model import Action, ScreeningResult, Term
from nlu.screening.patterns import Entry, fold_all, lone_numeral_word, merge_terms, with_number_variants
from nlu.screening.pinyin import _CONTEXT as _PINYIN_CONTEXT
from nlu.screening.pinyin import initial_table, looks_spelled, spell_all, syllable_table
from nlu.screening.recompose import Recomposer
from nlu.screening.text_by_text import (
    ADDRESS_ENTRIES,
    DIGIT_RUN_ENTRY,
    Candidate,
    Found,
    TextByText,
    _glued_to_letter,
    farm_word_endings,
)
from nlu.screening.views import Span, collapse_all, collapsed_view

_Array = npt.NDArray[Any]
_CJK_MIN = "\u2e80"  # anything from the CJK radicals up counts as a Chinese character here
_LATIN = re.compile(r"[a-z]+")
_REPEAT = re.compile(r"([^\n])\1+")
_NEWLINE = ord("\n")
_LETTERS, _DIGITS = 1, 2
_PINYIN, _INITIALS, _PIECES = 1, 2, 4
_NO_TERM = Term("", "", Action.ADVISE)  # stands for the allowed words among the plain patterns
_BATCH_FROM = 32  # texts; fewer are checked text by text (text_by_text.py), as that is faster
_SHORT_TERM = 10  # squeezing matches the plain automaton around repeats for terms up to this long


@dataclass(frozen=True, slots=True)
class ScreenerOptions:
    pinyin: bool = True
    """Look for terms spelled (partly) in pinyin: 法lun功, falungong."""
    initials_min_chars: int = 3
    """Look for terms of at least this many characters written partly in pinyin initials (fl功)."""
    initials_min_letters: int = 1
    """…and only where the initials are at least this many latin letters. A lone letter counts only
    where every other character of the term is written as listed (毛二B, h色小说; judge.py), so B超,
    维生素K or a list marker b． is not read as an initial."""
    contact: bool = True
    """Flag contact details: runs of 8+ digits, web and IPv4 addresses (category ``contact``)."""
    split_chars: bool = True
    """Look for characters written as two components side by side (手木仓 for 手枪; recompose.py)."""


class _Alphabet:
    """Two bytes for each character the patterns use (and one code for all others), so that the
    automaton walks two bytes per Chinese character instead of UTF-8's three, and positions are
    byte offsets halved. The first byte is 128 or more and the second less: a match never starts
    in the middle of a character."""

    SIZE = 1 << 14

    def __init__(self, points: _Array) -> None:
        used = np.unique(points)
        used = used[used != _NEWLINE]
        codes = np.zeros(sys.maxunicode + 1, dtype=np.uint16)
        codes[used] = np.arange(1, len(used) + 1, dtype=np.uint16)
        # The big-endian codes' bytes read as native integers: taking from a native array costs
        # half of taking from a big-endian one, and the bytes are the same.
        self._codes = ((0x80 + (codes >> 7)) << 8 | (codes & 0x7F)).astype(">u2").view(np.uint16)

    @classmethod
    def of(cls, patterns: Iterable[str]) -> _Alphabet | None:
        """The alphabet of the patterns, or None when they use too many characters for two bytes."""
        points = code_points("\n".join(patterns))
        if len(np.unique(points)) >= cls.SIZE:
            return None
        return cls(points)

    def encode(self, points: _Array) -> bytes:
        return self.encode_array(points).tobytes()

    def encode_array(self, points: _Array) -> _Array:
        """``encode`` as an array of bytes (the matchers read it in place, a batch's megabytes not
        copied into a bytes object)."""
        return self._codes.take(points).view(np.uint8)  # take: faster than indexing on a batch

    def encode_all(self, patterns: list[str]) -> list[bytes]:
        return self.encode(code_points("\n".join(patterns))).split(self.encode(np.array([_NEWLINE])))


class _Automaton:
    """Aho–Corasick over folded patterns, reporting every (overlapping) occurrence."""

    def __init__(
        self,
        patterns: dict[str, Entry | None],
        alphabet: _Alphabet | None = None,
        ascii: bool = False,
        also: list[str] | None = None,
    ) -> None:
        """``ascii``: the patterns are ASCII, and so matched in texts encoded one byte a character
        (``find_bytes``; ``find`` encodes any other character as "?"). ``also``: more strings to
        look for in the same pass (pairs of components, recompose.py), numbered in their order:
        ``find_all`` and ``find_points_all`` report them too, ``also_of`` says which each is."""
        self.entries = list(patterns.values())
        self.keys = list(patterns)
        self.listed = np.array([entry is not None for entry in self.entries], dtype=np.bool_)
        count = len(self.keys)
        also = also or []
        extra = [key for key in dict.fromkeys(also) if key not in patterns]
        keys = self.keys + extra
        self.also_of = np.full(len(keys), -1, dtype=np.int64)
        """Per pattern (``keys`` and then the strings of ``also`` that are not among them): the
        number of its string in ``also``, or -1."""
        where = {key: index for index, key in enumerate(keys)} if also else {}
        self.also_of[[where[key] for key in also]] = np.arange(len(also))
        self.also_numbers = {where[key]: number for number, key in enumerate(also)}
        """``also_of`` as a dict, for the patterns of ``also`` only."""
        self._count = count if extra else None  # (None: nothing to leave out of find and find_points)
        self._alphabet = alphabet
        self._ascii = ascii
        self._matcher: ahocorasick_rs.AhoCorasick | ahocorasick_rs.BytesAhoCorasick | None = None
        if keys and alphabet is not None:
            self._matcher = ahocorasick_rs.BytesAhoCorasick(alphabet.encode_all(keys))
        elif keys and ascii:
            self._matcher = ahocorasick_rs.BytesAhoCorasick([key.encode("ascii") for key in keys])
        elif keys:
            self._matcher = ahocorasick_rs.AhoCorasick(keys)

    def find(self, text: str) -> list[tuple[int, int, int]]:
        """Matches of the patterns (those of ``also`` only when they are patterns too)."""
        found = self.find_all(text)
        count = self._count
        return found if count is None else [match for match in found if match[0] < count]

    def find_points(self, points: _Array) -> _Array:
        """Matches in the text of these code points, as an array of (pattern, start, end) rows
        (those of ``also`` only when they are patterns too)."""
        found = self.find_points_all(points)
        return found if self._count is None else found[found[:, 0] < self._count]

    def find_all(self, text: str) -> list[tuple[int, int, int]]:
        """``find``, with the strings of ``also``."""
        if self._matcher is None:
            return []
        if self._ascii:
            return self._matcher.find_matches_as_indexes(text.encode("ascii", "replace"), overlapping=True)  # type: ignore[arg-type]
        if self._alphabet is None:
            return self._matcher.find_matches_as_indexes(text, overlapping=True)  # type: ignore[arg-type]
        haystack = self._alphabet.encode(code_points(text))
        found = self._matcher.find_matches_as_indexes(haystack, overlapping=True)  # type: ignore[arg-type]
        return [(index, start >> 1, end >> 1) for index, start, end in found]

    def find_bytes(self, haystack: bytes) -> _Array:
        """Matches in a text encoded one byte a character (``ascii`` patterns), as ``find_points``."""
        if self._matcher is None:
            return np.empty((0, 3), dtype=np.int64)
        return rows_of(self._matcher.find_matches_as_indexes(haystack, overlapping=True))  # type: ignore[arg-type]

    def find_points_all(self, points: _Array) -> _Array:
        """``find_points``, with the strings of ``also``."""
        if self._matcher is None:
            return np.empty((0, 3), dtype=np.int64)
        if self._alphabet is None:
            text = decode_points(points)
            return rows_of(self._matcher.find_matches_as_indexes(text, overlapping=True))  # type: ignore[arg-type]
        haystack = self._alphabet.encode_array(points)
        found = rows_of(self._matcher.find_matches_as_indexes(haystack, overlapping=True))  # type: ignore[arg-type]
        found[:, 1:] //= 2
        return found


class _LatinRuns(NamedTuple):
    starts: _Array
    ends: _Array
    shapes: _Array
    """Per run: ``_PINYIN`` and ``_INITIALS`` as a whole; times ``_PIECES`` for any word of it the
    sender separated (runs with deleted characters inside: fa-lun-gong)."""


class Screener(TextByText):
    """Finds listed terms in a text, seeing through the usual evasions; immutable once built."""

    def __init__(self, lists: TermLists, options: ScreenerOptions | None = None) -> None:
        self.lists = lists
        self.options = options or ScreenerOptions()
        self._tables = fold_tables()
        # Boundary checks fold single characters over and over; the same few hundred recur.
        self._fold_char = lru_cache(maxsize=1 << 16)(self._tables.fold_char)
        self._point_class = _point_classes(self._tables)
        self._farm_word_ends = _farm_word_ends()
        self._chinese = np.zeros(sys.maxunicode + 1, dtype=np.bool_)  # what farm.chinese_run takes in
        self._chinese[ord(farm.CHINESE[0]) : ord(farm.CHINESE[1]) + 1] = True
        self._run_classes = np.zeros(sys.maxunicode + 1, dtype=np.int8)  # latin letters and digits
        self._run_classes[ord("a") : ord("z") + 1] = _LETTERS
        self._run_classes[[ord(c) for c in contact.DIGITS]] = _DIGITS
        self._ascii_alnum = np.zeros(sys.maxunicode + 1, dtype=np.bool_)
        self._ascii_alnum[
            [ord(c) for c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"]
        ] = True
        self._address_chars = np.zeros(sys.maxunicode + 1, dtype=np.bool_)
        self._address_chars[[ord(c) for c in contact.ADDRESS_CHARS]] = True
        terms = merge_terms(lists.terms, self._tables)
        patterns = with_number_variants(terms)
        allowed = {word for word in fold_all(list(lists.allowed), self._tables) if word}
        self._allowed = allowed
        plain = {**dict.fromkeys(allowed), **patterns}
        self._recomposer = Recomposer(patterns) if self.options.split_chars else None
        pairs = self._recomposer.keys if self._recomposer is not None else []
        # (collapsed and long patterns use the same characters)
        alphabet = _Alphabet.of([*plain, *pairs])
        # The plain automaton also finds the pairs of components that recompose (recompose.py).
        self._plain = _Automaton(plain, alphabet, also=pairs)
        # Collapsed texts are matched by the plain automaton too; only terms that repeat a
        # character themselves (assert, 妹妹…) need a collapsed spelling of their own.
        collapsed = self._collapsed_patterns(patterns)
        self._collapsed = _Automaton(collapsed, alphabet)
        # Terms (and their collapsed spellings) too long to fit the stretches around repeats that
        # squeezing looks at.
        self._long = _Automaton(
            {k: e for k, e in (*patterns.items(), *collapsed.items()) if len(k) > _SHORT_TERM}, alphabet
        )
        self._across_short = _AcrossRepeats.of(self._plain, self._collapsed)
        self._across_long = _AcrossRepeats.of(self._long)
        self._pinyin = _Automaton(self._spelled(terms, syllable_table(), min_chars=2), ascii=True)
        self._initials = _Automaton(
            self._spelled(terms, initial_table(), min_chars=self.options.initials_min_chars), ascii=True
        )
        # What the checks need to know of each plain pattern, as arrays indexed like its entries.
        entries, count = self._plain.entries, len(self._plain.entries)
        kinds: dict[tuple[Action, str, bool], int] = {}  # strength, and 4 for advise, 8 for the farm rules
        for action in Action:
            for category in {e.term.category for e in terms.values()} | {contact.CATEGORY}:
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
        self._p_strength = kind & 3
        self._p_advise = (kind & 4) > 0
        self._p_farmable = (kind & 8) > 0
        listed = kind > 0
        self._p_allowed = ~listed | np.fromiter(
            (key in allowed for key in self._plain.keys), dtype=np.bool_, count=count
        )
        first, last, length = first_last_length(self._plain.keys)
        cjk = ord(_CJK_MIN)
        self._p_two = listed & (length == 2) & (first >= cjk) & (last >= cjk)
        self._p_single = listed & (length == 1) & (first < 0x80)
        # The term of each plain pattern, field by field, to be picked for all hits at once.
        self._plain_terms = term_columns([e.term if e is not None else _NO_TERM for e in entries])
        self._plain_keys = objects(self._plain.keys, count)  # (a hit's text, when it is the key)
        # Per plain pattern: whether judge.as_read looks at its hits even when written as the
        # pattern (a spelling other than the term's own, a term beginning with a digit).
        self.p_judged = np.fromiter(
            (
                e is not None and (key != e.term.text or e.term.text[:1].isdigit())
                for key, e in zip(self._plain.keys, entries, strict=True)
            ),
            dtype=np.bool_,
            count=count,
        )
        self._p_length = length
        self._p_pesticide = np.full(count, -1, dtype=np.int8)  # pesticide_shaped, filled in when first met
        self._p_two_frequency: _Array | None = None  # _two_frequencies
        self._p_common: tuple[_Array, _Array, _Array] | None = None  # _common_words
        self._listed = patterns  # what words.inside_longer_word may not read as a longer word
        # What judge.as_read leaves as found: the team's own terms and contact details.
        self.unjudged = frozenset(t.text for t in lists.terms if t.exact) | {contact.CATEGORY}
        self._terms = terms
        self._dropped: tuple[frozenset[str], _Array] | None = None  # dropped_spellings
        self._spellings: dict[bool, _Spelling] = {}  # _spelling, made on first use
        self._spelling_shape_cache: dict[str, int] = {}
        self._coded_shapes = _WordShapes()

    def _two_frequencies(self) -> _Array:
        """Per plain pattern: its frequency as a dictionary word if it is two Chinese characters
        (computed on first use, the dictionary being loaded then)."""
        if self._p_two_frequency is None:
            keys = self._plain.keys
            frequency = np.zeros(len(keys), dtype=np.int64)
            (two,) = np.nonzero(self._p_two)
            frequency[two] = [words.frequency(keys[i]) for i in two.tolist()]
            self._p_two_frequency = frequency
        return self._p_two_frequency

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
        if self._p_common is None:
            keys, listed = self._plain.keys, self._p_strength > 0
            frequencies, least = words._frequencies(), words.zipf_count(words.COMMON_ZIPF)
            short = listed & (self._p_length >= 2) & (self._p_length < words._LONGEST)
            chosen = [
                i
                for i in np.flatnonzero(short).tolist()
                if (frequencies.get(keys[i]) or 0) >= least and min(keys[i]) >= _CJK_MIN
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
                if word not in self._listed
            ]
            self._p_common = common, number, np.unique(np.array(codes, dtype=np.int64))
        return self._p_common

    def dropped_spellings(self) -> frozenset[str]:
        """The number spellings not looked for: a lone numeral before or after a common word
        (``patterns.lone_numeral_word``; computed on first use, the dictionary being loaded then)."""
        return self._dropped_spellings()[0]

    def dropped_patterns(self) -> _Array:
        """``dropped_spellings`` per plain pattern."""
        return self._dropped_spellings()[1]

    def _dropped_spellings(self) -> tuple[frozenset[str], _Array]:
        if self._dropped is None:
            terms = self._terms
            folded_of = {id(entry.term): folded for folded, entry in terms.items()}
            least = words.zipf_count(words.NUMERAL_WORD_ZIPF)
            dropped = set()
            for spelling, entry in self._listed.items():
                if spelling in terms:
                    continue
                rest = lone_numeral_word(folded_of[id(entry.term)], spelling)
                # (a spelling that is itself a word, 一氧化碳 of 1氧化碳, is that word)
                if (rest is not None and words.frequency(rest) >= least) or words.frequency(
                    spelling
                ) >= least:
                    dropped.add(spelling)
            keys = self._plain.keys
            per_pattern = np.fromiter((key in dropped for key in keys), dtype=np.bool_, count=len(keys))
            self._dropped = frozenset(dropped), per_pattern
        return self._dropped

    def may_squeeze(self, folded: str) -> bool:
        possible = self._across_short.possible_in
        for match in _REPEAT.finditer(folded):
            start, end = match.span()
            if possible(folded[start - 1] if start else "", match.group(1), folded[end : end + 1]):
                return True
        return False

    def prepared(self) -> Screener:
        """This screener with what it otherwise computes on its first checks done now (the word
        dictionary and its character pairs, the tables of common words and dropped spellings, the
        pinyin spelling tables), so no user's message pays for them: build and prepare off the
        event loop, then swap in. Returns itself."""
        words.warm_up()
        self._two_frequencies()
        self._common_words()
        self._dropped_spellings()
        for initials in (False, True):
            self._spelling(initials)
        self.may_squeeze("赌赌博")
        # One text of each kind through both paths: letters (pinyin), repeats, digits, addresses.
        sample = "请问falun功fl大法赌赌博1234567890 www.example.com 玉米叶子发黄"
        self.check(sample)
        self.check_many([sample] * _BATCH_FROM)
        return self

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
        folded = list(terms)
        lengths = np.fromiter(map(len, folded), dtype=np.int64, count=len(folded))
        highest = np.maximum.reduceat(code_points("\n".join(folded)), np.cumsum(lengths + 1) - lengths - 1)
        values = list(terms.values())
        chosen = [
            values[i] for i in np.flatnonzero((lengths >= min_chars) & (highest >= ord(_CJK_MIN))).tolist()
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
        return self.check_many([text])[0]

    def check_many(self, texts: Iterable[str]) -> list[ScreeningResult]:
        """``check`` for each text, faster: the texts are folded and matched in one pass, the checks
        on the hits run over arrays for the whole batch, and only texts with something unusual to
        look at (letters that may be pinyin, repeats, digits, addresses, split characters) take a path
        of their own."""
        texts = texts if isinstance(texts, list) else list(texts)
        if not texts:
            return []
        if len(texts) < _BATCH_FROM:
            return self._check_text_by_text(texts)
        with collector_paused():
            return self._check_batch(texts)

    def _check_batch(self, texts: list[str]) -> list[ScreeningResult]:
        batch = self._tables.fold_batch(texts)
        found = Found(texts, batch)
        rows = BatchRows(self, texts, batch)
        matches = self._plain.find_points_all(batch.folded_points)
        recomposable: dict[int, list[int]] = {}
        if self._recomposer is not None:
            matches, recomposable = self._recomposable_texts(batch, rows, matches)
        rows.add_plain(matches)
        found.repeats.update(self._squeezed_texts(batch, rows))
        if self.options.contact:
            found.add_spans(found.digits, self._digit_runs(batch, rows))
            found.addresses.update(rows.addresses())
        if found.repeats:
            self._add_collapsed(rows, sorted(found.repeats))
        for number, at in recomposable.items():
            rows.add_extra(number, self._recomposed_candidates(rows.view(number), at))
        latin = self._latin_runs(batch, rows) if self.options.pinyin else None
        if latin is not None:
            for initials in (False, True):
                rows.add_spelled(self._spelled_rows(batch, rows, latin, initials))
        for number, spans in found.digits.items():
            text, view = texts[number], rows.view(number)
            for start, end in spans:
                span = view.original_span(start, end)
                if not contact.is_date_or_time(text[span.start : span.end]) and not _glued_to_letter(
                    text, span
                ):
                    rows.add_extra(number, [Candidate(span, DIGIT_RUN_ENTRY)])
        for number, addresses in found.addresses.items():
            rows.add_extra(
                number,
                [Candidate(Span(start, end), ADDRESS_ENTRIES[term]) for start, end, term in addresses],
            )
        return rows.results()

    def _recomposable_texts(
        self, batch: FoldedBatch, rows: BatchRows, matches: _Array
    ) -> tuple[_Array, dict[int, list[int]]]:
        """Where pairs of components recompose (``Recomposer.recomposing``) among the plain
        automaton's matches, by text, and the matches of its patterns."""
        recomposer = self._recomposer
        pairs = self._plain.also_of[matches[:, 0]]
        found = pairs >= 0
        if recomposer is None or not found.any():
            return matches, {}
        order = np.argsort(matches[found, 1], kind="stable")
        at, numbers = matches[found, 1][order], pairs[found][order]
        at = recomposer.recomposing(batch, at, numbers, lambda: rows.deleted)
        by_text: dict[int, list[int]] = {}
        texts = np.searchsorted(rows.fend, at, side="right")
        for number, start in zip(texts.tolist(), (at - rows.fstart[texts]).tolist(), strict=True):
            by_text.setdefault(number, []).append(start)
        return matches[matches[:, 0] < len(self._plain.entries)], by_text

    def _add_collapsed(self, rows: BatchRows, numbers: list[int]) -> None:
        """``_collapsed_candidates`` of these texts, their collapsed views matched in one pass per
        automaton (joined by line breaks, which no pattern holds)."""
        views = [collapsed_view(rows.view(number)) for number in numbers]
        starts = list(accumulate((len(view.text) + 1 for view in views[:-1]), initial=0))
        joined = "\n".join(view.text for view in views)
        candidates: list[list[Candidate]] = [[] for _ in views]
        dropped = self.dropped_spellings()
        for automaton in (self._plain, self._collapsed):
            entries = automaton.entries
            for index, start, end in automaton.find(joined):
                entry = entries[index]
                at = bisect_right(starts, start) - 1
                view, offset = views[at], starts[at]
                if entry is None or entry.folded in dropped:
                    continue
                if view.squeezes(start - offset, end - offset):
                    candidates[at].append(Candidate(view.original_span(start - offset, end - offset), entry))
        for number, found in zip(numbers, candidates, strict=True):
            rows.add_extra(number, found)

    def _squeezed_texts(self, batch: FoldedBatch, rows: BatchRows) -> list[int]:
        """Texts where squeezing repeated characters (赌赌赌博博) makes a listed term appear: only
        the stretches around the repeats are matched, and long terms only in texts with repeats."""
        if rows.small and not _REPEAT.search(batch.text):
            return []
        points = batch.folded_points
        repeated = np.flatnonzero(points[1:] == points[:-1]) + 1
        repeated = repeated[points[repeated] != _NEWLINE]  # (empty texts in a row)
        if not len(repeated):
            return []
        # The k-th character squeezed out follows the one kept k + 1 places before it: after
        # squeezed position ``follows[k]`` (sorted). Squeezed positions that stand for several
        # characters (runs), and where each text ends squeezed.
        follows = repeated - np.arange(1, len(repeated) + 1)
        size = len(points) - len(repeated)

        def squeezed(at: _Array) -> _Array:
            """The characters at these squeezed positions (counting the characters squeezed out
            before them is cheaper than squeezing the batch, for the few positions looked at)."""
            return np.take(points, at + np.searchsorted(follows, at))

        runs = follows[np.diff(follows, prepend=-1) > 0]
        ends = rows.fend - np.searchsorted(repeated, rows.fend, side="right")
        starts = np.zeros(len(ends), dtype=np.int64)
        starts[1:] = ends[:-1] + 1
        number = np.searchsorted(ends, runs, side="right")
        # Only runs that some pattern could be found across (most repeats are "oo" in a word or
        # "。。"): the character with its neighbours in the squeezed text, see _AcrossRepeats.
        before = np.full(len(runs), _NEWLINE, dtype=np.int64)
        before[runs > 0] = squeezed(runs[runs > 0] - 1)
        after = np.full(len(runs), _NEWLINE, dtype=np.int64)
        inner = runs + 1 < size
        after[inner] = squeezed(runs[inner] + 1)
        char = squeezed(runs).astype(np.int64)
        short = self._across_short.possible(before, char, after)
        long = self._across_long.possible(before, char, after)
        reach = _SHORT_TERM - 1
        found: set[int] = set()
        for automata, low, high, text in (
            ((self._plain, self._collapsed), runs[short] - reach, runs[short] + reach + 1, number[short]),
            ((self._long,), starts[number[long]], ends[number[long]], number[long]),
        ):
            if not len(low):
                continue
            low, high = np.maximum(low, starts[text]), np.minimum(high, ends[text])
            # Merge overlapping stretches, then match them all in one pass.
            first = np.ones(len(low), dtype=np.bool_)
            first[1:] = low[1:] > np.maximum.accumulate(high)[:-1]
            low, high = low[first], np.maximum.reduceat(high, np.flatnonzero(first))
            # Each stretch with the character after it, made a line break.
            sizes = high - low + 1
            offsets = np.zeros(len(sizes), dtype=np.int64)
            np.cumsum(sizes[:-1], out=offsets[1:])
            at = np.repeat(low - offsets, sizes) + np.arange(int(sizes.sum()))
            stretches = squeezed(np.minimum(at, size - 1))
            stretches[offsets + sizes - 1] = _NEWLINE
            for automaton in automata:
                found_at = automaton.find_points(stretches)
                if not len(found_at):
                    continue
                listed = automaton.listed[found_at[:, 0]]
                start, end = found_at[listed, 1], found_at[listed, 2]
                stretch = np.searchsorted(offsets, start, side="right") - 1
                start = start - offsets[stretch] + low[stretch]
                end = end - offsets[stretch] + low[stretch]
                run = np.searchsorted(runs, start)
                inside = run < len(runs)
                inside[inside] = runs[run[inside]] < end[inside]
                found.update(np.searchsorted(ends, start[inside], side="right").tolist())
        return sorted(found)

    def _pesticide_shaped(self, refs: _Array, extra: list[Entry]) -> _Array:
        """``pesticide_shaped`` of the patterns (plain indexes, or past them into ``extra``)."""
        known, count = self._p_pesticide, len(self._p_pesticide)
        shaped = np.empty(len(refs), dtype=np.bool_)
        plain = refs < count
        values = known[refs[plain]]
        unknown = np.unique(refs[plain][values < 0])
        if len(unknown):
            entries = self._plain.entries
            known[unknown] = [pesticide_shaped(entries[i].folded) for i in unknown.tolist()]
            values = known[refs[plain]]
        shaped[plain] = values == 1
        shaped[~plain] = [pesticide_shaped(extra[i - count].folded) for i in refs[~plain].tolist()]
        return shaped

    def _digit_runs(self, batch: FoldedBatch, rows: BatchRows) -> list[tuple[int, int]]:
        """What ``contact.DIGIT_RUNS`` finds in the folded texts: runs of at least ``MIN_DIGITS``."""
        if rows.small:
            return [m.span() for m in contact.DIGIT_RUNS.finditer(batch.text)]
        edges = run_edges(rows.run_classes == _DIGITS)
        starts, ends = edges[0::2], edges[1::2]
        long = ends - starts >= contact.MIN_DIGITS
        return list(zip(starts[long].tolist(), ends[long].tolist(), strict=True))

    def _latin_runs(self, batch: FoldedBatch, rows: BatchRows) -> _LatinRuns | None:
        """The runs of latin letters in the folded texts, and the words the sender separated in
        those with deleted characters inside (fa-lun-gong)."""
        if rows.small:
            spans = [m.span() for m in _LATIN.finditer(batch.text)]
            if not spans:
                return None
            starts = np.array([start for start, _ in spans], dtype=np.int64)
            ends = np.array([end for _, end in spans], dtype=np.int64)
        else:
            edges = run_edges(rows.run_classes == _LETTERS)
            if not len(edges):
                return None
            starts, ends = edges[0::2], edges[1::2]
        # What each run looks like as a whole, and (with deletions inside) what any of its words does.
        shapes = self._word_shapes(batch, starts, ends)
        deleted = rows.deleted
        if deleted is not None:
            # Runs with a deleted character after their first letter and before their last: the
            # first one deleted after the first letter comes before the last.
            after = np.minimum(np.searchsorted(deleted, starts, side="right"), len(deleted) - 1)
            split = np.flatnonzero((deleted[after] > starts) & (deleted[after] < ends))
            if len(split):
                # Positions inside those runs (after their first letter) where something was deleted.
                sizes = ends[split] - starts[split] - 1
                inner = np.repeat(starts[split] + 1 - np.cumsum(sizes) + sizes, sizes) + np.arange(
                    int(sizes.sum())
                )
                at = np.minimum(np.searchsorted(deleted, inner), len(deleted) - 1)
                breaks = inner[deleted[at] == inner]
                # The words: each from a run's start or a break to the next break or the run's end.
                word_starts = np.sort(np.concatenate([starts[split], breaks]))
                run = split[np.searchsorted(starts[split], word_starts, side="right") - 1]
                firsts = np.flatnonzero(np.diff(run, prepend=-1))  # each run's first word
                word_ends = np.append(word_starts[1:], 0)
                word_ends[firsts - 1] = ends[run[firsts - 1]]  # (the last word's too, at -1)
                words = self._word_shapes(batch, word_starts, word_ends)
                shapes[run[firsts]] |= _PIECES * np.bitwise_or.reduceat(words, firsts)
        return _LatinRuns(starts, ends, shapes)

    def _word_shapes(self, batch: FoldedBatch, starts: _Array, ends: _Array) -> _Array:
        """``_spelling_shapes`` of the words of latin letters at these spans of the folded text.
        Words of up to ``_CODED_LETTERS`` letters are told apart by a number (five bits a letter) and
        looked up in ``_WordShapes``; only new ones (and longer words) meet Python."""
        lengths = ends - starts
        shapes = np.zeros(len(starts), dtype=np.int8)
        (coded,) = np.nonzero(lengths <= _CODED_LETTERS)
        points, last = batch.folded_points, len(batch.folded_points) - 1
        codes = np.zeros(len(coded), dtype=np.int64)
        at, length = starts[coded], lengths[coded]
        for i in range(int(length.max(initial=0))):
            letter = points[np.minimum(at + i, last)].astype(np.int64) - (ord("a") - 1)
            codes |= np.where(i < length, letter, 0) << (5 * (_CODED_LETTERS - 1 - i))
        found, missing = self._coded_shapes.get(codes)
        if len(missing):
            new = np.unique(codes[missing])
            words = [_decoded(code) for code in new.tolist()]
            shape = self._spelling_shapes(set(words))
            new_shapes = np.array([shape[word] for word in words], dtype=np.int8)
            self._coded_shapes.put(new, new_shapes)
            found[missing] = new_shapes[np.searchsorted(new, codes[missing])]
        shapes[coded] = found
        (long,) = np.nonzero(lengths > _CODED_LETTERS)
        if len(long):
            folded = batch.text
            spelled = [folded[a:b] for a, b in zip(starts[long].tolist(), ends[long].tolist(), strict=True)]
            shape = self._spelling_shapes(set(spelled))
            shapes[long] = [shape[word] for word in spelled]
        return shapes

    def _spelling_shapes(self, words: set[str]) -> dict[str, int]:
        """Per word: ``_PINYIN`` if it looks like pinyin, plus ``_INITIALS`` if like pinyin initials
        (remembered across calls)."""
        known = self._spelling_shape_cache
        shapes = {}
        for word in words:
            shape = known.get(word)
            if shape is None:
                if len(known) >= 1 << 16:
                    known.clear()
                shape = known[word] = _PINYIN * looks_spelled(word, False) | _INITIALS * looks_spelled(
                    word, True
                )
            shapes[word] = shape
        return shapes

    def _spelled_rows(
        self, batch: FoldedBatch, rows: BatchRows, latin: _LatinRuns, initials: bool
    ) -> SpelledRows | None:
        """Terms spelled (partly) in pinyin or its initials around the sender's letters: the Chinese
        characters near letters that may be pinyin are spelled out, in windows, and all windows of the
        batch are matched in one pass. A hit must be whole characters, include letters the sender
        typed, and (initials) hold at least ``initials_min_letters`` letters and a Chinese character."""
        shape = _INITIALS if initials else _PINYIN
        spelled = (latin.shapes & (shape | _PIECES * shape)) > 0  # as a whole, or a word the sender separated
        starts, ends = latin.starts[spelled], latin.ends[spelled]
        if not len(starts):
            return None
        number = np.searchsorted(rows.fend, starts, side="right")
        context = _PINYIN_CONTEXT[initials]
        new = np.ones(len(starts), dtype=np.bool_)
        new[1:] = (number[1:] != number[:-1]) | (starts[1:] - ends[:-1] > 2 * context)
        window_number = number[new]
        window_start = np.maximum(starts[new] - context, rows.fstart[window_number])
        last = np.flatnonzero(np.append(new[1:], True))
        window_end = np.minimum(ends[last] + context, rows.fend[window_number])
        # Per character of the windows (joined by line breaks): its batch position (one past its
        # window for the line breaks), where its spelling starts and ends, and whether the sender
        # typed it as a letter.
        sizes = window_end - window_start + 1
        offsets = np.zeros(len(sizes), dtype=np.int64)
        np.cumsum(sizes[:-1], out=offsets[1:])
        position = np.repeat(window_start - offsets, sizes)[:-1] + np.arange(int(sizes.sum()) - 1)
        points = batch.folded_points
        source_points = points[np.minimum(position, len(points) - 1)]
        source_points[offsets[1:] - 1] = _NEWLINE
        spelling, lengths = self._spelling(initials).spell(source_points)
        automaton = self._initials if initials else self._pinyin
        found = automaton.find_bytes(spelling)
        if not len(found):
            return None
        unit_end = np.cumsum(lengths)
        unit_start = unit_end - lengths
        before = np.searchsorted(starts, position, side="right") - 1  # the last run starting before
        letter = (before >= 0) & (position < ends[np.maximum(before, 0)]) & (source_points != ord("\n"))
        index, start, end = found[:, 0], found[:, 1], found[:, 2]
        first = np.searchsorted(unit_start, start)
        last_unit = np.searchsorted(unit_end, end)
        whole = (first < len(unit_start)) & (last_unit < len(unit_end))
        first, last_unit = np.minimum(first, len(unit_start) - 1), np.minimum(last_unit, len(unit_end) - 1)
        whole &= (unit_start[first] == start) & (unit_end[last_unit] == end)
        counts = np.zeros(len(source_points) + 1, dtype=np.int64)
        np.cumsum(letter, out=counts[1:])
        whole &= counts[last_unit + 1] > counts[first]  # touches the sender's letters
        typed_letters = (source_points >= ord("a")) & (source_points <= ord("z"))
        np.cumsum(typed_letters, out=counts[1:])
        letters = counts[last_unit + 1] - counts[first]
        if initials:
            np.cumsum(source_points >= ord(_CJK_MIN), out=counts[1:])
            whole &= (letters >= self.options.initials_min_letters) & (counts[last_unit + 1] > counts[first])
        else:
            whole &= letters > 0
        if not whole.any():
            return None
        chosen = np.flatnonzero(whole)
        entries = automaton.entries
        return SpelledRows(
            np.searchsorted(rows.fend, position[first[chosen]], side="right"),
            position[first[chosen]],
            position[last_unit[chosen]] + 1,
            [entries[i] for i in index[chosen].tolist()],
        )

    def _spelling(self, initials: bool) -> _Spelling:
        known = self._spellings.get(initials)
        if known is None:
            known = self._spellings[initials] = _Spelling(initial_table() if initials else syllable_table())
        return known


class _Spelling:
    """A spelling table (pinyin or its initials) as arrays, to spell the windows of a batch at once,
    one byte a letter: per code point the length of its spelling and where that starts in
    ``letters``. Characters left as they are (one long) are themselves if a latin letter or digit,
    else a byte no spelled term holds (those are all letters and digits)."""

    def __init__(self, table: dict[int, str]) -> None:
        kept = list(b"abcdefghijklmnopqrstuvwxyz0123456789")
        head = np.full(256, 0xFF, dtype=np.uint8)  # byte b at position b: the characters left as they are
        head[kept] = kept
        size = max(table, default=0) + 2  # the last one stands for every code point past the table
        self.lengths = np.ones(size, dtype=np.int64)
        self.starts = np.zeros(size, dtype=np.int64)  # (position 0: b"\xff")
        self.starts[kept] = kept
        keys = np.fromiter(table, dtype=np.int64, count=len(table))
        lengths = np.fromiter(map(len, table.values()), dtype=np.int64, count=len(table))
        self.lengths[keys] = lengths
        self.starts[keys] = len(head) + np.cumsum(lengths) - lengths
        spellings = np.frombuffer("".join(table.values()).encode("ascii"), dtype=np.uint8)
        self.letters = np.concatenate([head, spellings])

    def spell(self, points: _Array) -> tuple[bytes, _Array]:
        """The spelling of the characters, and the length of each one's."""
        at = np.minimum(points, len(self.lengths) - 1)
        lengths = self.lengths[at]
        ends = np.cumsum(lengths)
        letters = np.repeat(self.starts[at] - ends + lengths, lengths) + np.arange(
            int(ends[-1]) if len(ends) else 0
        )
        return self.letters[letters].tobytes(), lengths


class _AcrossRepeats:
    """What a listed pattern must hold to be found across a squeezed run of repeats (赌赌博 → 赌博)
    but not without squeezing: a match of the squeezed text that covers the run's character c is c
    alone, starts with c and the character after it, ends with the one before it and c, or holds
    all three in a row. Sorted codes of each kind over the patterns of some automata."""

    def __init__(self, singles: _Array, firsts: _Array, lasts: _Array, triples: _Array) -> None:
        self.singles, self.firsts, self.lasts, self.triples = singles, firsts, lasts, triples
        self._sets: tuple[frozenset[int], ...] | None = None

    @classmethod
    def of(cls, *automata: _Automaton) -> _AcrossRepeats:
        keys = [
            key for a in automata for key, listed in zip(a.keys, a.listed.tolist(), strict=True) if listed
        ]
        if not keys:
            empty = np.empty(0, dtype=np.int64)
            return cls(empty, empty, empty, empty)
        points = code_points("\n".join(keys)).astype(np.int64)
        lengths = np.fromiter(map(len, keys), dtype=np.int64, count=len(keys))
        starts = np.cumsum(lengths + 1) - lengths - 1
        pairs = points[:-1] << 21 | points[1:]  # code points need 21 bits
        joined = (points[:-2] != _NEWLINE) & (points[1:-1] != _NEWLINE) & (points[2:] != _NEWLINE)
        triples = (points[:-2] << 42 | pairs[1:])[joined]
        several = starts[lengths > 1]
        return cls(
            np.unique(points[starts[lengths == 1]]),
            np.unique(pairs[several]),
            np.unique(pairs[several + lengths[lengths > 1] - 2]),
            np.unique(triples),
        )

    def possible(self, before: _Array, char: _Array, after: _Array) -> _Array:
        """Per run (its character and the squeezed neighbours, int64): whether some pattern could be
        found across it."""
        return (
            member(self.singles, char)
            | member(self.firsts, char << 21 | after)
            | member(self.lasts, before << 21 | char)
            | member(self.triples, before << 42 | char << 21 | after)
        )

    def possible_in(self, before: str, char: str, after: str) -> bool:
        """``possible`` for one run of one text ("" for no neighbour), with sets: for a text
        checked on its own, array calls cost more than the lookups."""
        if self._sets is None:
            self._sets = tuple(
                frozenset(a.tolist()) for a in (self.singles, self.firsts, self.lasts, self.triples)
            )
        singles, firsts, lasts, triples = self._sets
        point = ord(char)
        if point in singles:
            return True
        if after and point << 21 | ord(after) in firsts:
            return True
        if before and ord(before) << 21 | point in lasts:
            return True
        return bool(before and after and ord(before) << 42 | point << 21 | ord(after) in triples)


_CODED_LETTERS = 12  # letters of a word that a number tells apart: five bits each (60 bits)


def _decoded(code: int) -> str:
    """The word of latin letters that ``Screener._word_shapes`` numbered ``code``."""
    letters = (code >> 5 * (_CODED_LETTERS - 1 - i) & 31 for i in range(_CODED_LETTERS))
    return "".join(chr(ord("a") - 1 + letter) for letter in letters if letter)


class _WordShapes:
    """The spelling shapes of numbered words (``Screener._word_shapes``) met lately: a table with a
    slot for each number modulo its size, the last word numbered so keeping it. A word whose slot
    another took is looked up in Python again: a cache, never a wrong answer. A slot holds the
    number and the shape (``_PINYIN | _INITIALS``, two bits) in one integer, so that a batch
    checked in another thread never reads one word's number with another word's shape."""

    SIZE = 65521  # a prime: the low bits of a number are the last letters, often alike

    def __init__(self) -> None:
        self._slots = np.full(self.SIZE, -1, dtype=np.int64)  # no word is numbered -1

    def get(self, codes: _Array) -> tuple[_Array, _Array]:
        """The shapes of the numbered words, and where the table does not know them."""
        held = self._slots[codes % self.SIZE]
        return (held & 3).astype(np.int8), np.flatnonzero(held >> 2 != codes)

    def put(self, codes: _Array, shapes: _Array) -> None:
        """Remember these shapes (of distinct numbers); of two numbers meeting in a slot, one."""
        self._slots[codes % self.SIZE] = codes << 2 | shapes


def _farm_word_ends() -> npt.NDArray[np.bool_] | None:
    """``farm_word_endings`` as a table over code points."""
    endings = farm_word_endings()
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
