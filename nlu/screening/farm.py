"""Farm word shapes: a listed word inside a longer word that is plainly a pest, disease or pesticide.

Chinese farm vocabulary is built from a few productive endings: diseases end in 病 (叶鞘腐败病,
东格鲁病毒病), pests in 虫/蛾/蝗/螟/蚜/螨… (东亚飞蝗), pesticides in a class ending (…威 carbamates,
…磷 organophosphates, …隆 ureas, …菊酯 pyrethroids, …唑 triazoles) or a formulation (…粉剂, …乳油).
A general list that bans 腐败, 东亚 or 丁烯 hits such words by accident. Where the characters of a
hit lie strictly inside a longer run of Chinese characters that ends like this (within a few
characters), the hit is part of a farm word and is not blocked or flagged. A listed term that is
itself shaped like a pesticide name (a kill-and-pest pair such as 杀螨, 灭鼠, or a pesticide class
ending such as 威 or 磷) is a pesticide, which the pesticide lists advise about instead.

Farm nouns are also made of a modifier word and a one-character farm noun, its head: an attribute
(遗传性|病), a verb (排毒|药), a colour and a coat (花毛|鸡, 白羽|鸭). A listed two-character word
made of the modifier's last character and the head (性病, 毒药, 毛鸡) is two pieces of two words
there (``farm_compound``).
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from functools import lru_cache

from nlu.screening import words
from nlu.screening.lists import one_character_animals

_DISEASE = "病|病害|霉病|腐病|枯病|斑病|锈病|萎病|病毒病"
_PEST = "虫|蛾|蝗|螟|蚜|螨|蝽|蚧|象甲|叶蝉|飞虱|蓟马|线虫|蝇|蚊"
_PESTICIDE = (
    "威|磷|隆|菊酯|乐果|螨醇|螨酯|虫腈|虫胺|虫脒|虫酰肼|菌灵|菌清|菌酯|菌胺|草净|草津|草醚|草胺|草酮|磺隆|"
    "唑|唑醇|嗪|嗪酮|啶|酯|烯|硫磷|森锌|森锰锌|霉素|粉剂|乳油|可湿性粉剂|悬浮剂|颗粒剂|水剂|烟剂|毒饵"
)
_FARM_WORD_END = re.compile(f"(?:{_DISEASE}|{_PEST}|{_PESTICIDE})$")
_KILL_PEST = re.compile("(?:杀|灭|克|抗|除|治|农)(?:虫|螨|菌|草|鼠|螟|蚜|蝇|蚊|蜱|线虫)")
_CLASS_END = re.compile("(?:威|磷|隆|菊酯|乐果|螨醇|虫腈|菌灵|草净|草津)$")
# What else a pesticide name with a class ending holds: an action, a pest, or a chemical group
# (邹德威 is a name, 乙肟威 a carbamate).
_CHEMISTRY = re.compile("[杀灭克抗除治虫螨菌草鼠螟蚜蝇甲乙丙丁戊苯氯氟溴硫磷氰肟胺酰醚效害多百敌稻棉]")
CHINESE = ("\u4e00", "\u9fff")  # the first and last character of a run of Chinese here
_CHINESE = re.compile(f"[{CHINESE[0]}-{CHINESE[1]}]+")
REACH = 4  # characters a farm word may run on past the hit
# The heads of farm nouns: the one-character animals of the NLU lexicon, and what farmers fight
# and treat with: diseases (病), pests (虫 and the one-character pest endings above), drugs (药)
# and microbes (菌).
_ANIMAL_HEADS = one_character_animals()
_AILMENT_HEADS = frozenset("病菌") | frozenset(a for a in _PEST.split("|") if len(a) == 1)
FARM_HEADS = _ANIMAL_HEADS | _AILMENT_HEADS | frozenset("药")
# A coat described by its colour (花毛, 白羽, 杂毛): farm nouns name breeds so (花毛鸡, 黑毛猪).
_COLOUR_COAT = re.compile("[黑白红黄青蓝绿灰紫褐棕赤乌花麻杂金银][毛羽]")


def pesticide_shaped(term: str) -> bool:
    """Whether a listed term is itself shaped like a pesticide name (杀螟松, 克灭鼠, 乙肟威)."""
    if len(term) < 3:
        return False
    if _KILL_PEST.search(term):
        return True
    return _CLASS_END.search(term) is not None and _CHEMISTRY.search(term[:-1]) is not None


def farm_compound(run: str, start: int, end: int, listed: AbstractSet[str] = frozenset()) -> bool:
    """Whether the two-character ``run[start:end]`` is the last character of a modifier and a farm
    head after it, the way farm nouns are made: an attribute word (…性) before a disease, microbe or
    pest (遗传性|病, 细菌性|病); a drug that the dictionary knows whole (消毒药, 解毒药); a colour and
    a coat before an animal (杂毛|鸡, 白羽|鸭). The modifier, of two or three characters, starts before
    the hit and is not ``listed`` itself (卖春|药 holds two listed words, and each must not explain
    the other away).

    Each head takes only its own kind of modifier: any dictionary word before it would let 有毒|药,
    回春|药, 滥赌|马 or 捕猎|狗 through. Junk glued to a listed word (啊毛鸡, 买毒药) and a second
    character that is no farm noun (黑毛|片) still hit."""
    if end - start != 2:
        return False
    head = run[end - 1]
    if head not in FARM_HEADS:
        return False
    for left in range(max(0, start - 2), start):
        modifier = run[left : start + 1]
        if _modifies(modifier, head) and modifier not in listed:
            return True
    return False


def _modifies(modifier: str, head: str) -> bool:
    """Whether ``modifier`` is the kind of word farm nouns put before ``head`` (see farm_compound)."""
    if head in _ANIMAL_HEADS:
        return _COLOUR_COAT.fullmatch(modifier) is not None
    if head == "药":
        return words.frequency(modifier + head) > 0
    return modifier[-1] == "性" and words.frequency(modifier) > 0  # a disease, microbe or pest


def inside_farm_word(
    run: str,
    start: int,
    end: int,
    allowed: tuple[tuple[int, int], ...] = (),
    listed: AbstractSet[str] = frozenset(),
) -> bool:
    """Whether ``run[start:end]`` lies strictly inside a longer word of ``run`` shaped like a farm
    word: one that starts at most two characters before it and ends in a farm ending at most
    ``REACH`` characters after it (or at its end, after a chemistry character: 甲哌啶).

    ``allowed``: the spans of allowed words that start at or after ``end``. An allowed word is a
    word of its own, so the farm word may not reach into one (冰毒|杀虫剂 is no pest word) — unless
    the allowed word is a piece of the farm ending itself: 病毒 in 东格鲁|病毒病 belongs to the
    ending 病毒病, and cutting the run there left 东格鲁 blocked for its 格鲁. The hit and an
    allowed word that is the whole ending right after it (政府|乐果, the pesticide) are two words.

    Also a modifier and a farm head (``farm_compound``; ``listed``: the listed patterns)."""
    return farm_compound(run, start, end, listed) or _farm_shaped(run, start, end, allowed)


# (the list of listed patterns stays out of the cache's keys: a reload must not leave the old
# screener's patterns held by the cache)
@lru_cache(maxsize=1 << 16)
def _farm_shaped(run: str, start: int, end: int, allowed: tuple[tuple[int, int], ...]) -> bool:
    for right in range(end, min(len(run), end + REACH) + 1):
        for left in range(max(0, start - 2), start + 1):
            if (left, right) == (start, end):
                continue
            ending = _FARM_WORD_END.search(run[left:right])
            if ending is None:
                continue
            ending_start = left + ending.start()
            # (the hit and, right after it, an allowed word that is the whole ending are two words:
            # 政府|乐果; with more of its own, 东|格鲁|病毒病, the farm word is one)
            alone = left == start and ending_start == end
            if any(
                a < right and (a < ending_start or b > right or (alone and (a, b) == (end, right)))
                for a, b in allowed
            ):
                continue
            # Where the hit holds the ending itself, what comes before must be chemistry (甲|哌啶).
            if right > end or _CHEMISTRY.fullmatch(run[start - 1]):
                return True
    return False


def chinese_run(text: str, start: int, end: int) -> tuple[str, int, int] | None:
    """The run of Chinese characters around ``text[start:end]`` (the span within it), if the span
    is all Chinese."""
    for match in _CHINESE.finditer(text, max(0, start - 2), min(len(text), end + REACH)):
        if match.start() <= start and end <= match.end():
            return match.group(), start - match.start(), end - match.start()
    return None


def farm_word_endings() -> frozenset[str] | None:
    """The characters that end a farm word (the last characters of farm.py's endings, and the farm
    heads), or None when the endings are not a plain list of words (then every hit meets the farm
    rules)."""
    endings = "|".join((_DISEASE, _PEST, _PESTICIDE))
    alternatives = endings.split("|")
    if _FARM_WORD_END.pattern != f"(?:{endings})$" or any(not a or re.escape(a) != a for a in alternatives):
        return None
    return frozenset(a[-1] for a in alternatives) | FARM_HEADS
