"""``check_many``: many texts at once, chunk by chunk folded together and matched in one pass, then
judged text by text. A text's answer must not depend on the texts checked with it: each is the
answer ``check`` gives it alone."""

from __future__ import annotations

import random
from functools import cache

from hypothesis import given, settings
from hypothesis import strategies as st

from nlu.screening import Action, Screener, TermLists, Verdict, builtin_lists
from nlu.screening.model import Term
from nlu.screening.screener import CHUNK

LISTS = builtin_lists()
# Terms that exercise every rule: two-character words (word edges), latin and digit edges, a
# one-letter term, numbers, repeats inside a term, long terms,
# pesticide-shaped terms and words inside farm words, an advise term under an allowed word.
EXTRA = (
    "赌博",
    "法轮功",
    "法轮",
    "畜生",
    "何平",
    "腐败",
    "东亚",
    "丁烯",
    "杀螨",
    "乙肟威",
    "ass",
    "sex",
    "x",
    "9",
    "3唑",
    "下三滥",
    "assert",
    "妹妹",
    "中华人民共和国国务院总理",  # long
    "一二三四五六七八九十",
    "习近平",
    "共产党",
    "falungong",
    "毒品",
    "主席",  # common words: not inside a longer word
    "政府",
    "1字型",  # a lone digit before a common word: the numeral spelling is not looked for
    "格鲁",  # inside a farm word whose ending holds an allowed word (病毒)
    "手枪",  # its characters split in two (木仓), recompose.py
)
ALLOWED = ("方法", "轮换", "小麦锈病", "东亚飞蝗", "母畜", "生产", "几何", "平均", "台风")
PIECES = [
    *EXTRA,
    *ALLOWED,
    "http://www.ab.com/x",
    "www.abc.cn",
    "13812345678",
    "1234567===0001",
    "192.168.1.1",
    "2024-05-12 08:30",
    "fl",
    "lun",
    "zf",
    "tmd",
    "fa-lun-gong",
    "ＡＢ",
    "Ass",
    "class",
    "Middlesex",
    "赌赌赌博博",
    "法法轮轮功",
    # A term found across repeats by its first pair, its last pair, its inside, or alone; a long one.
    "赌赌博",
    "赌博博",
    "法轮轮功",
    "xxx",
    "中华人民共和国国国务院总理",
    "妈妈",
    "oo",
    " ",
    "*",
    "\u200b",
    "😀",
    "壹贰叁",
    "①②",
    "\n",
    "A10021003",
    "法lun功",
    "水稻叶鞘腐败病",
    # A hit inside a farm word whose ending is the hit's own last character, or a few after it.
    "甲丁烯",
    "丁烯酯",
    "腐败病毒病",
    "东亚飞蝗",
    "东格鲁病毒病",
    "冰毒杀虫剂",
    "主席台",
    "市政府",
    "一字型",
    "一一字型",
    "百草枯",
    "发轮功",
    "的",
    "我们",
    "玉米",
    "怎么办",
    "臺灣",
    # Split characters (recompose.py): 赌 = 贝者, 枪 = 木仓; pairs that are words (日月, 女子), one
    # that a word holds (仓库).
    "贝者",
    "十尃",
    "木仓",
    "手木仓",
    "仓库",
    "日月",
    "女子",
]
TEXT = st.lists(st.sampled_from(PIECES) | st.text(max_size=3), max_size=8).map("".join)


@cache
def screener() -> Screener:
    terms = (*(Term(t, "test", Action.BLOCK) for t in EXTRA), Term("百草枯", "pesticide", Action.ADVISE))
    return Screener(LISTS + TermLists(terms, ALLOWED))


def _one_by_one(texts: list[str]) -> list[object]:
    return [screener().check(text) for text in texts]


@settings(max_examples=150, deadline=None)
@given(st.lists(TEXT, min_size=1, max_size=40))
def test_texts_checked_together_answer_as_each_alone(texts: list[str]) -> None:
    assert screener().check_many(texts) == _one_by_one(texts)


def test_many_chunks_answer_as_each_text_alone_in_order() -> None:
    rng = random.Random(5)
    texts = ["".join(rng.choice(PIECES) for _ in range(rng.randint(0, 30))) for _ in range(3000)]

    results = screener().check_many(iter(texts))

    assert len(texts) > 10 * CHUNK
    assert [result.text for result in results] == texts
    assert results == _one_by_one(texts)


def test_no_texts_no_answers() -> None:
    assert screener().check_many([]) == []


def test_a_batch_answers_with_the_enums_themselves() -> None:
    texts = ["赌博", "你好", "百草枯", "fa-lun-gong"] * CHUNK
    results = screener().check_many(texts)

    assert {type(result.verdict) for result in results} == {Verdict}
    assert {type(hit.action) for result in results for hit in result.hits} == {Action}
    assert {result.verdict for result in results} == {Verdict.BLOCK, Verdict.CLEAN, Verdict.ADVISE}
