"""Whether a message is itself a problem description, whatever question the bot had asked.

Asked "是什么作物或牲畜？", a farmer answers with a name or a short phrase ("我种的是葵花，第一年种").
A farmer who writes "猪发烧不吃食…是不是非洲猪瘟" instead has a new problem, and taking its animal as
the answer lost the rest. A text is a problem when NLU reads it as one (intent describe_problem)
and it says what is wrong (a symptom, pest or disease), or is long for an answer.
"""

from __future__ import annotations

import re
from typing import Final

from nlu.interface import ParseResult
from nlu.taxonomy import DESCRIBE_PROBLEM

LONGER_THAN_AN_ANSWER: Final = 16  # letters; "我种的是葵花，第一年种" has 10
AT_LEAST: Final = 6  # letters: "猪拉稀" names both the animal and what is wrong, and answers well
_NOT_LETTERS = re.compile(r"[\W_\d]+")
_WHAT_IS_WRONG = frozenset({"symptom", "pest_disease"})


def is_problem_description(parsed: ParseResult) -> bool:
    if parsed.intent.name != DESCRIBE_PROBLEM:
        return False
    letters = len(_NOT_LETTERS.sub("", parsed.text))
    if letters >= LONGER_THAN_AN_ANSWER:
        return True
    return letters >= AT_LEAST and any(e.entity in _WHAT_IS_WRONG for e in parsed.entities)
