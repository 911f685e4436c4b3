"""Each evasion the screener must see through, with the hit mapped back to the original text."""

from __future__ import annotations

import pytest

from nlu.screening import Screener, TermLists, Verdict
from nlu.screening.model import Action, Term
from tests.screening.conftest import builtin_screener


def _screener(*words: str) -> Screener:
    return Screener(TermLists(tuple(Term(w, "test", Action.BLOCK) for w in words), ()))


@pytest.mark.parametrize(
    ("term", "text", "matched"),
    [
        ("法轮功", "他练法輪功多年", "法輪功"),  # traditional
        ("fuck", "ＦＵＣＫ you", "ＦＵＣＫ"),  # full width and case
        ("fuck", "Ⓕⓤⓒⓚ", "Ⓕⓤⓒⓚ"),  # enclosed letters
        ("fuck", "𝐟𝐮𝐜𝐤!", "𝐟𝐮𝐜𝐤"),  # mathematical letters
        ("a12", "a①⑵", "a①⑵"),  # circled and parenthesised digits
        ("x42", "x⁴²", "x⁴²"),  # superscripts
        ("六4事件", "六四事件", "六四事件"),  # digit written as a numeral
        ("下三滥", "下3滥", "下3滥"),  # numeral written as a digit
        ("三级片", "叁级片", "叁级片"),  # financial numeral
        ("v3", "vⅢ", "vⅢ"),  # roman numeral
        ("赌博", "赌\u200b博", "赌\u200b博"),  # zero-width space
        ("赌博", "赌😀博", "赌😀博"),  # emoji
        ("赌博", "赌 * 博", "赌 * 博"),  # symbols and spaces
        ("赌博", "赌赌赌博博", "赌赌赌博博"),  # repeated characters
        ("法轮功", "法lun功", "法lun功"),  # part in pinyin
        ("法轮功", "练falungong的", "falungong"),  # all in pinyin
        ("法轮功", "练FaLunGong的", "FaLunGong"),  # pinyin, mixed case
        ("法轮大法", "fl大法好", "fl大法"),  # pinyin initials
    ],
)
def test_evasion_is_seen_through(term: str, text: str, matched: str) -> None:
    result = _screener(term).check(text)

    assert [hit.matched for hit in result.hits] == [matched]
    assert result.verdict is Verdict.BLOCK


@pytest.mark.parametrize(
    "text",
    [
        "做B超检查母牛是否怀孕",  # a lone letter next to Chinese is not an initial
        "classification of wheat",  # ass inside a word
        "三唑酮和八仙花",  # numerals in ordinary words
    ],
)
def test_ordinary_text_with_letters_and_numbers_is_clean(text: str) -> None:
    screener = _screener("ass", "3唑", "8仙", "白超", "做白")
    assert screener.check(text).verdict is Verdict.CLEAN


def test_latin_words_next_to_chinese_are_not_read_as_pinyin_of_listed_words() -> None:
    assert builtin_screener().check("用AI技术和GPS识别病虫害，pH值6.5").verdict is Verdict.CLEAN


def test_a_banned_pesticide_gets_advice_not_a_block() -> None:
    result = builtin_screener().check("玉米地能不能打百草枯？")

    assert result.verdict is Verdict.ADVISE
    assert [(h.matched, h.category) for h in result.hits] == [("百草枯", "banned_pesticide")]


def test_block_outranks_flag_and_advice() -> None:
    result = builtin_screener().check("上访的时候有人说起百草枯和赌博")

    assert result.verdict is Verdict.BLOCK
    assert {h.action for h in result.hits} == {Action.BLOCK, Action.FLAG, Action.ADVISE}


def test_farm_words_from_the_allow_list_stay_clean() -> None:
    for text in (
        "白粉病怎么防治",
        "鸡场消毒用什么药",
        "杂种优势明显",
        "甲基托布津能混用吗",
        "用这个方法轮换用药",
    ):
        assert builtin_screener().check(text).verdict is Verdict.CLEAN, text


def test_an_allowed_word_protects_only_the_characters_it_covers() -> None:
    screener = Screener(TermLists((Term("黄片", "porn", Action.BLOCK),), ("三黄片",)))

    result = screener.check("三黄片，黄片")

    assert [(h.start, h.end) for h in result.hits] == [(4, 6)]


def test_the_allow_list_does_not_silence_pesticide_advice() -> None:
    screener = Screener(TermLists((Term("毒死蜱", "restricted_pesticide", Action.ADVISE),), ("毒死蜱",)))

    assert screener.check("毒死蜱用量").verdict is Verdict.ADVISE
