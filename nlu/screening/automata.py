"""The matchers a term index is made of: Aho–Corasick automata over folded patterns (texts encoded
two bytes a character), and what a pattern must hold to be found across squeezed repeats."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import Any

import ahocorasick_rs
import numpy as np
import numpy.typing as npt

from nlu.screening.fold import code_points
from nlu.screening.patterns import Entry

_Array = npt.NDArray[Any]
_NEWLINE = ord("\n")


class Alphabet:
    """Two bytes for each character the patterns use (and one code for all others), so that the
    automaton walks two bytes per Chinese character instead of UTF-8's three, and positions are
    byte offsets halved. The first byte is 128 or more and the second less: a match never starts
    in the middle of a character."""

    SIZE = 1 << 14

    def __init__(self, used: _Array) -> None:
        """``used``: the code points the patterns use, sorted and distinct."""
        used = used[used != _NEWLINE]
        codes = np.zeros(sys.maxunicode + 1, dtype=np.uint16)
        codes[used] = np.arange(1, len(used) + 1, dtype=np.uint16)
        # The big-endian codes' bytes read as native integers: taking from a native array costs
        # half of taking from a big-endian one, and the bytes are the same.
        self._codes = ((0x80 + (codes >> 7)) << 8 | (codes & 0x7F)).astype(">u2").view(np.uint16)

    @classmethod
    def of(cls, patterns: Iterable[str]) -> Alphabet | None:
        """The alphabet of the patterns, or None when they use too many characters for two bytes."""
        used = np.unique(code_points("\n".join(patterns)))  # (once: it is a third of the alphabet's cost)
        if len(used) >= cls.SIZE:
            return None
        return cls(used)

    def encode(self, points: _Array) -> bytes:
        return self._codes.take(points).tobytes()  # take: faster than indexing on a long text

    def encode_all(self, patterns: list[str]) -> list[bytes]:
        return self.encode(code_points("\n".join(patterns))).split(self.encode(np.array([_NEWLINE])))


class Automaton:
    """Aho–Corasick over folded patterns, reporting every (overlapping) occurrence."""

    def __init__(
        self,
        patterns: dict[str, Entry | None],
        alphabet: Alphabet | None = None,
        ascii: bool = False,
        also: list[str] | None = None,
    ) -> None:
        """``ascii``: the patterns are ASCII, and so matched in texts encoded one byte a character
        (``find`` encodes any other character as "?"). ``also``: more strings to look for in the
        same pass (pairs of components, recompose.py), numbered in their order: ``find_all``
        reports them too, ``also_numbers`` says which each is."""
        self.entries = list(patterns.values())
        self.keys = list(patterns)
        self.listed = np.array([entry is not None for entry in self.entries], dtype=np.bool_)
        count = len(self.keys)
        also = also or []
        extra = [key for key in dict.fromkeys(also) if key not in patterns]
        keys = self.keys + extra
        where = {key: index for index, key in enumerate(keys)} if also else {}
        self.also_numbers = {where[key]: number for number, key in enumerate(also)}
        """Per pattern (``keys`` and then the strings of ``also`` that are not among them) that is
        a string of ``also``: the number of that string."""
        self._count = count if extra else None  # (None: nothing to leave out of find)
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

    def find_all(self, text: str, points: _Array | None = None) -> list[tuple[int, int, int]]:
        """``find``, with the strings of ``also``. ``points``: the text's code points, if at hand
        (folding made them: not encoding the text again saves a step)."""
        if self._matcher is None:
            return []
        if self._ascii:
            return self._matcher.find_matches_as_indexes(text.encode("ascii", "replace"), overlapping=True)  # type: ignore[arg-type]
        if self._alphabet is None:
            return self._matcher.find_matches_as_indexes(text, overlapping=True)  # type: ignore[arg-type]
        haystack = self._alphabet.encode(code_points(text) if points is None else points)
        found = self._matcher.find_matches_as_indexes(haystack, overlapping=True)  # type: ignore[arg-type]
        return [(index, start >> 1, end >> 1) for index, start, end in found]


class AcrossRepeats:
    """What a listed pattern must hold to be found across a squeezed run of repeats (赌赌博 → 赌博)
    but not without squeezing: a match of the squeezed text that covers the run's character c is c
    alone, starts with c and the character after it, ends with the one before it and c, or holds
    all three in a row. Codes of each kind (21 bits a code point) over the patterns of some automata."""

    def __init__(self, singles: _Array, firsts: _Array, lasts: _Array, triples: _Array) -> None:
        self._singles, self._firsts, self._lasts, self._triples = (
            frozenset(codes.tolist()) for codes in (singles, firsts, lasts, triples)
        )

    @classmethod
    def of(cls, *automata: Automaton) -> AcrossRepeats:
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

    def possible_in(self, before: str, char: str, after: str) -> bool:
        """Whether some pattern could be found across a run of ``char`` between these neighbours
        in the squeezed text ("" for none)."""
        point = ord(char)
        if point in self._singles:
            return True
        if after and point << 21 | ord(after) in self._firsts:
            return True
        if before and ord(before) << 21 | point in self._lasts:
            return True
        return bool(before and after and ord(before) << 42 | point << 21 | ord(after) in self._triples)
