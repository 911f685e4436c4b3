"""The team's own terms are found wherever they appear: a farm ending after one is no disguise.

The farm-word rules read a listed word inside a pest, disease or pesticide name (叶鞘腐败病, 东亚飞蝗)
as part of that name: long external lists are full of everyday words. For the team's own lists the
same rules were an evasion anyone could use: one ending character after the term, "法轮功病" or
"买冰毒病", and the text passed.
"""

from __future__ import annotations

import pytest

from nlu.screening import Action, Screener, Term, TermLists, Verdict, builtin_lists
from tests.screening.conftest import builtin_screener


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("法轮功病", "法轮功"),
        ("我想买冰毒病", "冰毒"),
        ("一夜情毒饵", "一夜情"),
        ("2,4-滴一夜情毒饵", "一夜情"),  # found by hypothesis: 毒饵 is allowed, and ends pesticide names
        ("冰毒乳油多少钱", "冰毒"),
    ],
)
def test_a_builtin_term_before_a_farm_ending_is_still_found(text: str, term: str) -> None:
    screener = builtin_screener()
    for result in (screener.check(text), screener.check_many([text])[0]):
        assert result.verdict is Verdict.BLOCK and term in [hit.term for hit in result.hits], result


def test_an_external_term_inside_a_farm_word_is_still_read_as_part_of_it() -> None:
    external = Screener(TermLists((Term("腐败", "imported", Action.BLOCK),), ()))
    exact = Screener(TermLists((Term("腐败", "imported", Action.BLOCK, exact=True),), ()))
    for text in ("水稻叶鞘腐败病怎么防", "叶鞘腐败病"):
        assert external.check(text).verdict is Verdict.CLEAN
        assert external.check_many([text])[0].verdict is Verdict.CLEAN
        assert exact.check(text).verdict is Verdict.BLOCK
        assert exact.check_many([text])[0].verdict is Verdict.BLOCK


def test_the_builtin_lists_are_exact_and_an_import_of_the_same_word_does_not_undo_it() -> None:
    builtin = builtin_lists()
    assert all(term.exact for term in builtin.terms)
    imported = TermLists((Term("冰毒", "drugs", Action.BLOCK),), ())
    for lists in (imported + builtin, builtin + imported):
        assert Screener(lists).check("我想买冰毒病").verdict is Verdict.BLOCK
