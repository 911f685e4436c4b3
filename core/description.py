"""What counts as a description of a problem: words someone can read a problem from.

"？", "。。。", an emoji or "啊啊" say nothing an expert or a reviewer could act on, yet each is a
text, and must not become a draft's description (nor be submitted). A description needs at
least three letters, not all the same one; a Chinese character is one letter, and punctuation,
emoji, digits and spaces are not letters. Three, because the shortest real descriptions are a
crop and a sign ("葵花黄", "羊拉稀"), while a bare crop or disease name ("玉米", "锈病") does not
say what is wrong.
"""

from __future__ import annotations

MIN_LETTERS = 3


def is_describable(text: str | None) -> bool:
    letters = [c for c in (text or "") if c.isalpha()]
    return len(letters) >= MIN_LETTERS and len(set(letters)) > 1
