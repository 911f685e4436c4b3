"""A farm noun is a modifier word followed by a one-character farm head (遗传性|病, 解毒|药, 花毛|鸡):
a listed two-character word made of the modifier's last character and the head (性病, 毒药, 毛鸡)
is two pieces of two words, not the listed word (issue 20). Where the modifier is no word (junk
glued to the listed word), the second character is no farm noun, the longer word is listed, the
modifier is listed, or the term is the team's own, the listed word still blocks."""

from __future__ import annotations

import pytest

from nlu.screening import Screener, TermLists, Verdict
from nlu.screening.farm import farm_compound
from nlu.screening.model import Action, Term

LISTED = ("毛鸡", "毛猪", "性病", "毒药", "毛片", "卖春", "春药", "炸药", "赌马", "猎狗", "淋病")


def _screener(*words: str, exact: bool = False, allowed: tuple[str, ...] = ()) -> Screener:
    terms = tuple(Term(w, "test", Action.BLOCK, exact) for w in words)
    return Screener(TermLists(terms, allowed))


@pytest.fixture(scope="module")
def screener() -> Screener:
    return _screener(*LISTED)


@pytest.mark.parametrize("copies", [1, 300])  # alone, and across chunks of check_many
@pytest.mark.parametrize(
    "text",
    [
        "花毛鸡怎么养",  # a colour and a coat before the animal
        "这窝乌毛猪长得快",
        "遗传性病能治好吗",  # an attribute word (…性) before the disease
        "营养性病和代谢性病都要查",
        "条件性病原菌引起的条件性病多发",
        "解毒药什么时候喂",  # a drug named by what it does, a word of the dictionary as a whole
        "消毒药兑多少水",
    ],
)
def test_a_listed_word_across_a_modifier_and_a_farm_head_is_no_hit(
    screener: Screener, text: str, copies: int
) -> None:
    assert [r.verdict for r in screener.check_many([text] * copies)] == [Verdict.CLEAN] * copies


@pytest.mark.parametrize("copies", [1, 300])
@pytest.mark.parametrize(
    "text",
    [
        "哪里能买到毒药",  # 买毒 is no word
        "啊毛鸡",  # junk glued to the listed word
        "嗯嗯性病",
        "abc毛鸡",  # no Chinese modifier at all
        "毒药",
        "黑毛片",  # a coat, but 片 is no farm noun
        "有人卖春药",  # the modifier is listed itself
        # a dictionary word before the listed word makes no farm noun of it (the review's cases)
        "有毒药吗",
        "专卖剧毒药",
        "正品回春药包邮",
        "自制猛炸药教程",
        "香港滥赌马",  # an animal head takes only a colour and a coat
        "捕猎狗出售",
        "喷淋病",  # a disease head takes only an attribute (…性)
        "治疗性病",  # 治疗性 is no word
    ],
)
def test_listed_words_glued_to_junk_or_no_farm_noun_still_block(
    screener: Screener, text: str, copies: int
) -> None:
    assert [r.verdict for r in screener.check_many([text] * copies)] == [Verdict.BLOCK] * copies


@pytest.mark.parametrize("copies", [1, 300])
def test_a_listed_longer_word_and_the_teams_own_terms_still_block(copies: int) -> None:
    longer = _screener("性病", "遗传性病")
    assert [r.verdict for r in longer.check_many(["遗传性病能治好吗"] * copies)] == [Verdict.BLOCK] * copies
    own = _screener("性病", exact=True)
    assert [r.verdict for r in own.check_many(["遗传性病能治好吗"] * copies)] == [Verdict.BLOCK] * copies


def test_the_modifier_may_not_reach_into_an_allowed_word() -> None:
    # 花毛 would be a colour and a coat, but 雪花 is a word of its own: 毛鸡 stands alone after it.
    screener = _screener("毛鸡", allowed=("雪花",))
    assert screener.check("雪花毛鸡").verdict is Verdict.BLOCK


@pytest.mark.parametrize(
    ("run", "start", "expected"),
    [
        ("花毛鸡", 1, True),
        ("白羽鸭", 1, True),  # a feather coat
        ("遗传性病", 2, True),  # a modifier of three characters
        ("啊毛鸡", 1, False),
        ("毛鸡", 0, False),  # nothing before the hit
        ("黑毛片", 1, False),
    ],
)
def test_farm_compound(run: str, start: int, expected: bool) -> None:
    assert farm_compound(run, start, start + 2) is expected
