"""A candidate hit: a span of the original text where a pattern was found (by the plain automaton,
across squeezed repeats, recomposed components, pinyin, or as contact details), before the judge
(``judge.py``) decides whether a reader would see the listed term there."""

from __future__ import annotations

from dataclasses import dataclass

from nlu.screening import contact
from nlu.screening.patterns import Entry
from nlu.screening.views import Span

DIGIT_RUN_ENTRY = Entry(contact.DIGIT_RUN, "", "", "")
ADDRESS_ENTRIES = {term: Entry(term, "", "", "") for term in (contact.URL, contact.IPV4)}


@dataclass(slots=True)
class Candidate:
    span: Span
    entry: Entry
    plain: bool = False
    """Found by the plain automaton: the text's folded characters are those of ``entry.folded``."""


def glued_to_letter(text: str, span: Span) -> bool:
    """Whether digits directly follow a latin letter: a code (A10021003, X70002), not a number."""
    return span.start > 0 and text[span.start - 1].isascii() and text[span.start - 1].isalpha()
