"""A listed word cut out of a longer farm word across its word boundary (消毒|药 holds 毒药) is two
pieces of two words; the farm lexicon (the allowed words) says where the boundary is (issue 20)."""

from __future__ import annotations

import pytest

from nlu.screening import Screener, TermLists, Verdict
from nlu.screening.model import Action, Term

ALLOWED = ("消毒", "病菌", "断奶")


def _screener(*terms: Term) -> Screener:
    return Screener(TermLists(terms, ALLOWED))


def _listed(*words: str) -> tuple[Term, ...]:
    return tuple(Term(w, "test", Action.BLOCK) for w in words)


@pytest.mark.parametrize("copies", [1, 40])  # alone (check), and among others (check_many)
@pytest.mark.parametrize("text", ["用消毒药喷洒圈舍", "肠道性病菌感染", "断奶子猪拉稀"])
def test_a_listed_word_across_a_farm_words_edge_is_no_hit(text: str, copies: int) -> None:
    screener = _screener(*_listed("毒药", "性病", "奶子"))
    assert [r.verdict for r in screener.check_many([text] * copies)] == [Verdict.CLEAN] * copies


@pytest.mark.parametrize("copies", [1, 40])
@pytest.mark.parametrize("text", ["他买了毒药", "先消毒，毒药另放", "消毒毒药"])
def test_the_listed_word_on_its_own_still_blocks(text: str, copies: int) -> None:
    screener = _screener(*_listed("毒药", "性病", "奶子"))
    assert [r.verdict for r in screener.check_many([text] * copies)] == [Verdict.BLOCK] * copies


@pytest.mark.parametrize("copies", [1, 40])
def test_a_listed_longer_word_and_the_teams_own_terms_still_block(copies: int) -> None:
    listed_longer = _screener(*_listed("毒药", "消毒药"))
    assert listed_longer.check_many(["用消毒药喷洒"] * copies)[0].verdict is Verdict.BLOCK
    own = _screener(Term("毒药", "test", Action.BLOCK, exact=True))
    assert own.check_many(["用消毒药喷洒"] * copies)[0].verdict is Verdict.BLOCK
