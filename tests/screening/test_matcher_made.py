"""Hits of the matcher's own making: farm prose a reader takes for what it is must pass, while the
evasion each rule sits next to is still found (issue 20)."""

from __future__ import annotations

import pytest

from nlu.screening import Screener, TermLists, Verdict
from nlu.screening.model import Action, Term


def _screener(*words: str) -> Screener:
    return Screener(TermLists(tuple(Term(w, "test", Action.BLOCK) for w in words), ()))


@pytest.mark.parametrize(
    ("term", "text"),
    [
        # Units after a number are no pinyin initials (cm + 以 is not 催眠药).
        ("催眠药", "苗高长到20cm以上再追肥"),
        ("可哥精", "每亩用尿素15kg加水浇灌"),
        ("毛管理员", "水中溶解氧要在5mg／L以上"),
        ("平可夫", "苗期追施磷肥3-5PK以补充"),
        ("倡议书", "气温在30℃以上时播种"),  # ℃ folds to °C: a unit after a number too
        # Abbreviations read as such in Chinese text.
        ("拍花子", "土壤pH值偏高时施石膏"),
        ("拍花子", "先用PH试纸测一下"),
        ("优比特", "可以用B.T乳剂防治菜青虫"),
        # Punctuation inside a sentence separates words (大，腿 is no 大腿; 鱼、虾、蟹 is a list).
        ("大腿", "这批羊个头大，腿却很短"),
        ("鱼虾蟹", "池塘里的鱼、虾、蟹都要投喂"),
        ("性中性", "土壤呈碱性、中性都可种植"),
        ("成人", "把枝条搭成“人”字形"),
        ("5不", "5、不要在中午打药"),
        # A decimal point is part of the number; repeated digits are a number, not a repeat.
        ("3公", "日增重0．3公斤左右"),
        ("3公", "平均每头增重1.33公斤"),
        # A numeral spelling that is itself a common word is that word (一氧化碳, carbon monoxide).
        ("1氧化碳", "鸡舍里一氧化碳浓度太高"),
    ],
)
def test_farm_prose_passes(term: str, text: str) -> None:
    result = _screener(term).check(text)
    assert result.verdict is Verdict.CLEAN, result.hits


@pytest.mark.parametrize(
    ("term", "text", "matched"),
    [
        ("催眠药", "哪里能买到cm药", "cm药"),  # initials inside Chinese text, no number near
        ("大腿", "摸她大*腿", "大*腿"),  # a symbol that is no punctuation of the sentence
        ("鱼虾蟹", "卖鱼#虾#蟹", "鱼#虾#蟹"),
        ("1氧化碳", "买1氧化碳", "1氧化碳"),  # the listed spelling itself
        ("赌博", "赌赌赌博博", "赌赌赌博博"),  # repeats squeezed inside the word
    ],
)
def test_evasions_next_to_the_rules_are_found(term: str, text: str, matched: str) -> None:
    result = _screener(term).check(text)
    assert result.verdict is Verdict.BLOCK
    assert [h.matched for h in result.hits] == [matched]


def test_a_repeat_at_the_edge_of_a_listed_word_is_the_word_as_written() -> None:
    # 大便|便秘: the repeated 便 begins the next word; the hit is 大便 as the list writes it.
    result = _screener("大便").check("大便便秘")
    assert [(h.start, h.end, h.matched) for h in result.hits] == [(0, 2, "大便")]


def test_the_same_rules_hold_on_the_batch_path() -> None:
    screener = _screener("催眠药", "鱼虾蟹", "1氧化碳", "3公")
    texts = [
        "苗高长到20cm以上再追肥",
        "池塘里的鱼、虾、蟹都要投喂",
        "鸡舍里一氧化碳浓度太高",
        "每头增重1.33公斤",
    ]
    batch = screener.check_many(texts * 20)
    assert {r.verdict for r in batch} == {Verdict.CLEAN}
    evasions = screener.check_many(["哪里能买到cm药", "卖鱼#虾#蟹"] * 20)
    assert {r.verdict for r in evasions} == {Verdict.BLOCK}


@pytest.mark.parametrize("copies", [1, 40])  # alone (check), and among others (check_many)
def test_a_word_split_on_purpose_is_no_word_boundary(copies: int) -> None:
    # 中国|人 holds 国人 by accident; 中]国【人 writes both words apart on purpose (published case E19).
    screener = _screener("中国", "国人")
    assert [h.matched for h in screener.check_many(["我是中国人"] * copies)[0].hits] == ["中国"]
    split = screener.check_many(["我是【中]国【人"] * copies)[0]
    assert sorted(h.matched for h in split.hits) == ["中]国", "国【人"]
    assert screener.check_many(["我是中国 人"] * copies)[0].hits[0].matched == "中国"


@pytest.mark.parametrize("copies", [1, 40])  # alone (check), and among others (check_many)
@pytest.mark.parametrize(
    ("term", "text", "matched"),
    [
        ("毛二逼", "你个毛二B", "毛二B"),  # one letter for one character, the rest as written
        ("黄色小说", "哪有h色小说看", "h色小说"),
        ("牛逼靠", "这也太牛B靠了", "牛B靠"),
    ],
)
def test_one_initial_among_characters_written_as_listed_is_found(
    term: str, text: str, matched: str, copies: int
) -> None:
    result = _screener(term).check_many([text] * copies)[0]
    assert [h.matched for h in result.hits] == [matched]


@pytest.mark.parametrize("copies", [1, 40])
@pytest.mark.parametrize(
    ("term", "text"),
    [
        ("色书库", "饲料中添加维生素K以增强体质"),  # 生素K: no character of the term as written
        ("倡议书", "c．要设应急窗"),  # a list marker
        ("傻逼乐", "要多施B肥"),  # boron: one letter and one character is too little
    ],
)
def test_a_lone_letter_in_farm_prose_is_no_initial(term: str, text: str, copies: int) -> None:
    assert _screener(term).check_many([text] * copies)[0].verdict is Verdict.CLEAN
