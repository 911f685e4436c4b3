from __future__ import annotations

from nlu.screening import explain
from tests.screening.conftest import builtin_screener


def test_a_block_names_the_words_to_rephrase_politely() -> None:
    result = builtin_screener().check("有人在网上赌博")

    assert explain(result, "zh_CN") == (
        "抱歉，您的消息中含有不适宜在平台发布的词语：「赌博」。请修改或删去这些词语后重新发送，谢谢理解。"
    )
    assert "“赌博”" in (explain(result, "en") or "")


def test_a_banned_pesticide_gets_a_note_about_alternatives() -> None:
    result = builtin_screener().check("百草枯还能买到吗")

    assert "「百草枯」是国家禁止或限制使用的农药" in (explain(result, "zh_CN") or "")
    assert "an expert will suggest approved alternatives" in (explain(result, "en") or "")


def test_clean_and_flagged_texts_need_no_note() -> None:
    assert explain(builtin_screener().check("小麦锈病怎么治"), "zh_CN") is None
    assert explain(builtin_screener().check("村里有人上访"), "en") is None
