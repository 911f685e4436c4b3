"""The batch path of ``check_many`` (arrays over a whole batch) and the text-by-text path (``check``,
small batches) apply the same rules: they must give the same answers on any texts."""

from __future__ import annotations

import random
import re
from functools import cache

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from nlu.screening import Action, Screener, TermLists, builtin_lists, contact
from nlu.screening.batch_rows import BatchRows
from nlu.screening.index import SHORT_TERM
from nlu.screening.model import Hit, ScreeningResult, Term, Verdict, build_all
from nlu.screening.pinyin import initial_table, syllable_table
from nlu.screening.screener import _BATCH_FROM, _WordShapes

LISTS = builtin_lists()
# Terms that exercise every rule: two-character words (word edges), latin and digit edges, a
# one-letter term, numbers, repeats inside a term, long terms (squeezing beyond the short stretch),
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
    "中华人民共和国国务院总理",  # longer than SHORT_TERM
    "一二三四五六七八九十",  # exactly SHORT_TERM
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


def _text_by_text(texts: list[str]) -> list[object]:
    return [screener().check(text) for text in texts]


def test_the_long_term_is_longer_than_the_short_stretch() -> None:
    assert len("中华人民共和国国务院总理") > SHORT_TERM == len("一二三四五六七八九十")


@settings(max_examples=150, deadline=None)
@given(st.lists(TEXT, min_size=_BATCH_FROM, max_size=3 * _BATCH_FROM))
def test_a_batch_answers_as_text_by_text(texts: list[str]) -> None:
    assert screener().check_many(texts) == _text_by_text(texts)


def test_a_large_batch_answers_as_text_by_text() -> None:
    rng = random.Random(5)
    texts = ["".join(rng.choice(PIECES) for _ in range(rng.randint(0, 30))) for _ in range(3000)]

    assert screener().check_many(texts) == _text_by_text(texts)


def test_digit_runs_of_a_batch_are_the_regex_runs() -> None:
    texts = ["电话13812345678和一三八一二三四五六七八", "1234567", "幺三八零零零零零零零零", "x" * 2500]
    batch = screener().index.tables.fold_batch(texts)
    rows = BatchRows(screener().index, texts, batch)
    rows.small = False

    found = screener()._digit_runs(batch, rows)

    assert found == [m.span() for m in contact.DIGIT_RUNS.finditer(batch.text)]
    rows.small = True
    assert found == screener()._digit_runs(batch, rows)


def test_addresses_of_many_texts_are_those_of_each() -> None:
    texts = ["见 www.example.cn/shop 和 1.2.3.4", "", "http://10.0.0.1:80/x a.b", "无", "ab.com\nx.org"]

    assert contact.addresses_many(texts) == [contact.addresses(text) for text in texts]


ADDRESS_PIECES = st.sampled_from(
    [
        "www.",
        "example",
        ".cn",
        ".com",
        "/shop?a=1&b=2",
        ":8080",
        "http://",
        "HTTPS://",
        "1",
        "255",
        "10",
        ".",
        "@",
        "-",
        "_",
        "a",
        "Ｘ",
        "网址",
        " ",
        "\n",
        "。",
        "...",
        "x.y",
        "1.2.3.4",
        "999.1.1.1",
        "a@b.com",
        "中",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(ADDRESS_PIECES, max_size=10).map("".join), max_size=6))
def test_addresses_of_many_texts_are_those_of_each_text(texts: list[str]) -> None:
    assert contact.addresses_many(texts) == [contact.addresses(text) for text in texts]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(ADDRESS_PIECES, max_size=10).map("".join), min_size=2, max_size=40))
def test_addresses_of_a_batch_are_those_of_each_text(texts: list[str]) -> None:
    rows = BatchRows(screener().index, texts, screener().index.tables.fold_batch(texts))
    rows.small = False

    found = rows.addresses()

    assert found == {n: addresses for n, text in enumerate(texts) if (addresses := contact.addresses(text))}
    assert list(found) == sorted(found)


def test_address_characters_are_those_the_patterns_match() -> None:
    matched = re.compile(contact._ADDRESS_CHARS, re.ASCII | re.IGNORECASE).fullmatch

    assert {chr(c) for c in range(0x10000) if matched(chr(c))} == set(contact.ADDRESS_CHARS)


def test_url_hints_of_a_batch_are_the_regex_hints() -> None:
    texts = ["a.b", "。.", "1.2", "x. y", "Ａ.b", ".a", "a."] * 3
    batch = screener().index.tables.fold_batch(texts)
    rows = BatchRows(screener().index, texts, batch)
    expected = [n for n, text in enumerate(texts) if "." in text and contact.URL_HINT.search(text)]

    assert rows.small
    assert rows.url_hinted() == expected
    rows.small = False
    assert rows.url_hinted() == expected


def test_records_built_a_column_at_a_time_are_those_built_one_by_one() -> None:
    rows = [(0, 2, "赌博", "赌博", "gambling", Action.BLOCK), (3, 4, "x", "x", "test", Action.FLAG)]
    built = build_all(Hit, *zip(*rows, strict=True))
    results = build_all(ScreeningResult, ["赌博 x"], [Verdict.BLOCK], [tuple(built)])

    assert built == [Hit(*row) for row in rows]
    assert [hash(hit) for hit in built] == [hash(Hit(*row)) for row in rows]
    assert repr(results[0]) == repr(
        ScreeningResult("赌博 x", Verdict.BLOCK, tuple(Hit(*row) for row in rows))
    )


def test_a_batch_answers_with_the_enums_themselves() -> None:
    texts = ["赌博", "你好", "百草枯", "fa-lun-gong"] * _BATCH_FROM
    results = screener().check_many(texts)

    assert {type(result.verdict) for result in results} == {Verdict}
    assert {type(hit.action) for result in results for hit in result.hits} == {Action}
    assert {result.verdict for result in results} == {Verdict.BLOCK, Verdict.CLEAN, Verdict.ADVISE}


LETTERS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=35)


@settings(max_examples=100, deadline=None)
@given(st.lists(LETTERS, min_size=1, max_size=40))
def test_word_shapes_of_a_batch_are_those_of_each_word(words: list[str]) -> None:
    screener_ = Screener(TermLists((Term("法轮功", "test", Action.BLOCK),), ()))
    batch = screener_.index.tables.fold_batch(["中".join(words)])
    ends = np.cumsum([len(word) + 1 for word in words]) - 1
    starts = ends - [len(word) for word in words]

    for _ in range(2):  # numbering new words, then knowing them
        shapes = screener_._word_shapes(batch, starts, ends)
        expected = screener_._spelling_shapes(set(words))
        assert shapes.tolist() == [expected[word] for word in words]


def test_word_shapes_met_in_one_slot_are_not_confused() -> None:
    table = _WordShapes()
    table.put(np.array([5, 5 + _WordShapes.SIZE]), np.array([1, 2], dtype=np.int8))

    shapes, missing = table.get(np.array([5, 5 + _WordShapes.SIZE]))

    assert len(missing) == 1
    known = 1 - int(missing[0])
    assert shapes[known] == [1, 2][known]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("法轮功中国zf1a?。 \n🀄\U0002a6a5é") | st.characters(), max_size=30))
def test_spelling_a_batch_is_translating_it_character_for_character(text: str) -> None:
    for initials, table in ((False, syllable_table()), (True, initial_table())):
        points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)

        spelled, lengths = screener()._spelling(initials).spell(points)

        # (what no spelled term holds, anything but latin letters and digits, is one byte: 0xff)
        kept = "abcdefghijklmnopqrstuvwxyz0123456789"
        assert spelled == bytes(ord(c) if c in kept else 0xFF for c in text.translate(table))
        assert [len(c.translate(table)) for c in text] == lengths.tolist()
