"""A text checked on its own squeezes its repeats only where a listed pattern could be found across
them (issue 20's speed on the path the bot runs): it must still find every term that checking it
among other texts (``check_many``, which squeezes every text of a chunk with repeats) finds."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nlu.screening import Verdict
from nlu.screening.fold import fold_tables
from tests.screening.conftest import builtin_screener


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("我想买赌赌赌博博机", "赌博"),  # a run inside the term
        ("赌赌博", "赌博"),  # at the text's start
        ("要赌博博", "赌博"),  # at its end
        ("练法法轮轮功功的人", "法轮功"),  # in the middle of a longer term
    ],
)
def test_a_text_alone_finds_terms_across_repeats(text: str, term: str) -> None:
    result = builtin_screener().check(text)

    assert result.verdict is Verdict.BLOCK
    assert [hit.term for hit in result.hits] == [term]


def test_repeats_no_listed_term_can_cross_are_not_squeezed() -> None:
    index = builtin_screener().index

    assert not index.may_squeeze(fold_tables().fold_batch(["谢谢专家，看看玉米叶子"]).text)
    assert index.may_squeeze(fold_tables().fold_batch(["赌赌博"]).text)


@settings(max_examples=200, deadline=None)
@given(st.text(st.sampled_from(list("赌博法轮功玉米谢专家看"))))
def test_a_text_alone_gets_its_answer_among_others(text: str) -> None:
    screener = builtin_screener()

    assert screener.check(text) == screener.check_many([text] * 40)[0]
