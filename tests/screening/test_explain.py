from __future__ import annotations

from nlu.screening import explain
from tests.screening.conftest import builtin_screener


def test_a_block_says_where_the_word_is_without_writing_it() -> None:
    # The official bot must not write a banned term itself: the word is masked, and the sentence
    # around it (masked too) tells the sender what to rephrase.
    result = builtin_screener().check("葵花叶子发黄，顺便问下哪里能买到冰毒")

    zh = explain(result, "zh_CN") or ""
    assert zh == (
        "抱歉，您的消息中有不适宜在平台发布的词语「冰*」，在这一句：“顺便问下哪里能买到冰*”。"
        "请修改或删去后重新发送，谢谢理解。"
    )
    en = explain(result, "en") or ""
    assert "“冰*”" in en and "顺便问下哪里能买到冰*" in en
    assert "冰毒" not in zh + en


def test_a_longer_term_keeps_its_first_and_last_character() -> None:
    result = builtin_screener().check("有人在网上赌博。还有法轮功的传单")

    zh = explain(result, "zh_CN") or ""
    assert "「赌*」" in zh and "「法*功」" in zh
    assert "有人在网上赌*" in zh and "还有法*功的传单" in zh
    assert "赌博" not in zh and "法轮功" not in zh


def test_a_banned_pesticide_gets_a_note_about_alternatives() -> None:
    result = builtin_screener().check("百草枯还能买到吗")

    assert "「百草枯」是国家禁止或限制使用的农药" in (explain(result, "zh_CN") or "")
    assert "an expert will suggest approved alternatives" in (explain(result, "en") or "")


def test_clean_and_flagged_texts_need_no_note() -> None:
    assert explain(builtin_screener().check("小麦锈病怎么治"), "zh_CN") is None
    assert explain(builtin_screener().check("村里有人上访"), "en") is None
