"""Answers that give no value: "不知道", "不清楚", "没有", "随便", "问专家吧".

A farmer asked "是什么作物或牲畜？" who does not know, or will not say, answers with one of a few
kinds of words, and none of them is a crop: not knowing (不知道, 不清楚, 说不好), having none (没有,
还没种), leaving it to others (随便, 都行, 问专家, 专家看着办). Such a message is read as "no
answer" when, its punctuation and particles (啊, 吧, 呢, 我也…) taken away, it is made only of those
words, and NLU finds nothing of the farm in it; "没有虫子" names something and is an answer.
"""

from __future__ import annotations

import re
from typing import Final

from nlu.interface import ParseResult

# Kinds of non-answer, each a few ways of saying it. Longest first wins when they overlap.
NOT_KNOWING: Final = (
    "不知道",
    "不晓得",
    "不清楚",
    "不太清楚",
    "不确定",
    "不懂",
    "不认识",
    "不了解",
    "说不好",
    "说不清",
    "说不上",
    "不好说",
    "搞不清",
    "弄不清",
    "看不出",
    "忘了",
    "不记得",
)
HAVING_NONE: Final = ("没有", "没", "无", "暂无", "还没种", "还没养", "没种", "没养", "都没有", "啥也没有")
LEAVING_IT: Final = (
    "随便",
    "都行",
    "都可以",
    "无所谓",
    "问专家",
    "让专家看",
    "专家看",
    "专家定",
    "专家看着办",
    "你们定",
    "你们看着办",
    "你看着办",
    "听专家的",
    "跳过",
    "不填",
    "略",
)
# Words around them that change nothing: particles, "I", "also", "really", "this".
FILLERS: Final = ("我也", "我", "也", "真", "真的", "还", "就", "这个", "那个", "啊", "呀", "吧", "呢", "哈",
                  "啦", "哦", "嗯", "额", "呃", "了", "的", "是", "都", "暂时", "目前", "现在")  # fmt: skip
_PHRASES: Final = frozenset(NOT_KNOWING + HAVING_NONE + LEAVING_IT)
_ALL: Final = _PHRASES | frozenset(FILLERS)
_LONGEST: Final = max(map(len, _ALL))
_NOT_WORDS = re.compile(r"[\W_\d]+")
_OF_THE_FARM = frozenset({"crop", "livestock", "pest_disease", "symptom", "growth_stage", "quantity"})


def _split(words: str) -> list[str] | None:
    """`words` cut, longest first from the left, into listed phrases and fillers; None if it cannot be."""
    pieces, start = [], 0
    while start < len(words):
        for end in range(min(len(words), start + _LONGEST), start, -1):
            if words[start:end] in _ALL:
                pieces.append(words[start:end])
                start = end
                break
        else:
            return None
    return pieces


def is_non_answer(parsed: ParseResult) -> bool:
    """Whether the text answers a question with "I don't know / none / up to you"."""
    if any(e.entity in _OF_THE_FARM for e in parsed.entities):
        return False
    pieces = _split(_NOT_WORDS.sub("", parsed.text.lower()))
    return pieces is not None and any(piece in _PHRASES for piece in pieces)
