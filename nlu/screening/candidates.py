"""A candidate hit: a span of the original text where a pattern was found (by the plain automaton,
across squeezed repeats, recomposed components, pinyin, or as contact details), with the facts of
how it was found that the judge (``judge``) needs to decide whether a reader would see the listed
term there. Finding (``finding.py``) makes candidates and drops none on a judgement of its own."""

from __future__ import annotations

from dataclasses import dataclass

from nlu.screening import contact
from nlu.screening.patterns import Entry
from nlu.screening.views import Span

DIGIT_RUN_ENTRY = Entry(contact.DIGIT_RUN, "", "", "")
ADDRESS_ENTRIES = {term: Entry(term, "", "", "") for term in (contact.URL, contact.IPV4)}


class ViewWords:
    """The words of a view a candidate was found in, for the judge's word rules: the view's folded
    text and the allowed words matched in it (view positions). One per view, shared by all its
    candidates (a plain object with slots: one is made for most texts checked)."""

    __slots__ = ("allowed", "recomposed", "text")

    def __init__(self, text: str, allowed: list[tuple[int, int]], recomposed: bool = False) -> None:
        self.text = text
        self.allowed = allowed
        self.recomposed = recomposed
        """The recomposed view (recompose.py): its allowed words are not the plain view's, so the
        judge's allow-list cover (original spans of the plain view's words) does not see them."""


@dataclass(slots=True)
class Candidate:
    span: Span
    entry: Entry
    plain: bool = False
    """Found by the plain automaton: the text's folded characters are those of ``entry.folded``."""
    words: ViewWords | None = None
    """The view it was found in, where the word rules apply (plain and recomposed views); None for
    squeezed repeats, pinyin and contact details."""
    start: int = 0
    """Where it is in ``words.text`` (with ``end``), when ``words`` is set."""
    end: int = 0
    common: bool = False
    """Its pattern is a listed common word (``TermIndex.common_patterns``)."""
    spelled_on: str = ""
    """A pinyin match: the folded text it stands on (letters the sender typed, Chinese characters
    spelled out); empty for every other candidate."""
    initials: bool = False
    """A pinyin match of the initials of the term's syllables (fl for 法轮), not of whole syllables."""
