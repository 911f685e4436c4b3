"""Finding candidates, the stage between normalising and judging: the texts (one, or a chunk of
``check_many``) are folded together and matched in one automaton pass (``Finder.find``); then each
text with something to look at gets its views, and ``Finder.candidates`` says what each of them
yields: the plain automaton's matches, squeezed repeats, recomposed components, pinyin and initials
windows, digit runs and addresses, each a ``Candidate`` with the facts the judge needs (which view,
plain or not, the view's allowed words). Finding judges nothing: what drops a candidate is the
judge's (``judge``). What it leaves out is what a view does not add: a squeezed or recomposed match
the plain view has, a pinyin match away from the letters the sender typed (or on none of the
text), and the number spellings the index does not look for (``TermIndex.dropped_spellings``)."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from itertools import accumulate
from typing import TYPE_CHECKING

from nlu.screening import contact
from nlu.screening.candidates import ADDRESS_ENTRIES, DIGIT_RUN_ENTRY, Candidate, ViewWords
from nlu.screening.fold import FoldedBatch
from nlu.screening.pinyin import looks_spelled, pinyin_windows
from nlu.screening.views import CollapsedView, PlainView, Span, collapsed_view

if TYPE_CHECKING:
    from nlu.screening.index import TermIndex
    from nlu.screening.options import ScreenerOptions
    from nlu.screening.patterns import Entry

_LATIN = re.compile(r"[a-z]+")
_REPEAT = re.compile(r"([^\n])\1+")


class Finder:
    """Finds the candidates of texts over a term index."""

    def __init__(self, index: TermIndex) -> None:
        self.index = index
        self.options: ScreenerOptions = index.options

    def find(self, texts: list[str]) -> Found:
        """Folds the texts together and matches them in one automaton pass; notes per text what
        there is to look at (texts with nothing are clean)."""
        tables = self.index.tables
        batch = tables.fold_text(texts[0]) if len(texts) == 1 else tables.fold_batch(texts)
        folded = batch.text
        found = Found(texts, batch)
        matches = self.index.plain.find_all(folded, batch.points)
        if self.index.recomposer is not None and matches:
            matches = self._recomposable(found, matches)
        found.add_matches(matches, self.index.plain.entries)
        if self.options.pinyin and _LATIN.search(folded):
            found.add_spans(found.latin, self._maybe_spelled(batch))
        if _REPEAT.search(folded) and (len(texts) > 1 or self.index.may_squeeze(folded)):
            found.repeats.update(self._squeezed_found(found))
            found.texts.update(found.repeats)
        if self.options.contact:
            found.add_spans(found.digits, (m.span() for m in contact.DIGIT_RUNS.finditer(folded)))
            for number, text in enumerate(texts):
                if "." in text and contact.URL_HINT.search(text):
                    found.addresses[number] = contact.addresses(text)
            found.texts.update(number for number, spans in found.addresses.items() if spans)
        return found

    def candidates(
        self, text: str, view: PlainView, found: Found, number: int
    ) -> tuple[list[Candidate], list[Span]]:
        """The candidates of text ``number`` (its plain view ``view``), and the original spans of
        the allowed words of its plain view (for the judge's allow-list cover)."""
        matches = found.matches.get(number, ())
        entries, allowed_words, folded = self.index.plain.entries, self.index.allowed, view.text
        allowed = [
            (start, end)
            for index, start, end in matches
            if entries[index] is None or folded[start:end] in allowed_words  # (_is_allowed)
        ]
        allow_spans = [view.original_span(start, end) for start, end in allowed]
        candidates: list[Candidate] = []
        common, dropped = self.index.common_patterns(), self.index.dropped_patterns()
        words = ViewWords(folded, allowed)
        for index, start, end in matches:
            entry = entries[index]
            if entry is None or dropped[index]:
                continue
            candidates.append(
                Candidate(view.original_span(start, end), entry, True, words, start, end, common[index])
            )
        if number in found.repeats:
            candidates.extend(self._collapsed_candidates(collapsed_view(view)))
        if number in found.recomposable:
            candidates.extend(self.recomposed_candidates(view, found.recomposable[number]))
        if number in found.latin:
            candidates.extend(self._spelled_candidates(view, found.latin[number]))
        for start, end in found.digits.get(number, ()):
            candidates.append(Candidate(view.original_span(start, end), DIGIT_RUN_ENTRY))
        for start, end, term in found.addresses.get(number, ()):
            candidates.append(Candidate(Span(start, end), ADDRESS_ENTRIES[term]))
        return candidates, allow_spans

    def recomposed_candidates(self, plain: PlainView, at: list[int]) -> list[Candidate]:
        """Matches of the text's recomposed view (recompose.py; ``at``: where its pairs that
        recompose start) that hold a recomposed character, with the view's allowed words."""
        if self.index.recomposer is None:
            return []
        view = self.index.recomposer.view(plain, at)
        text = view.text
        matches = self.index.plain.find(text)
        allowed = [(start, end) for index, start, end in matches if self._is_allowed(index, text[start:end])]
        entries = self.index.plain.entries
        common, dropped = self.index.common_patterns(), self.index.dropped_patterns()
        words = ViewWords(text, allowed, recomposed=True)
        candidates: list[Candidate] = []
        for index, start, end in matches:
            entry = entries[index]
            if entry is None or dropped[index] or not view.holds_recomposed(start, end):
                continue
            candidates.append(
                Candidate(view.original_span(start, end), entry, False, words, start, end, common[index])
            )
        return candidates

    def _collapsed_candidates(self, view: CollapsedView) -> Iterable[Candidate]:
        dropped = self.index.dropped_spellings()
        for automaton in (self.index.plain, self.index.collapsed):
            for index, start, end in automaton.find(view.text):
                entry = automaton.entries[index]
                if entry is not None and entry.folded not in dropped and view.squeezes(start, end):
                    yield Candidate(view.original_span(start, end), entry)

    def _recomposable(self, found: Found, matches: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
        """Notes where pairs of components recompose (``Recomposer.recomposing``) among the plain
        automaton's matches, and returns the matches of its patterns."""
        recomposer, pairs = self.index.recomposer, self.index.plain.also_numbers
        found_pairs = [(start, pairs[index]) for index, start, _ in matches if index in pairs]
        if recomposer is None or not found_pairs:
            return matches
        count = len(self.index.plain.entries)
        matches = [match for match in matches if match[0] < count]
        found_pairs.sort()
        for start in recomposer.recomposing(found.batch, found_pairs):
            number, offset = found.text_at(start)
            found.recomposable.setdefault(number, []).append(start - offset)
        found.texts.update(found.recomposable)
        return matches

    @staticmethod
    def _maybe_spelled(batch: FoldedBatch) -> Iterable[tuple[int, int]]:
        """Runs of letters that may be pinyin: as a whole, or with something deleted between them
        (then each word the sender separated is looked at in the slow path)."""
        folded, kept = batch.text, batch.kept
        for match in _LATIN.finditer(folded):
            start, end = match.span()
            if looks_spelled(match.group(), False) or looks_spelled(match.group(), True):
                yield start, end
                continue
            if end - start < 2:
                continue
            if kept is not None and kept[end - 1] - kept[start] != end - start - 1:
                yield start, end

    def _squeezed_found(self, found: Found) -> set[int]:
        """Texts where squeezing repeated characters (赌赌赌博博) makes a listed term appear."""
        folded = found.batch.text
        positions: list[int] = []  # where each run of repeats is in the squeezed text
        removed: list[int] = [0]  # characters squeezed out before each run
        for match in _REPEAT.finditer(folded):
            positions.append(match.start() - removed[-1])
            removed.append(removed[-1] + match.end() - match.start() - 1)
        squeezed = _REPEAT.sub(r"\1", folded)
        texts: set[int] = set()
        for automaton in (self.index.plain, self.index.collapsed):
            entries = automaton.entries
            for index, start, end in automaton.find(squeezed):
                if entries[index] is None:
                    continue
                run = bisect_left(positions, start)
                if run < len(positions) and positions[run] < end:
                    texts.add(found.text_at(start + removed[run])[0])
        return texts

    def _is_allowed(self, index: int, matched: str) -> bool:
        return self.index.plain.entries[index] is None or matched in self.index.allowed

    def _spelled_candidates(self, plain: PlainView, runs: list[tuple[int, int]]) -> Iterable[Candidate]:
        """Matches of the pinyin and initials automata in windows around the text's letters that
        touch the letters (``PinyinWindow.touches_letters``), on what they stand on in the text."""
        for initials, automaton in ((False, self.index.pinyin), (True, self.index.initials)):
            for window in pinyin_windows(plain, initials=initials, runs=runs):
                for index, start, end in automaton.find(window.text):
                    entry = automaton.entries[index]
                    if entry is None or not window.touches_letters(start, end):
                        continue
                    units = window.units(start, end)
                    if units:
                        source = plain.text[units[0] : units[1]]
                        yield Candidate(
                            plain.original_span(*units), entry, spelled_on=source, initials=initials
                        )


class Found:
    """What the one pass over a batch found, by text number; texts with nothing are clean."""

    def __init__(self, texts: list[str], batch: FoldedBatch) -> None:
        self.batch = batch
        self._texts = texts
        self.ends = batch.ends  # folded end of each text
        self.texts: set[int] = set()
        self.matches: dict[int, list[tuple[int, int, int]]] = {}
        self.latin: dict[int, list[tuple[int, int]]] = {}
        self.repeats: set[int] = set()
        self.recomposable: dict[int, list[int]] = {}
        """Per text: where its pairs of components that recompose start (recompose.py)."""
        self.digits: dict[int, list[tuple[int, int]]] = {}
        self.addresses: dict[int, list[tuple[int, int, contact.Term]]] = {}
        self._single = len(texts) == 1
        self._original_ends_list: list[int] | None = None

    def text_at(self, position: int) -> tuple[int, int]:
        """The number of the text holding folded ``position``, and where that text starts."""
        if self._single:
            return 0, 0
        number = bisect_right(self.ends, position)
        return number, (self.ends[number - 1] + 1 if number else 0)

    def add_matches(self, matches: list[tuple[int, int, int]], entries: list[Entry | None]) -> None:
        """The plain automaton's matches, by text. Only a text with a listed one (an entry) has
        something to look at for them: allowed words alone make no candidate (farm prose is full of
        them), they only keep candidates found otherwise from being hits."""
        if self._single:
            if matches:
                self.matches[0] = matches
                if any(entries[index] is not None for index, _, _ in matches):
                    self.texts.add(0)
            return
        for index, start, end in matches:
            number, offset = self.text_at(start)
            self.matches.setdefault(number, []).append((index, start - offset, end - offset))
            if entries[index] is not None:
                self.texts.add(number)

    def add_spans(self, into: dict[int, list[tuple[int, int]]], spans: Iterable[tuple[int, int]]) -> None:
        for start, end in spans:
            number, offset = self.text_at(start)
            into.setdefault(number, []).append((start - offset, end - offset))
        self.texts.update(into)

    @property
    def _original_ends(self) -> list[int]:
        """Where each text ends in the joined original texts."""
        if self._original_ends_list is None:
            lengths = [len(text) for text in self._texts] if len(self._texts) > 1 else []
            self._original_ends_list = [end + number for number, end in enumerate(accumulate(lengths))]
        return self._original_ends_list

    def _original_start(self, number: int) -> int:
        return self._original_ends[number - 1] + 1 if number else 0

    def view(self, number: int, text: str) -> PlainView:
        start = self.ends[number - 1] + 1 if number else 0
        folded = self.batch.text[start : self.ends[number]]
        kept = self.batch.kept
        if kept is None or len(folded) == len(text):
            return PlainView(text, folded, None)
        if self._single:
            return PlainView(text, folded, kept)
        offset = self._original_start(number)
        return PlainView(text, folded, [at - offset for at in kept[start : self.ends[number]]])
