"""Character folding tables: what every text and every term is reduced to before matching.

One table maps a character to its canonical form (width, case, enclosed and styled letters,
digit styles, traditional → simplified); another set of characters is *noise* that evaders slip
between the characters of a term (punctuation, symbols, emoji, spaces, invisible marks) and is
deleted. Both are computed once per process from Unicode data and the OpenCC tables, so that
folding a text is a couple of C-level passes (regex, str.translate) instead of a Python loop.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import sys
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path

import numpy as np
import numpy.typing as npt
import opencc

# General categories whose characters carry no letters: punctuation, symbols (emoji included),
# separators, controls/format/private-use, and combining marks used to decorate letters.
_NOISE_CATEGORY_INITIALS = frozenset("PSZCM")

# Upper-case financial numerals (大写数字) written as the everyday ones; 伍 and 陆 are left out
# because they mostly mean "troop" (队伍) and "land" (大陆), not 5 and 6.
_FINANCIAL_NUMERALS = dict(zip("壹贰貳叁參肆柒捌玖", "一二二三三四七八九", strict=True))

# Roman numerals fold to letters under NFKC (Ⅰ → i); as a number style they mean digits.
_ROMAN_DIGITS = {0x2160 + i: str(i + 1) for i in range(9)} | {0x2170 + i: str(i + 1) for i in range(9)}

# Ranges outside the CJK blocks where a character may fold to something else (accents, ligatures,
# enclosed and styled letters, full width, emoji); scanning only these keeps the build fast.
_SCAN_RANGES = (
    (0x0080, 0x3400),
    (0xA000, 0x10000),
    (0x1D400, 0x1D800),  # mathematical alphanumerics (𝐟𝐮𝐜𝐤)
    (0x1F000, 0x20000),  # enclosed alphanumerics supplement, emoji
    (0x2F800, 0x2FA20),  # CJK compatibility ideographs supplement
    (0xE0000, 0xE0200),  # tags and variation selectors supplement
)

_UTF32 = "utf-32-le"


@dataclass(frozen=True, slots=True)
class FoldTables:
    """Folding as two lookup arrays indexed by code point, applied to a whole text at once."""

    keep: npt.NDArray[np.bool_]
    """False for a noise character."""
    canonical: npt.NDArray[np.uint32]
    """The code point each character folds to (itself for most)."""
    lines: npt.NDArray[np.uint32]
    """``canonical`` with ``DROPPED`` for noise, keeping line breaks (they separate the texts of a
    batch): one lookup gives both what a character folds to and whether it is kept."""
    single: npt.NDArray[np.uint32]
    """``lines`` for one text: line breaks are noise too."""

    def fold_text(self, text: str) -> FoldedBatch:
        """``fold_batch`` of one text, with as few array calls as one short text allows (each
        costs about a microsecond, as much as folding a message)."""
        try:
            encoded = text.encode(_UTF32)
        except UnicodeEncodeError:  # a lone surrogate; rare enough for the slower error handler
            encoded = text.encode(_UTF32, "surrogatepass")
        points = np.frombuffer(encoded, dtype=np.uint32)
        mapped = self.single.take(points)
        (kept,) = (mapped != DROPPED).nonzero()
        if len(kept) == len(points):
            return FoldedBatch(text, _decode(mapped), [len(points)], None, mapped)
        folded = mapped.take(kept)
        return FoldedBatch(text, _decode(folded), [len(folded)], kept.tolist(), folded)

    def fold_lines(self, texts: list[str]) -> list[str]:
        """Each text folded, in one pass over all of them (line breaks inside a text become spaces)."""
        if not texts:
            return []
        joined = "\n".join(text.replace("\n", " ") for text in texts)
        points = np.frombuffer(joined.encode(_UTF32, "surrogatepass"), dtype=np.uint32)
        kept = self.keep[points] | (points == ord("\n"))
        return _decode(self.canonical[points[kept]]).split("\n")

    def fold_batch(self, texts: list[str]) -> FoldedBatch:
        """All texts folded in one pass: what a screener does for many messages at once."""
        joined = "\n".join(texts)
        if joined.count("\n") != len(texts) - 1:  # (one scan: most batches have no text with one)
            joined = "\n".join(text.replace("\n", " ") if "\n" in text else text for text in texts)
        points = np.frombuffer(joined.encode(_UTF32, "surrogatepass"), dtype=np.uint32)
        # np.take and np.compress: the same as indexing, and much faster on a batch's millions of points.
        mapped = np.take(self.lines, points)
        kept = mapped != DROPPED
        folded = np.compress(kept, mapped)
        ends = np.flatnonzero(folded == _NEWLINE).tolist()
        ends.append(len(folded))
        positions = None if len(folded) == len(points) else np.flatnonzero(kept).tolist()
        return FoldedBatch(joined, _decode(folded), ends, positions, folded)

    def fold_char(self, char: str) -> str:
        """The canonical form of one character, or "" for noise (used for boundaries)."""
        point = ord(char)
        return chr(self.canonical[point]) if self.keep[point] else ""


_NEWLINE = ord("\n")
DROPPED = np.uint32(0xFFFFFFFF)  # no code point: what ``FoldTables.lines`` maps noise to


@dataclass(frozen=True, slots=True)
class FoldedBatch:
    """Texts folded together, one per line of ``text`` (line breaks inside a text count as noise)."""

    joined: str
    """The original texts joined by line breaks."""
    text: str
    ends: list[int]
    """Where each text ends in ``text`` (the next one starts one further on)."""
    kept: list[int] | None
    """Per character of ``text``: where it is in ``joined`` (None when folding deleted nothing)."""
    points: npt.NDArray[np.uint32]
    """The code points of ``text``."""


def _decode(points: npt.NDArray[np.uint32]) -> str:
    # The codec's function reads the (contiguous) array in place; ``bytes.decode`` needs a copy first.
    try:
        return codecs.utf_32_le_decode(points.data, "strict", True)[0]
    except UnicodeDecodeError:
        return codecs.utf_32_le_decode(points.data, "surrogatepass", True)[0]


def code_points(text: str) -> npt.NDArray[np.uint32]:
    return np.frombuffer(text.encode(_UTF32, "surrogatepass"), dtype=np.uint32)


def decode_points(points: npt.NDArray[np.uint32]) -> str:
    return points.tobytes().decode(_UTF32, "surrogatepass")


def is_noise(char: str) -> bool:
    return unicodedata.category(char)[0] in _NOISE_CATEGORY_INITIALS


def _t2s_map() -> dict[str, str]:
    chars = [
        chr(cp) for lo, hi in ((0x3400, 0xA000), (0xF900, 0xFB00), (0x20000, 0x2FA20)) for cp in range(lo, hi)
    ]
    # One character a line keeps OpenCC's phrase table from joining neighbours.
    converted = opencc.OpenCC("t2s").convert("\n".join(chars)).split("\n")
    return {a: b for a, b in zip(chars, converted, strict=True) if a != b and len(b) == 1}


def _canonical(char: str, t2s: dict[str, str]) -> str:
    cp = ord(char)
    if cp in _ROMAN_DIGITS:
        return _ROMAN_DIGITS[cp]
    digit = unicodedata.digit(char, None)
    if digit is not None:
        return str(digit)
    folded = "".join(c for c in unicodedata.normalize("NFKC", char).lower() if not is_noise(c))
    return "".join(_FINANCIAL_NUMERALS.get(c, t2s.get(c, c)) for c in folded)


def cache_file() -> Path:
    """Where the computed tables are kept between processes, keyed by what they are computed from."""
    versions = "|".join(
        [
            sys.version,
            unicodedata.unidata_version,
            metadata.version("OpenCC"),
            Path(__file__).read_text("utf-8"),
        ]
    )
    key = hashlib.sha256(versions.encode()).hexdigest()[:16]
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return root / "jingfu" / f"fold-tables-{key}.npz"


@cache
def fold_tables() -> FoldTables:
    """The tables, computed once per machine (about 0.5 s: Unicode data and OpenCC) and then read
    from ``~/.cache/jingfu`` (a few milliseconds); an unwritable cache only costs the computing."""
    path = cache_file()
    try:
        with np.load(path) as stored:
            changed, targets, noise = stored["changed"], stored["targets"], stored["noise"]
    except (OSError, KeyError, ValueError):
        changed, targets, noise = _computed_changes()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(f".{os.getpid()}.npz")
            np.savez(partial, changed=changed, targets=targets, noise=noise)
            partial.replace(path)
        except OSError:
            pass
    canonical = np.arange(sys.maxunicode + 1, dtype=np.uint32)
    canonical[changed] = targets
    keep = np.ones(sys.maxunicode + 1, dtype=np.bool_)
    keep[noise] = False
    single = np.where(keep, canonical, DROPPED)
    lines = single.copy()
    lines[_NEWLINE] = _NEWLINE
    return FoldTables(keep=keep, canonical=canonical, lines=lines, single=single)


def _computed_changes() -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.uint32], npt.NDArray[np.uint32]]:
    """Code points that fold to another one (and to which), and the noise code points."""
    t2s = _t2s_map()
    table = {ord(a): _FINANCIAL_NUMERALS.get(b, b) for a, b in t2s.items()}
    table.update((ord(a), b) for a, b in _FINANCIAL_NUMERALS.items())
    noise: list[int] = []
    for lo, hi in _SCAN_RANGES:
        for cp in range(lo, hi):
            char = chr(cp)
            canon = _canonical(char, t2s)
            if not canon:
                noise.append(cp)
            elif len(canon) == 1 and canon != char:
                table[cp] = canon
    noise.extend(cp for cp in range(0x80) if is_noise(chr(cp)))
    table.update((cp, chr(cp + ord("a") - ord("A"))) for cp in range(ord("A"), ord("Z") + 1))
    changed = sorted(table)
    return (
        np.array(changed, dtype=np.uint32),
        np.array([ord(table[point]) for point in changed], dtype=np.uint32),
        np.array(sorted(set(noise) - set(table)), dtype=np.uint32),
    )
