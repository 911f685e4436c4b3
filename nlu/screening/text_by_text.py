"""Screening text by text, the one path of ``Screener.check`` and ``check_many``, through the stages:
the texts (one, or a chunk) are normalised and matched together and each text's candidates found
(``finding.py``); the judge (``judge``) says which of them a reader sees; the verdict follows. A
text's answer does not depend on the texts checked with it (``tests/screening/test_many.py``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nlu.screening.finding import Finder
from nlu.screening.judge import JudgeTables, hits_of
from nlu.screening.model import ScreeningResult, Verdict, verdict_of

if TYPE_CHECKING:
    from nlu.screening.index import TermIndex


class TextByText:
    """The per-text path: finds the candidates of each text and judges them in plain Python. The
    screener holds one over its term index and sends it single texts and small batches."""

    def __init__(self, index: TermIndex) -> None:
        self.finder = Finder(index)
        self.judge_tables = JudgeTables(
            index.fold_char, index.unjudged, index.listed_words, index.options.initials_min_letters
        )

    def check(self, texts: list[str]) -> list[ScreeningResult]:
        """``check_many`` for a few texts: folded and matched together, then checked text by text."""
        found = self.finder.find(texts)
        results: list[ScreeningResult] = []
        for number, text in enumerate(texts):
            if number not in found.texts:
                results.append(ScreeningResult(text, Verdict.CLEAN, ()))
                continue
            candidates, allow_spans = self.finder.candidates(text, found.view(number, text), found, number)
            if not candidates:
                results.append(ScreeningResult(text, Verdict.CLEAN, ()))
                continue
            hits = hits_of(text, candidates, allow_spans, self.judge_tables)
            results.append(ScreeningResult(text, verdict_of(hits), hits))
        return results
