"""The screener: built once from term lists, then ``check(text)`` for every text users send."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from itertools import accumulate
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from nlu.screening import contact
from nlu.screening.arrays import collector_paused, run_edges
from nlu.screening.batch_rows import BatchRows, SpelledRows
from nlu.screening.candidates import ADDRESS_ENTRIES, DIGIT_RUN_ENTRY, Candidate, glued_to_letter
from nlu.screening.fold import FoldedBatch
from nlu.screening.index import CJK_MIN, DIGITS, LETTERS, SHORT_TERM, TermIndex
from nlu.screening.lists import TermLists, builtin_lists
from nlu.screening.model import ScreeningResult
from nlu.screening.options import ScreenerOptions
from nlu.screening.pinyin import CONTEXT as PINYIN_CONTEXT
from nlu.screening.pinyin import initial_table, looks_spelled, syllable_table
from nlu.screening.text_by_text import Found, TextByText
from nlu.screening.views import Span, collapsed_view

__all__ = ["Screener", "ScreenerOptions"]

_Array = npt.NDArray[Any]
_LATIN = re.compile(r"[a-z]+")
_REPEAT = re.compile(r"([^\n])\1+")
_NEWLINE = ord("\n")
_PINYIN, _INITIALS, _PIECES = 1, 2, 4
_BATCH_FROM = 32  # texts; fewer are checked text by text (text_by_text.py), as that is faster


class _LatinRuns(NamedTuple):
    starts: _Array
    ends: _Array
    shapes: _Array
    """Per run: ``_PINYIN`` and ``_INITIALS`` as a whole; times ``_PIECES`` for any word of it the
    sender separated (runs with deleted characters inside: fa-lun-gong)."""


class Screener:
    """Finds listed terms in a text, seeing through the usual evasions; immutable once built.

    Its term index (``index.py``) is built once from the lists; ``check`` takes a text through
    ``text_by_text.py``, ``check_many`` a batch through ``batch_rows.py``: both read the same index
    and apply the same judge (``judge.py``)."""

    def __init__(self, lists: TermLists, options: ScreenerOptions | None = None) -> None:
        self.index = TermIndex(lists, options)
        self.lists = lists
        self.options = self.index.options
        self.text_by_text = TextByText(self.index)
        self._spellings: dict[bool, _Spelling] = {}  # _spelling, made on first use
        self._spelling_shape_cache: dict[str, int] = {}
        self._coded_shapes = _WordShapes()

    def prepared(self) -> Screener:
        """This screener with what it otherwise computes on its first checks done now (the word
        dictionary and its character pairs, the tables of common words and dropped spellings, the
        pinyin spelling tables), so no user's message pays for them: build and prepare off the
        event loop, then swap in. Returns itself."""
        self.index.prepare()
        for initials in (False, True):
            self._spelling(initials)
        # One text of each kind through both paths: letters (pinyin), repeats, digits, addresses.
        sample = "请问falun功fl大法赌赌博1234567890 www.example.com 玉米叶子发黄"
        self.check(sample)
        self.check_many([sample] * _BATCH_FROM)
        return self

    @classmethod
    def builtin(cls, options: ScreenerOptions | None = None) -> Screener:
        return cls(builtin_lists(), options)

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
            return self.text_by_text.check(texts)
        with collector_paused():
            return self._check_batch(texts)

    def _check_batch(self, texts: list[str]) -> list[ScreeningResult]:
        batch = self.index.tables.fold_batch(texts)
        found = Found(texts, batch)
        rows = BatchRows(self.index, texts, batch)
        matches = self.index.plain.find_points_all(batch.folded_points)
        recomposable: dict[int, list[int]] = {}
        if self.index.recomposer is not None:
            matches, recomposable = self._recomposable_texts(batch, rows, matches)
        rows.add_plain(matches)
        found.repeats.update(self._squeezed_texts(batch, rows))
        if self.options.contact:
            found.add_spans(found.digits, self._digit_runs(batch, rows))
            found.addresses.update(rows.addresses())
        if found.repeats:
            self._add_collapsed(rows, sorted(found.repeats))
        for number, at in recomposable.items():
            rows.add_extra(number, self.text_by_text.recomposed_candidates(rows.view(number), at))
        latin = self._latin_runs(batch, rows) if self.options.pinyin else None
        if latin is not None:
            for initials in (False, True):
                rows.add_spelled(self._spelled_rows(batch, rows, latin, initials))
        for number, spans in found.digits.items():
            text, view = texts[number], rows.view(number)
            for start, end in spans:
                span = view.original_span(start, end)
                if not contact.is_date_or_time(text[span.start : span.end]) and not glued_to_letter(
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
        recomposer = self.index.recomposer
        pairs = self.index.plain.also_of[matches[:, 0]]
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
        return matches[matches[:, 0] < len(self.index.plain.entries)], by_text

    def _add_collapsed(self, rows: BatchRows, numbers: list[int]) -> None:
        """``_collapsed_candidates`` of these texts, their collapsed views matched in one pass per
        automaton (joined by line breaks, which no pattern holds)."""
        views = [collapsed_view(rows.view(number)) for number in numbers]
        starts = list(accumulate((len(view.text) + 1 for view in views[:-1]), initial=0))
        joined = "\n".join(view.text for view in views)
        candidates: list[list[Candidate]] = [[] for _ in views]
        dropped = self.index.dropped_spellings()
        for automaton in (self.index.plain, self.index.collapsed):
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
        short = self.index.across_short.possible(before, char, after)
        long = self.index.across_long.possible(before, char, after)
        reach = SHORT_TERM - 1
        found: set[int] = set()
        index = self.index
        for automata, low, high, text in (
            ((index.plain, index.collapsed), runs[short] - reach, runs[short] + reach + 1, number[short]),
            ((index.long,), starts[number[long]], ends[number[long]], number[long]),
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

    def _digit_runs(self, batch: FoldedBatch, rows: BatchRows) -> list[tuple[int, int]]:
        """What ``contact.DIGIT_RUNS`` finds in the folded texts: runs of at least ``MIN_DIGITS``."""
        if rows.small:
            return [m.span() for m in contact.DIGIT_RUNS.finditer(batch.text)]
        edges = run_edges(rows.run_classes == DIGITS)
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
            edges = run_edges(rows.run_classes == LETTERS)
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
        context = PINYIN_CONTEXT[initials]
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
        automaton = self.index.initials if initials else self.index.pinyin
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
            np.cumsum(source_points >= ord(CJK_MIN), out=counts[1:])
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
