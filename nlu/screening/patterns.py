"""From listed terms to the patterns each matcher looks for.

Every term is folded like a text would be. Terms that spell a number are also looked for with
the number written the other way (下三滥 / 下3滥), since folding keeps 三 and 3 apart — except a
lone digit before or after a common word (1字型: 一字型 is just "I-shaped", ``lone_numeral_word``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import product
from typing import NamedTuple

from nlu.screening.fold import FoldTables
from nlu.screening.model import Term

CJK_MIN = "\u2e80"
"""Anything from the CJK radicals up counts as a Chinese character here."""

_DIGIT_FOR_NUMERAL = dict(zip("〇零一二三四五六七八九", "00123456789", strict=True))
_NUMERAL_FOR_DIGIT = dict(zip("0123456789", "〇一二三四五六七八九", strict=True))
_NUMBERISH = re.compile("[0-9〇零一二三四五六七八九]")
_MIN_CHARS_FOR_NUMERALS = 3
_MAX_SWAPPED_POSITIONS = 3  # beyond this, only the all-swapped spelling


class Entry(NamedTuple):
    """One listed term as the matchers see it."""

    term: Term
    folded: str
    left_class: str  # "letter", "digit" or "" — what the term's first character needs as a boundary
    right_class: str

    @property
    def two_chinese(self) -> bool:
        return len(self.folded) == 2 and min(self.folded) >= CJK_MIN

    @property
    def single_ascii(self) -> bool:
        return len(self.folded) == 1 and self.folded.isascii()


def fold_all(texts: list[str], tables: FoldTables) -> list[str]:
    return tables.fold_lines(texts)


_EDGE_CLASSES = dict.fromkeys("abcdefghijklmnopqrstuvwxyz", "letter") | dict.fromkeys("0123456789", "digit")


def _edge_class(char: str) -> str:
    return _EDGE_CLASSES.get(char, "")


def merge_terms(terms: Iterable[Term], tables: FoldTables) -> dict[str, Entry]:
    """Folded pattern → entry; where two terms fold alike, the stronger action wins, then the team's
    own term (``Term.exact``), then the first."""
    entries: dict[str, Entry] = {}
    terms = list(terms)
    edge_class, new_entry = _EDGE_CLASSES.get, tuple.__new__  # (the loop runs for every listed term)
    for term, folded in zip(terms, fold_all([term.text for term in terms], tables), strict=True):
        # What is left of a term that was mostly noise (柑 + a private-use mark) would hit everywhere.
        if not folded or (len(folded) == 1 and len(term.text) > 1):
            continue
        known = entries.get(folded)
        if known is None or (term.action.strength, term.exact) > (
            known.term.action.strength,
            known.term.exact,
        ):
            entries[folded] = new_entry(
                Entry, (term, folded, edge_class(folded[0], ""), edge_class(folded[-1], ""))
            )
    return entries


def number_variants(folded: str) -> list[str]:
    """Other spellings of the numbers in a term; none for a term that is only a number (六六六, 666).

    Digits become numerals only in terms of three or more characters: 三, 八… start many ordinary
    words (三唑酮, 八仙花) that a short listed code like 3唑 or 8仙 would otherwise hit.
    """
    to_numeral = _NUMERAL_FOR_DIGIT if len(folded) >= _MIN_CHARS_FOR_NUMERALS else {}
    swaps = [_DIGIT_FOR_NUMERAL.get(c) or to_numeral.get(c) for c in folded]
    if all(swaps) or not any(swaps):
        return []
    if sum(1 for swap in swaps if swap) > _MAX_SWAPPED_POSITIONS:
        return ["".join(swap or c for c, swap in zip(folded, swaps, strict=True))]
    options = [(c, swap) if swap else (c,) for c, swap in zip(folded, swaps, strict=True)]
    return ["".join(p) for p in product(*options) if "".join(p) != folded]


def lone_numeral_word(listed: str, variant: str) -> str | None:
    """Where a number spelling only writes a lone digit of the listed term at its first or last
    character as a numeral (1字型 → 一字型), the rest of the term (字型); else None.

    A numeral before or after a word is ordinary Chinese: 一字型 is "I-shaped", 三网友 "three
    netizens". Where the rest is a common word, the screener does not look for that spelling
    (``Screener.dropped_spellings``): the listed code is the digit spelling, and that is still found.
    """
    if len(listed) != len(variant) or len(variant) < _MIN_CHARS_FOR_NUMERALS:
        return None
    changed = [i for i, (a, b) in enumerate(zip(listed, variant, strict=True)) if a != b]
    if len(changed) != 1 or changed[0] not in (0, len(variant) - 1):
        return None
    at = changed[0]
    if _NUMERAL_FOR_DIGIT.get(listed[at]) != variant[at]:
        return None
    rest = variant[1:] if at == 0 else variant[:-1]
    if _NUMBERISH.search(rest[0] if at == 0 else rest[-1]):
        return None  # part of a longer number (64事件): a code, not a count
    return rest


def with_number_variants(entries: dict[str, Entry]) -> dict[str, Entry]:
    """The entries plus their number spellings, never displacing a term listed in its own right."""
    variants: dict[str, Entry] = {}
    for folded, entry in entries.items():
        if not _NUMBERISH.search(folded):
            continue
        for variant in number_variants(folded):
            if variant not in entries and variant not in variants:
                variants[variant] = Entry(
                    entry.term, variant, _edge_class(variant[0]), _edge_class(variant[-1])
                )
    return entries | variants
