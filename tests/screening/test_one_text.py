"""A text checked on its own takes str-level shortcuts (issue 20's speed on the path the bot runs):
they must see what the array folding and the full pass over squeezed repeats see."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nlu.screening import Verdict
from nlu.screening.fold import fold_tables, one_text_folding
from tests.screening.conftest import builtin_screener

# Characters of every kind folding treats apart: noise in and beyond the first 65,536 code points,
# characters that fold to another (full width, traditional, styled letters beyond, digit styles),
# line breaks and a lone surrogate.
AWKWARD = st.text(
    st.sampled_from(
        [
            *"玉米法轮功赌博，。 \n\t\u200b*·ＡＢｆ國體①⑴²⓿Ⅳ壹貳ABCxyz019",
            "\U0001d41f",
            "\U0001d42e",
            "😀",
            "👍",
            "\U000e0020",
            "\ud800",
            "\U0002f800",
            "\U00020000",
        ]
    )
)


@pytest.mark.parametrize(
    "text",
    [
        "請問ＡＢＣ玉米，法·轮·功!!",
        "𝐟𝐮𝐜𝐤 🙂 you",  # styled letters and an emoji beyond the first 65,536 code points
        "①⑴²⓿Ⅳ壹貳",
        "line\nbreaks\n\n",
        "a\ud800b",
        "",
        "玉米叶子发黄",
    ],
)
def test_one_text_folds_as_the_arrays_fold_it(text: str) -> None:
    alone, batch = one_text_folding().fold(text), fold_tables().fold_batch([text])

    assert alone.text == batch.text
    assert alone.kept.tolist() == batch.kept.tolist()
    assert alone.points.tolist() == batch.points.tolist()
    assert alone.folded_points.tolist() == batch.folded_points.tolist()


@settings(max_examples=300, deadline=None)
@given(AWKWARD)
def test_any_text_folds_alone_as_in_a_batch(text: str) -> None:
    alone, batch = one_text_folding().fold(text), fold_tables().fold_batch([text])

    assert (alone.text, alone.kept.tolist()) == (batch.text, batch.kept.tolist())


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
    screener = builtin_screener()

    assert not screener.index.may_squeeze(one_text_folding().fold("谢谢专家，看看玉米叶子").text)
    assert screener.index.may_squeeze(one_text_folding().fold("赌赌博").text)


@settings(max_examples=200, deadline=None)
@given(st.text(st.sampled_from(list("赌博法轮功玉米谢专家看"))))
def test_a_text_alone_gets_the_batch_answer(text: str) -> None:
    screener = builtin_screener()

    assert screener.check(text) == screener.check_many([text] * 40)[0]
