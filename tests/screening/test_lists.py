from __future__ import annotations

from pathlib import Path

import pytest

from nlu.screening import (
    Action,
    ReloadableScreener,
    Screener,
    Term,
    TermLists,
    Verdict,
    builtin_lists,
    read_lists,
)
from nlu.screening.lists import ListFormatError, farm_vocabulary, parse_terms
from tests.screening.conftest import DATA


def test_builtin_lists_cover_every_category_with_its_action() -> None:
    lists = builtin_lists()
    actions = {term.category: term.action for term in lists.terms}

    assert {
        c: actions[c] for c in ("politics", "porn", "gambling", "drugs", "fraud", "violence")
    } == dict.fromkeys(("politics", "porn", "gambling", "drugs", "fraud", "violence"), Action.BLOCK)
    assert actions["sensitive"] is Action.FLAG
    assert actions["banned_pesticide"] is Action.ADVISE
    assert {"百草枯", "甲胺磷", "氧乐果"} <= {term.text for term in lists.terms}
    assert {"白粉病", "杂种优势", "中华稻蝗", "甲基托布津", "鸡场", "农药"} <= set(lists.allowed)


def test_a_line_may_override_the_category_and_action_of_its_file() -> None:
    lines = ["# category: porn", "# action: block", "黄片", "上访\tsensitive", "某药\tnote\tadvise"]

    assert parse_terms(lines) == [
        Term("黄片", "porn", Action.BLOCK),
        Term("上访", "sensitive", Action.FLAG),
        Term("某药", "note", Action.ADVISE),
    ]


def test_an_unknown_action_is_a_format_error() -> None:
    with pytest.raises(ListFormatError):
        parse_terms(["赌博\tgambling\tban"])


def test_plain_lists_are_uncategorised_and_blocked() -> None:
    assert parse_terms(["U R", "fuck"]) == [
        Term("U R", "uncategorised", Action.BLOCK),
        Term("fuck", "uncategorised", Action.BLOCK),
    ]


def test_tagged_lists_take_the_first_tag_as_category() -> None:
    lists = read_lists([DATA / "lexicons" / "houbb_dict_tag_test.txt"])

    assert lists.terms[0] == Term("五星红旗", "politics", Action.BLOCK)
    assert parse_terms(["0售k粉qq 1,4"]) == [Term("0售k粉qq", "drugs", Action.BLOCK)]


def test_reload_swaps_in_edited_lists_without_a_restart(tmp_path: Path) -> None:
    listed = tmp_path / "terms.txt"
    listed.write_text("赌博\n", encoding="utf-8")
    screener = ReloadableScreener(lambda: read_lists([listed]))
    assert screener.check("斗地主").verdict is Verdict.CLEAN

    listed.write_text("赌博\n斗地主\n", encoding="utf-8")
    screener.reload()

    assert screener.check("斗地主").verdict is Verdict.BLOCK


def test_a_prepared_screener_leaves_nothing_for_the_first_message() -> None:
    # A build leaves the pinyin automata and the dictionary tables for first use (a quicker
    # build); what the bot runs is prepared, so no farmer's message pays for them.
    lists = TermLists((Term("法轮功", "politics", Action.BLOCK),), ())
    built = Screener(lists)
    assert not built.index.dictionary_tables_ready
    assert built.prepared().index.dictionary_tables_ready
    assert ReloadableScreener(lambda: lists).current.index.dictionary_tables_ready
    assert built.check("falun功").verdict is Verdict.BLOCK


def test_a_failed_reload_keeps_the_current_lists(tmp_path: Path) -> None:
    listed = tmp_path / "terms.txt"
    listed.write_text("赌博\n", encoding="utf-8")
    screener = ReloadableScreener(lambda: read_lists([listed]))
    listed.unlink()

    with pytest.raises(OSError):
        screener.reload()

    assert screener.check("赌博").verdict is Verdict.BLOCK


def test_lists_add_up() -> None:
    a = TermLists((Term("a1", "x", Action.FLAG),), ("b",))
    assert (a + a).terms == a.terms * 2


def test_what_the_bot_asks_farmers_for_is_never_blocked_by_a_general_list() -> None:
    """The NLU lexicon is what the bot recognises (肉牛, 口蹄疫, 打针, 巴音… places); with the houbb 64k
    list loaded as block, none of it may be refused, and a listed word next to it still is."""
    houbb = read_lists([DATA / "lexicons" / "houbb_sensitive_word_dict.txt"])
    screener = Screener(houbb + TermLists((), builtin_lists().allowed))
    vocabulary = farm_vocabulary()
    assert {"肉牛", "口蹄疫", "打针", "巴音宝力格镇"} <= set(vocabulary)
    results = screener.check_many(vocabulary)
    assert [word for word, result in zip(vocabulary, results, strict=True) if not result.allowed] == []
    assert Screener(houbb).check("肉牛").verdict is Verdict.BLOCK  # what the vocabulary saves it from
    mixed = screener.check("肉牛赌博")
    assert [(hit.matched, hit.action) for hit in mixed.hits] == [("赌博", Action.BLOCK)]
