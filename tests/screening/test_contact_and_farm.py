"""Contact details are flagged (not blocked); farm words that hold listed words stay clean."""

from __future__ import annotations

import pytest

from nlu.screening import Action, Screener, TermLists, Verdict, explain
from nlu.screening.model import Term
from tests.screening.conftest import builtin_screener


def _screener(*words: str) -> Screener:
    return Screener(TermLists(tuple(Term(w, "test", Action.BLOCK) for w in words), ()))


@pytest.mark.parametrize(
    ("text", "matched"),
    [
        ("有事打我电话13812345678", "13812345678"),
        ("加V：138 1234 5678", "138 1234 5678"),
        ("网址 www.example.cn/shop 便宜", "www.example.cn/shop"),
        ("访问 192.168.1.20 就行", "192.168.1.20"),
    ],
)
def test_contact_details_are_flagged_for_the_reviewer(text: str, matched: str) -> None:
    result = builtin_screener().check(text)

    assert [(h.matched, h.category, h.action) for h in result.hits] == [(matched, "contact", Action.FLAG)]
    assert result.verdict is Verdict.FLAG and result.allowed
    assert explain(result) is None


@pytest.mark.parametrize("text", ["2024-05-12 08:30 打的药", "2024年5月12日", "型号A10021003", "亩产1200斤"])
def test_dates_codes_and_quantities_are_not_contact_details(text: str) -> None:
    assert builtin_screener().check(text).verdict is Verdict.CLEAN


def test_check_many_answers_as_check_does() -> None:
    texts = ["玉米地能打百草枯吗", "", "赌\u200b博\n好", "电话13812345678", "练falungong的", "赌赌赌博博"]
    screener = builtin_screener()

    assert screener.check_many(texts) == [screener.check(text) for text in texts]


@pytest.mark.parametrize(
    ("listed", "text"),
    [
        ("腐败", "水稻叶鞘腐败病"),  # a disease name
        ("东亚", "东亚飞蝗"),  # a pest name
        ("丁烯", "丁烯氟虫腈"),  # a pesticide name
        ("杀螨丹", "杀螨丹"),  # a listed term shaped like a pesticide name
    ],
)
def test_listed_words_inside_farm_words_are_not_blocked(listed: str, text: str) -> None:
    assert _screener(listed).check(text).verdict is Verdict.CLEAN


def test_an_allowed_word_inside_the_farm_ending_is_part_of_the_farm_word() -> None:
    # 病毒 (allowed) is a piece of the disease ending 病毒病: it must not cut 东格鲁病毒病 short.
    screener = Screener(TermLists((Term("格鲁", "test", Action.BLOCK),), ("病毒",)))

    assert screener.check("东格鲁病毒病").verdict is Verdict.CLEAN
    assert screener.check_many(["东格鲁病毒病"] * 40)[0].verdict is Verdict.CLEAN


@pytest.mark.parametrize(
    ("allowed", "text"), [("杀虫剂", "冰毒杀虫剂"), ("杀虫", "冰毒杀虫"), ("病毒", "冰毒病毒病毒")]
)
def test_a_farm_word_does_not_reach_into_an_allowed_word_past_its_ending(allowed: str, text: str) -> None:
    screener = Screener(TermLists((Term("冰毒", "test", Action.BLOCK),), (allowed,)))

    assert screener.check(text).verdict is Verdict.BLOCK
    assert screener.check_many([text] * 40)[0].verdict is Verdict.BLOCK


@pytest.mark.parametrize(
    ("listed", "text"), [("腐败", "这个官员很腐败"), ("邹德威", "邹德威说"), ("哌啶", "买哌啶")]
)
def test_the_farm_word_rule_keeps_other_uses(listed: str, text: str) -> None:
    assert _screener(listed).check(text).verdict is Verdict.BLOCK


def test_pesticides_we_advise_about_are_never_blocked_by_another_list() -> None:
    screener = Screener(builtin_screener().lists + TermLists((Term("毒杀芬", "test", Action.BLOCK),), ()))

    assert screener.check("毒杀芬还能用吗").allowed
