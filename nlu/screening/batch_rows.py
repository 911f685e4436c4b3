"""The candidate hits of a screened batch as arrays, and the checks that turn them into results."""

from __future__ import annotations

import operator
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from functools import cached_property
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import numpy.typing as npt

from nlu.screening import contact, farm, words
from nlu.screening.arrays import LONGER_SHAPE_SHIFT, common_pair, member, objects, run_edges, term_columns
from nlu.screening.candidates import Candidate
from nlu.screening.farm import inside_farm_word
from nlu.screening.fold import FoldedBatch
from nlu.screening.judge import as_read, split_on_purpose
from nlu.screening.model import Action, Hit, ScreeningResult, Verdict, build_all
from nlu.screening.patterns import Entry, farmable
from nlu.screening.views import PlainView

if TYPE_CHECKING:  # the screener builds the rows; they read its term index
    from nlu.screening.index import TermIndex

_Array = npt.NDArray[Any]


SMALL_BATCH = 2000  # folded characters; below, the questions that a regex answers are not vectorised


class SpelledRows(NamedTuple):
    """Hits of spelled terms: text number, batch (folded) start and end, entry."""

    number: _Array
    start: _Array
    end: _Array
    entries: list[Entry]


class BatchRows:
    """The candidate hits of a batch as arrays, one row each: the text, the span in the joined
    original texts, and the pattern (an index into the plain automaton's entries, or past them into
    ``extra``), in the order a per-text loop would meet them. ``results`` applies the checks to all
    rows at once (allow-list, latin boundaries, word edges, farm words, overlaps); only rows that a
    cheap test cannot decide meet the Python rules one by one."""

    def __init__(self, index: TermIndex, texts: list[str], batch: FoldedBatch) -> None:
        self.index = index
        self.texts = texts
        self.batch = batch
        count = len(texts)
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=count)
        self.ostart = np.zeros(count, dtype=np.int64)  # where each text starts in batch.joined
        np.cumsum(lengths[:-1] + 1, out=self.ostart[1:])
        self.oend = self.ostart + lengths
        self.fend = np.array(batch.ends, dtype=np.int64)  # where each text ends in batch.text
        self.fstart = np.zeros(count, dtype=np.int64)
        self.fstart[1:] = self.fend[:-1] + 1
        self.plain: tuple[_Array, _Array, _Array, _Array] | None = None
        self.extra: list[Entry] = []
        self.extra_rows: list[tuple[int, int, int]] = []
        self.allowed: AllowedSpans | None = None
        self.small = len(batch.text) < SMALL_BATCH  # then a regex answers some questions faster

    def view(self, number: int) -> PlainView:
        """``Found.view`` of a text, from the offsets of the rows."""
        text = self.texts[number]
        folded = self.batch.text[int(self.fstart[number]) : int(self.fend[number])]
        if len(folded) == len(text):
            return PlainView(text, folded, None)
        start = int(self.ostart[number])
        return PlainView(text, folded, self.batch.kept[start : start + len(text)])

    def add_plain(self, found: _Array) -> None:
        if not len(found):
            return
        index, start, end = found[:, 0], found[:, 1], found[:, 2]
        number = np.searchsorted(self.fend, start, side="right")
        ostart, oend = self.original(start, end)
        term_index = self.index
        allowed = term_index.allowed_patterns[index]
        if allowed.any():
            self.allowed = AllowedSpans(
                start[allowed], end[allowed], ostart[allowed], oend[allowed], self.batch
            )
        listed = (term_index.strength[index] > 0) & ~term_index.dropped_patterns()[index]
        two = np.flatnonzero(listed & term_index.two_chinese[index])
        if len(two):
            straddling = two[self._straddling(start[two], end[two], number[two], index[two])]
            # (a two-character hit written apart with a symbol is one word split on purpose)
            apart = straddling[oend[straddling] - ostart[straddling] > 2]
            joined = self.batch.joined
            listed[straddling] = False
            for i in apart.tolist():
                listed[i] = split_on_purpose(joined[int(ostart[i]) + 1 : int(oend[i]) - 1])
        if self.allowed is not None:
            # A two-character hit sharing one character with an allowed word (judge.crosses_farm_word)
            two = np.flatnonzero(listed & term_index.two_chinese[index] & term_index.farmable[index])
            listed[two[self.allowed.crossed_at(start[two] + 1)]] = False
        common = np.flatnonzero(listed & term_index.common_patterns()[index])
        if len(common):
            inside = self._inside_longer(start[common], end[common], number[common], index[common])
            listed[common[inside]] = False
        self.plain = (number[listed], ostart[listed], oend[listed], index[listed])

    def _straddling(self, start: _Array, end: _Array, number: _Array, index: _Array) -> _Array:
        """``straddles_words`` for two-character hits, the word window cut as it cuts it. Only hits
        with a pair of characters across an edge that some word more common than the hit holds
        (``words.crossing_pairs``, most hits have none) need their words looked up."""
        points = self.batch.folded_points
        own = self.index.two_frequencies()[index]
        # (at the batch's edges the pair is made of whatever character wraps around: a hit too many
        # is looked up, none is missed)
        across = common_pair(points[start - 1], points[start], own) | common_pair(
            points[end - 1], points[np.minimum(end, len(points) - 1)], own
        )
        straddling = np.zeros(len(start), dtype=np.bool_)
        (check,) = np.nonzero(across)
        if not len(check):
            return straddling
        start, end, number = start[check], end[check], number[check]
        reach = words.LONGEST - 1
        left = np.maximum(start - reach, self.fstart[number])
        right = np.minimum(end + reach, self.fend[number])
        if self.allowed is not None:
            left = np.maximum(left, self.allowed.folded_end_before(start))
            right = np.minimum(right, self.allowed.folded_start_after(end))
        folded, straddles = self.batch.text, words.straddles_window
        straddling[check] = [
            straddles(folded[a:b], s - a, e - a)
            for a, b, s, e in zip(left.tolist(), right.tolist(), start.tolist(), end.tolist(), strict=True)
        ]
        return straddling

    def _inside_longer(self, start: _Array, end: _Array, number: _Array, index: _Array) -> _Array:
        """``words.inside_longer_word`` for hits of common words, over arrays: for each way a longer
        word can hold the hit (one or two characters before it, after it, or one each side), the
        code of the characters there is looked up among those of the longer words that hold the
        hit's word (``Screener.common_words``). The longer word stays inside the text and out of
        allowed words."""
        common, codes = self.index.common_words()
        shape = common[index] << 4
        points, last = self.batch.folded_points, len(self.batch.folded_points) - 1
        left, right = self.fstart[number], self.fend[number]
        if self.allowed is not None:
            left = np.maximum(left, self.allowed.folded_end_before(start))
            right = np.minimum(right, self.allowed.folded_start_after(end))
        room = words.LONGEST - (end - start)
        inside = np.zeros(len(start), dtype=np.bool_)
        for before, after in ((1, 0), (0, 1), (2, 0), (1, 1), (0, 2)):
            fits = (before + after <= room) & (start - before >= left) & (end + after <= right)
            if not fits.any():
                continue
            code = np.zeros(len(start), dtype=np.int64)
            for at in [start - before + k for k in range(before)] + [end + k for k in range(after)]:
                code = code << 21 | points[np.clip(at, 0, last)]
            code |= (shape | before << 2 | after) << LONGER_SHAPE_SHIFT
            inside |= fits & member(codes, code)
        return inside

    @cached_property
    def deleted(self) -> _Array | None:
        """For each character folding deleted, in order: how many folded characters come before
        it, i.e. the folded position it was deleted before (None: none deleted)."""
        if len(self.batch.text) == len(self.batch.joined):
            return None
        deleted = np.flatnonzero(~self.batch.kept)
        return deleted - np.arange(len(deleted))

    def kept_at(self, folded: _Array) -> _Array:
        """Where the folded characters at these positions are in the joined texts: past the
        characters deleted before them (counting those for the positions asked is cheaper than
        listing where all of the batch's millions of characters went)."""
        if self.deleted is None:
            return folded
        return folded + np.searchsorted(self.deleted, folded, side="right")

    def original(self, start: _Array, end: _Array) -> tuple[_Array, _Array]:
        """Folded spans as spans of the joined original texts."""
        return self.kept_at(start), self.kept_at(end - 1) + 1

    @cached_property
    def run_classes(self) -> _Array:
        """Per folded character: a latin letter, a digit (of ``contact.DIGITS``) or neither."""
        return np.take(self.index.run_classes, self.batch.folded_points)  # faster than indexing

    def url_hinted(self) -> list[int]:
        """The texts that ``contact.URL_HINT`` finds something in (a dot between letters or digits)."""
        if self.small:
            return [n for n, text in enumerate(self.texts) if "." in text and contact.URL_HINT.search(text)]
        return np.unique(np.searchsorted(self.oend, self._hinted_dots(), side="right")).tolist()

    def _hinted_dots(self) -> _Array:
        """Where ``contact.URL_HINT`` finds a dot in the joined texts."""
        points = self.batch.points
        dots = np.flatnonzero(points[1:-1] == ord(".")) + 1
        alnum = self.index.ascii_alnum
        return dots[alnum[points[dots - 1]] & alnum[points[dots + 1]]]

    def addresses(self) -> dict[int, list[tuple[int, int, contact.Term]]]:
        """``contact.addresses`` of the texts that hold any, by text number in order. The stretches
        of address characters around the hinted dots are found with arrays, and only they are
        matched (``contact.addresses_in_stretches``)."""
        texts = self.texts
        if self.small:
            hinted = self.url_hinted()
            found = contact.addresses_many([texts[n] for n in hinted])
            return {number: addresses for number, addresses in zip(hinted, found, strict=True) if addresses}
        dots = self._hinted_dots()
        if not len(dots):
            return {}
        # The hinted texts, each with the line break after it (no address character: stretches
        # end there), as positions of the joined texts.
        numbers = np.unique(np.searchsorted(self.oend, dots, side="right"))
        sizes = self.oend[numbers] - self.ostart[numbers] + 1
        offsets = np.cumsum(sizes) - sizes
        at = np.repeat(self.ostart[numbers] - offsets, sizes) + np.arange(int(sizes.sum()))
        points = self.batch.points
        address = np.take(self.index.address_chars, np.take(points, np.minimum(at, len(points) - 1)))
        address &= at < len(points)
        edges = run_edges(address)
        run_starts, run_ends = edges[0::2], edges[1::2]
        runs = np.unique(np.searchsorted(run_starts, np.searchsorted(at, dots), side="right") - 1)
        stretches = zip(at[run_starts[runs]].tolist(), (at[run_ends[runs] - 1] + 1).tolist(), strict=True)
        by_text: dict[int, list[tuple[int, int, contact.Term]]] = {}
        starts = self.ostart.tolist()
        for start, end, term in contact.addresses_in_stretches(self.batch.joined, list(stretches)):
            number = bisect_right(starts, start) - 1
            offset = starts[number]
            by_text.setdefault(number, []).append((start - offset, end - offset, term))
        return dict(sorted(by_text.items()))

    def add_spelled(self, found: SpelledRows | None) -> None:
        if found is None:
            return
        ostart, oend = self.original(found.start, found.end)
        self.extra_rows.extend(zip(found.number.tolist(), ostart.tolist(), oend.tolist(), strict=True))
        self.extra.extend(found.entries)

    def add_extra(self, number: int, candidates: Iterable[Candidate]) -> None:
        offset = int(self.ostart[number])
        for candidate in candidates:
            self.extra_rows.append((number, offset + candidate.span.start, offset + candidate.span.end))
            self.extra.append(candidate.entry)

    def results(self) -> list[ScreeningResult]:
        term_index, texts = self.index, self.texts
        rows = self._rows()
        if rows is None:
            return build_all(ScreeningResult, texts, [Verdict.CLEAN] * len(texts), [()] * len(texts))
        number, ostart, oend, ref, strength, advise, single, farmable = rows
        keep = self._stand_alone(number, ostart, oend, single)
        if self.allowed is not None:
            keep &= ~(self.allowed.covers(ostart, oend) & ~advise)
        self._drop_farm_words(keep, farmable, number, ostart, oend, ref)
        terms = term_index.plain_terms
        if self.extra:
            extra = term_columns([entry.term for entry in self.extra])
            terms = tuple(np.concatenate(pair) for pair in zip(terms, extra, strict=True))
        self._judge(keep, number, ostart, oend, ref, terms)
        chosen = self._strongest_per_span(np.flatnonzero(keep), number, ostart, oend, strength)
        if not len(chosen):
            return build_all(ScreeningResult, texts, [Verdict.CLEAN] * len(texts), [()] * len(texts))
        numbers, refs = number[chosen], ref[chosen]
        offsets = self.ostart[numbers]
        hit_starts, hit_ends = ostart[chosen] - offsets, oend[chosen] - offsets
        matched = self._matched(numbers, ostart[chosen], oend[chosen], refs, hit_starts, hit_ends)
        starts, ends = hit_starts.tolist(), hit_ends.tolist()
        hits = build_all(Hit, starts, ends, matched, *(column[refs].tolist() for column in terms))
        # Rows come sorted by text: each text with hits owns one slice of them. The slices become
        # tuples and land in their texts' places through object arrays, without a loop per text.
        firsts = np.flatnonzero(np.diff(numbers, prepend=-1))
        bounds = np.append(firsts, len(numbers)).tolist()
        slices = map(hits.__getitem__, map(slice, bounds, bounds[1:]))
        with_hits = numbers[firsts]
        hits_of_text = np.empty(len(texts), dtype=object)
        hits_of_text.fill(())
        hits_of_text[with_hits] = objects(map(tuple, slices), len(firsts))
        strongest = np.zeros(len(texts), dtype=np.int8)
        strongest[with_hits] = np.maximum.reduceat(strength[chosen], firsts)
        verdict_of_text = VERDICTS[strongest].tolist()
        return build_all(ScreeningResult, texts, verdict_of_text, hits_of_text.tolist())

    def _judge(
        self,
        keep: _Array,
        number: _Array,
        ostart: _Array,
        oend: _Array,
        ref: _Array,
        terms: tuple[_Array, ...],
    ) -> None:
        """``judge.as_read`` for the kept rows that may be of the matcher's own making, before
        overlaps are settled: rows found other than by the plain automaton, plain rows with
        characters deleted inside, and those of patterns that are not their term as written or
        begin with a digit (``Screener.p_judged``). Rows it leaves out are unkept; a row it reads
        as the word as written takes that span."""
        term_index = self.index
        count = len(term_index.plain_keys)
        plain = ref < count
        at = np.where(plain, ref, 0)
        asked = keep & (~plain | (oend - ostart != term_index.lengths[at]) | term_index.judged[at])
        (rows,) = np.nonzero(asked)
        if not len(rows):
            return
        texts, offsets = self.texts, self.ostart
        fold_char, unjudged = term_index.fold_char, term_index.unjudged
        term_text, category, action = (column[ref[rows]].tolist() for column in terms)
        for row, n, r_start, r_end, t, c, a in zip(
            rows.tolist(),
            number[rows].tolist(),
            ostart[rows].tolist(),
            oend[rows].tolist(),
            term_text,
            category,
            action,
            strict=True,
        ):
            text, offset = texts[n], int(offsets[n])
            start, end = r_start - offset, r_end - offset
            hit = Hit(start, end, text[start:end], t, c, a)
            seen = as_read(text, hit, fold_char, unjudged)
            if seen is None:
                keep[row] = False
            elif seen is not hit:
                ostart[row], oend[row] = seen.start + offset, seen.end + offset

    def _matched(
        self, numbers: _Array, ostart: _Array, oend: _Array, refs: _Array, starts: _Array, ends: _Array
    ) -> list[str]:
        """The original text of each hit (``starts``, ``ends`` within its text). Most are plain hits
        the sender wrote as the pattern is, no character deleted or changed by folding: their text
        is the pattern itself. Only the others are sliced, from the texts themselves (in the joined
        texts line breaks are spaces)."""
        term_index = self.index
        keys = term_index.plain_keys
        # Plain hits as long as their pattern (nothing deleted), then those whose characters all
        # fold to themselves.
        (plain,) = np.nonzero(refs < len(keys))
        plain = plain[oend[plain] - ostart[plain] == term_index.lengths[refs[plain]]]
        same = np.zeros(len(refs), dtype=np.bool_)
        if len(plain):
            sizes = oend[plain] - ostart[plain]
            firsts = np.cumsum(sizes) - sizes
            at = np.repeat(ostart[plain] - firsts, sizes) + np.arange(int(sizes.sum()))
            code = np.take(self.batch.points, at)
            folds_to_itself = np.take(term_index.tables.canonical, code) == code
            same[plain[np.logical_and.reduceat(folds_to_itself, firsts)]] = True
        matched = np.empty(len(refs), dtype=object)
        matched[same] = keys[refs[same]]
        (sliced,) = np.nonzero(~same)
        of_hits = map(self.texts.__getitem__, numbers[sliced].tolist())
        spans = map(slice, starts[sliced].tolist(), ends[sliced].tolist())
        matched[sliced] = objects(map(operator.getitem, of_hits, spans), len(sliced))
        return matched.tolist()

    def _rows(self) -> tuple[_Array, ...] | None:
        """All rows (plain matches first, then the others) with what the checks need of each pattern."""
        term_index = self.index
        parts = []
        if self.plain is not None:
            number, ostart, oend, index = self.plain
            parts.append(
                (
                    number,
                    ostart,
                    oend,
                    index,
                    term_index.strength[index],
                    term_index.advise[index],
                    term_index.single_ascii[index],
                    term_index.farmable[index],
                )
            )
        if self.extra:
            extra = np.array(self.extra_rows, dtype=np.int64)
            first = len(term_index.plain.entries)
            parts.append(
                (
                    extra[:, 0],
                    extra[:, 1],
                    extra[:, 2],
                    np.arange(first, first + len(self.extra)),
                    np.array([e.term.action.strength for e in self.extra], dtype=np.int8),
                    np.array([e.term.action is Action.ADVISE for e in self.extra], dtype=np.bool_),
                    np.array([e.single_ascii for e in self.extra], dtype=np.bool_),
                    np.array([farmable(e) for e in self.extra], dtype=np.bool_),
                )
            )
        if not parts:
            return None
        if len(parts) == 1:
            return parts[0]
        return tuple(np.concatenate(columns) for columns in zip(*parts, strict=True))

    def _stand_alone(self, number: _Array, ostart: _Array, oend: _Array, single: _Array) -> _Array:
        """Latin letters and digits of a hit must not run on into the text's own (ass in class); a
        one-character latin or digit term must stand alone."""
        points, classes = self.batch.points, self.index.point_class
        last_point = len(points) - 1
        first = classes[points[ostart]]
        last = classes[points[oend - 1]]
        before = np.where(ostart > self.ostart[number], classes[points[ostart - 1]], 0)
        after = np.where(oend < self.oend[number], classes[points[np.minimum(oend, last_point)]], 0)
        apart = ((first == 0) | (first != before)) & ((last == 0) | (last != after))
        return np.where(single, (before == 0) & (after == 0), apart)

    def _drop_farm_words(
        self, keep: _Array, farmable: _Array, number: _Array, ostart: _Array, oend: _Array, ref: _Array
    ) -> None:
        """Unkeep hits that are pesticide names or lie inside a longer pest, disease or pesticide word
        (``farm.py``); the longer word may not reach into an allowed word."""
        rows = np.flatnonzero(keep & farmable)
        if not len(rows):
            return
        pesticide = self.index.pesticide_shaped_patterns(ref[rows], self.extra)
        keep[rows[pesticide]] = False
        rows = rows[~pesticide]
        ends = self.index.farm_word_ends
        if ends is not None:
            # Only an all-Chinese hit can be inside a farm word, and only with a farm-word ending
            # near its end: its own last character (then the word starts before it), or one up
            # to farm.REACH after it with nothing but Chinese between.
            points, chinese = self.batch.points, self.index.chinese
            last_point = len(points) - 1
            start, end = ostart[rows], oend[rows]
            whole = chinese[points[start]] & chinese[points[end - 1]]
            near = ends[points[end - 1]] & (start > self.ostart[number[rows]]) & chinese[points[start - 1]]
            run_on = np.ones(len(rows), dtype=np.bool_)
            for step in range(farm.REACH):
                at = np.minimum(end + step, last_point)
                run_on &= chinese[points[at]] & (end + step <= last_point)
                near |= run_on & ends[points[at]]
            rows = rows[whole & near]
        if not len(rows):
            return
        # The farm word may not reach back into an allowed word; allowed words after the hit are
        # looked at by farm.inside_farm_word (one inside the farm ending is part of it).
        left, right = self.ostart[number[rows]], self.oend[number[rows]]
        if self.allowed is not None:
            left = np.maximum(left, self.allowed.original_end_before(ostart[rows]))
        # farm.chinese_run of each hit's window: the run of Chinese around an all-Chinese hit,
        # at most 2 characters before it and farm.REACH after it.
        points, chinese = self.batch.points, self.index.chinese
        last_point = len(points) - 1
        start, end = ostart[rows], oend[rows]
        sizes = end - start
        at = np.repeat(start - np.cumsum(sizes) + sizes, sizes) + np.arange(int(sizes.sum()))
        whole = np.logical_and.reduceat(chinese[points[at]], np.cumsum(sizes) - sizes)
        rows, left, right, start, end = rows[whole], left[whole], right[whole], start[whole], end[whole]
        run_start = start.copy()
        for back in (1, 2):
            on = (run_start == start - back + 1) & (start - back >= left) & chinese[points[start - back]]
            run_start[on] = start[on] - back
        run_end = end.copy()
        for step in range(farm.REACH):
            on = (run_end == end + step) & (end + step < right)
            on &= chinese[points[np.minimum(end + step, last_point)]]
            run_end[on] = end[on] + step + 1
        joined, allowed = self.batch.joined, self.allowed
        for row, a, b, s, e in zip(
            rows.tolist(), run_start.tolist(), run_end.tolist(), start.tolist(), end.tolist(), strict=True
        ):
            after = () if allowed is None else allowed.starting_in(e, b, a)
            if inside_farm_word(joined[a:b], s - a, e - a, after, self.index.listed_words):
                keep[row] = False

    @staticmethod
    def _strongest_per_span(
        rows: _Array, number: _Array, ostart: _Array, oend: _Array, strength: _Array
    ) -> _Array:
        """The rows that become hits, in text and span order: per span the strongest (the first of
        equals), and none inside another of at least its strength."""
        if not len(rows):
            return rows
        order = np.lexsort((rows, -strength[rows], oend[rows], ostart[rows], number[rows]))
        rows = rows[order]
        n, a, b = number[rows], ostart[rows], oend[rows]
        first = np.ones(len(rows), dtype=np.bool_)
        first[1:] = (n[1:] != n[:-1]) | (a[1:] != a[:-1]) | (b[1:] != b[:-1])
        rows, n, a, b = rows[first], n[first], a[first], b[first]
        # Inside another span of the text: one before it reaching at least as far, or one starting
        # at the same place (sorted after it, being longer).
        scale = int(b.max()) + 1
        reach = np.maximum.accumulate(n * scale + b)
        inside = np.zeros(len(rows), dtype=np.bool_)
        inside[1:] = reach[:-1] >= (n * scale + b)[1:]
        inside[:-1] |= (n[1:] == n[:-1]) & (a[1:] == a[:-1])
        if not inside.any():
            return rows
        # Those inside another of at least their strength: each paired with every row of its text.
        (maybe,) = np.nonzero(inside)
        low, high = np.searchsorted(n, n[maybe], side="left"), np.searchsorted(n, n[maybe], side="right")
        sizes = high - low  # (at least 1: the row itself)
        firsts = np.cumsum(sizes) - sizes
        i = np.repeat(maybe, sizes)
        j = np.repeat(low - firsts, sizes) + np.arange(int(sizes.sum()))
        strong = strength[rows]
        covers = (j != i) & (a[j] <= a[i]) & (b[i] <= b[j]) & (strong[j] >= strong[i])
        drop = np.zeros(len(rows), dtype=np.bool_)
        drop[maybe] = np.logical_or.reduceat(covers, firsts)
        return rows[~drop]


class AllowedSpans:
    """Spans of allowed words in a batch (folded and original), for the checks that look at them."""

    def __init__(
        self, fstart: _Array, fend: _Array, ostart: _Array, oend: _Array, batch: FoldedBatch
    ) -> None:
        self._fstarts, self._fends = np.sort(fstart), np.sort(fend)
        several = fend - fstart >= 2
        self._edges = np.unique(np.concatenate([fstart[several], fend[several]]))
        self._oends = np.sort(oend)
        by_start = np.argsort(ostart, kind="stable")
        self._ospans = ostart[by_start].tolist(), oend[by_start].tolist()  # (paired, by start)
        # Characters covered by no allowed word and not noise, counted up to each position.
        depth = np.zeros(len(batch.joined) + 1, dtype=np.int64)
        np.add.at(depth, ostart, 1)
        np.add.at(depth, oend, -1)
        bare = (np.cumsum(depth[:-1]) == 0) & batch.kept
        self._bare = np.zeros(len(batch.joined) + 1, dtype=np.int64)
        np.cumsum(bare, out=self._bare[1:])

    def crossed_at(self, folded: _Array) -> _Array:
        """Whether an allowed word of two or more characters starts or ends at these folded
        positions (inside a two-character hit: ``judge.crosses_farm_word``)."""
        return member(self._edges, folded)

    def covers(self, ostart: _Array, oend: _Array) -> _Array:
        """Whether allowed words cover every letter of each span (方法 + 轮换 cover 法轮 in 方法轮换)."""
        return self._bare[oend] == self._bare[ostart]

    @staticmethod
    def _before(sorted_ends: _Array, positions: _Array) -> _Array:
        at = np.searchsorted(sorted_ends, positions, side="right") - 1
        return np.where(at >= 0, sorted_ends[np.maximum(at, 0)], -1)

    @staticmethod
    def _after(sorted_starts: _Array, positions: _Array) -> _Array:
        at = np.searchsorted(sorted_starts, positions, side="left")
        found = at < len(sorted_starts)
        return np.where(found, sorted_starts[np.minimum(at, len(sorted_starts) - 1)], np.iinfo(np.int64).max)

    def folded_end_before(self, positions: _Array) -> _Array:
        return self._before(self._fends, positions)

    def folded_start_after(self, positions: _Array) -> _Array:
        return self._after(self._fstarts, positions)

    def original_end_before(self, positions: _Array) -> _Array:
        return self._before(self._oends, positions)

    def starting_in(self, low: int, high: int, offset: int) -> tuple[tuple[int, int], ...]:
        """The original spans of the allowed words starting in ``[low, high)``, less ``offset``."""
        starts, ends = self._ospans
        first, last = bisect_left(starts, low), bisect_left(starts, high)
        return tuple((starts[i] - offset, ends[i] - offset) for i in range(first, last))


def verdict_table() -> _Array:
    """The verdict of a text by the strength of its strongest hit (0: it has none)."""
    verdicts = [Verdict.CLEAN] * (max(action.strength for action in Action) + 1)
    for action in Action:
        verdicts[action.strength] = Verdict(action.value)
    return objects(verdicts, len(verdicts))


VERDICTS = verdict_table()
