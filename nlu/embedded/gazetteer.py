"""Leftmost-longest dictionary matching of the lookup tables over a text."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Match:
    start: int
    end: int
    term: str
    lookup: str


def _is_latin(char: str) -> bool:
    return "a" <= char <= "z"


def _whole_words(text: str, start: int, end: int) -> bool:
    """Chinese has no spaces, so a term matches inside any run of characters; an English name only as
    whole words: "oat" is not in "boat", nor "hen" in "when". (The text is lower case: features.normalize.)"""
    cut_before = _is_latin(text[start]) and start > 0 and _is_latin(text[start - 1])
    cut_after = _is_latin(text[end - 1]) and end < len(text) and _is_latin(text[end])
    return not (cut_before or cut_after)


class Gazetteer:
    def __init__(self, lookups: dict[str, list[str]]) -> None:
        self._lookup_of: dict[str, str] = {}
        for lookup, terms in lookups.items():
            for term in terms:
                self._lookup_of.setdefault(term, lookup)
        self._longest = max((len(t) for t in self._lookup_of), default=0)
        self._first_chars = {t[0] for t in self._lookup_of}

    def find(self, text: str) -> list[Match]:
        matches: list[Match] = []
        position, length = 0, len(text)
        lookup_of, first_chars = self._lookup_of, self._first_chars
        while position < length:
            if text[position] in first_chars:
                for end in range(min(length, position + self._longest), position, -1):
                    lookup = lookup_of.get(text[position:end])
                    if lookup is not None and _whole_words(text, position, end):
                        matches.append(Match(position, end, text[position:end], lookup))
                        position = end
                        break
                else:
                    position += 1
            else:
                position += 1
        return matches
