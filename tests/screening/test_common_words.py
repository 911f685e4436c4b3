"""Common listed words are read as words; rarer listed words are found inside any word."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from nlu.screening import Action, Screener, TermLists, Verdict, builtin_lists
from nlu.screening.model import Term
from nlu.screening.patterns import lone_numeral_word
from nlu.screening.screener import CHUNK
from nlu.screening.words import COMMON_ZIPF, NUMERAL_WORD_ZIPF, is_common


def _screener(*terms: str, allowed: tuple[str, ...] = ()) -> Screener:
    return Screener(TermLists(tuple(Term(t, "test", Action.BLOCK) for t in terms), allowed))


def _verdicts(screener: Screener, text: str) -> tuple[Verdict, Verdict]:
    """The verdict of the text alone (``check``) and among others (``check_many``)."""
    return screener.check(text).verdict, screener.check_many([text] * CHUNK)[0].verdict


@pytest.mark.parametrize(
    ("listed", "text"),
    [("主席", "主席台上坐着人"), ("政府", "市政府门口"), ("革命", "革命性的突破")],
)
def test_a_common_listed_word_inside_a_longer_word_is_that_word(listed: str, text: str) -> None:
    assert is_common(listed)
    assert _verdicts(_screener(listed), text) == (Verdict.CLEAN, Verdict.CLEAN)


@pytest.mark.parametrize(
    ("listed", "text"),
    [
        ("法轮功", "法轮功学员"),  # rarer terms are found inside any word
        ("台独", "台独分子"),  # 台独分子 is a dictionary word, 台独 not common
        ("主席", "选主席了"),  # a common word standing as a word
        ("主席", "请问主*席怎么办"),  # noise inside
    ],
)
def test_rarer_words_and_common_words_standing_alone_are_still_found(listed: str, text: str) -> None:
    assert _verdicts(_screener(listed), text) == (Verdict.BLOCK, Verdict.BLOCK)


def test_a_longer_word_that_is_listed_itself_is_a_hit() -> None:
    screener = _screener("主席", "主席团")

    assert [h.matched for h in screener.check("主席团开会").hits] == ["主席团"]
    assert _verdicts(screener, "主席团开会") == (Verdict.BLOCK, Verdict.BLOCK)


def test_an_allowed_word_never_lends_a_common_word_a_longer_word() -> None:
    # 主席台 would make 主席 a piece of a word, but its 台 belongs to the allowed 台风.
    screener = _screener("主席", allowed=("台风",))

    assert _verdicts(screener, "主席台风") == (Verdict.BLOCK, Verdict.BLOCK)


def test_the_team_s_own_block_terms_are_not_common_words() -> None:
    blocked = {t.text for t in builtin_lists().terms if t.action is Action.BLOCK}

    assert not [term for term in blocked if is_common(term)]
    assert COMMON_ZIPF > NUMERAL_WORD_ZIPF


def test_a_lone_numeral_before_a_common_word_is_not_a_listed_code() -> None:
    screener = _screener("1字型")

    assert lone_numeral_word("1字型", "一字型") == "字型" and is_common("字型", NUMERAL_WORD_ZIPF)
    assert _verdicts(screener, "一字型排列") == (Verdict.CLEAN, Verdict.CLEAN)
    assert _verdicts(screener, "一一字型排列") == (Verdict.CLEAN, Verdict.CLEAN)  # squeezed too
    assert _verdicts(screener, "1字型排列") == (Verdict.BLOCK, Verdict.BLOCK)


@pytest.mark.parametrize(
    ("listed", "text"),
    [
        ("下三滥", "下3滥"),  # numerals inside a term, both ways
        ("下3滥", "下三滥"),
        ("1党专政", "一党专政"),  # 党专政 is no common word
        ("64事件", "六四事件"),  # part of a longer number
    ],
)
def test_other_number_spellings_are_still_found(listed: str, text: str) -> None:
    assert _verdicts(_screener(listed), text) == (Verdict.BLOCK, Verdict.BLOCK)


COMMON = ("政府", "革命", "主席", "军事", "部队")
COMMON_SCREENER = Screener(
    TermLists(
        tuple(Term(t, "test", Action.BLOCK) for t in COMMON), tuple(sorted(set(builtin_lists().allowed)))
    )
)


@settings(max_examples=200, deadline=None)
# (found by hypothesis: the pesticide 乐果, an allowed word, made 政府乐果 a pesticide name)
@example(before="2,4-滴", common="政府", after="乐果", gap="", noise="")
@given(
    st.sampled_from(sorted(set(builtin_lists().allowed))),
    st.sampled_from(COMMON),
    st.sampled_from(sorted(set(builtin_lists().allowed))),
    st.sampled_from(["", " ", "，"]),
    st.lists(st.sampled_from([" ", "*", "\u200b", "。", "😀"]), max_size=2).map("".join),
)
def test_no_allowed_word_lends_a_common_word_a_longer_word(
    before: str, common: str, after: str, gap: str, noise: str
) -> None:
    disguised = common[0] + noise + common[1:]
    text = f"{before}{gap}{disguised}{gap}{after}"
    start = len(before) + len(gap)

    result = COMMON_SCREENER.check(text)

    assert is_common(common)
    assert any(h.start <= start and start + len(disguised) <= h.end for h in result.hits), (text, result.hits)


def test_an_allowed_farm_ending_with_more_of_its_own_word_before_the_hit_is_one_farm_word() -> None:
    # 东|格鲁|病毒病 (a virus disease of rice): 病毒病 is allowed, 东 makes the word longer than 格鲁.
    screener = Screener(TermLists((Term("格鲁", "test", Action.BLOCK),), tuple(builtin_lists().allowed)))
    assert "病毒病" in builtin_lists().allowed
    assert screener.check("东格鲁病毒病").verdict is Verdict.CLEAN
