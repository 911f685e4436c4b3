"""Messages with nothing to act on: a thanks, an "ok", a goodbye, an emoji.

Farmers answer the bot and the experts the way they would a person ("好的，谢谢"), and a request
opened for that would ask them which kind of problem "谢谢" is. Both engines read such words as some
intent or other (Rasa took a lone "谢谢" for a veterinary problem), so the courtesies are listed here,
and a message made only of them is small talk whatever a model says. A real question the models
miss ("最近总下雨，地里怎么办", read as out of scope) still opens a request: only what is listed, an
"affirm"/"deny" with nothing of the farm in it, or text without a single letter, is passed over.
"""

from __future__ import annotations

import re
from typing import Final

from nlu.interface import ParseResult

COURTESIES: Final = frozenset(
    {
        # thanks
        "谢谢", "多谢", "感谢", "谢了", "非常感谢", "太感谢了", "辛苦了", "辛苦", "麻烦了", "麻烦您了",
        "谢谢你", "谢谢您", "谢谢专家", "谢谢老师", "谢谢啦", "谢啦",
        # agreement, acknowledgement
        "好", "好的", "好吧", "好嘞", "好滴", "行", "行的", "可以", "嗯", "嗯嗯", "哦", "噢", "喔", "哦哦",
        "收到", "知道了", "知道", "明白", "明白了", "懂了", "了解", "对", "对的", "是的", "没问题",
        # leaving
        "再见", "拜拜", "没事了", "不用了", "先这样",
        # English
        "ok", "okay", "thanks", "thank", "you", "thankyou", "thx", "bye", "yes", "no", "fine", "good",
    }
)  # fmt: skip
_LONGEST = max(map(len, COURTESIES))
_NOT_WORDS = re.compile(r"[\W_\d]+")  # punctuation, spaces, emoji, digits
_NOTHING_OF_THE_FARM = frozenset({"affirm", "deny"})
_OF_THE_FARM = frozenset({"crop", "livestock", "pest_disease", "symptom"})


def _only_courtesies(words: str) -> bool:
    """Whether `words` splits, longest first from the left, into listed courtesies."""
    start = 0
    while start < len(words):
        for end in range(min(len(words), start + _LONGEST), start, -1):
            if words[start:end] in COURTESIES:
                start = end
                break
        else:
            return False
    return True


def is_small_talk(parsed: ParseResult) -> bool:
    words = _NOT_WORDS.sub("", parsed.text.lower())
    if not words or _only_courtesies(words):
        return True
    return (
        parsed.intent.name in _NOTHING_OF_THE_FARM
        and parsed.specialty.code is None
        and not any(e.entity in _OF_THE_FARM for e in parsed.entities)
    )
