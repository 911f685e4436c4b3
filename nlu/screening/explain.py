"""The note a sender reads about a screened text, in zh_CN or en.

A refused text is explained without the official bot writing the banned term itself: the term is
masked (法轮功 → 法*功) and the sentence around it, masked too, says where it is.
"""

from __future__ import annotations

import re

from nlu.screening.model import Action, Hit, ScreeningResult, Verdict

_QUOTES = {"zh_CN": ("「", "」", "、"), "en": ("“", "”", ", ")}

_BLOCKED = {
    "zh_CN": "抱歉，您的消息中有不适宜在平台发布的词语{words}，在{which}：{where}。"
    "请修改或删去后重新发送，谢谢理解。",
    "en": "Sorry, your message contains words that cannot be posted on the platform ({words}), in {which}: "
    "{where}. Please rephrase or remove them and send it again. Thank you for understanding.",
}
_WHICH = {"zh_CN": ("这一句", "这几句"), "en": ("this sentence", "these sentences")}
_SENTENCE_QUOTES = {"zh_CN": ("“", "”", "、"), "en": ("“", "”", "; ")}
_SENTENCE_END = re.compile(r"[，。！？；,.!?;\n]")
_AROUND = 12  # characters of a long sentence kept on each side of the term
_PESTICIDE = {
    "zh_CN": "提示：{words}是国家禁止或限制使用的农药。"
    "您的问题会照常提交，专家会为您推荐合规的替代药剂和防治方法。",
    "en": "Please note: {words} is a pesticide whose use is banned or restricted in China. Your question "
    "goes through as usual, and an expert will suggest approved alternatives and other ways of control.",
}
_ADVISED = {
    "zh_CN": "提示：您提到的{words}需要特别注意，专家会在答复中说明。",
    "en": "Please note: {words} needs particular care; the expert will explain in the answer.",
}


def _words(hits: tuple[Hit, ...], locale: str) -> str:
    left, right, separator = _QUOTES[locale]
    unique = dict.fromkeys(hit.matched.strip() for hit in hits)
    return separator.join(f"{left}{word}{right}" for word in unique)


def masked(word: str) -> str:
    """The word with all but its first and last character hidden: 法轮功 → 法*功, 冰毒 → 冰*."""
    if len(word) <= 1:
        return "*"
    if len(word) == 2:
        return word[0] + "*"
    return word[0] + "*" * (len(word) - 2) + word[-1]


def _masked_words(hits: tuple[Hit, ...], locale: str) -> str:
    left, right, separator = _QUOTES[locale]
    unique = dict.fromkeys(masked(hit.matched.strip()) for hit in hits)
    return separator.join(f"{left}{word}{right}" for word in unique)


def _sentence(text: str, hit: Hit) -> tuple[int, int]:
    """The span of the sentence (or clause) holding `hit`, at most _AROUND characters each side."""
    start = max((m.end() for m in _SENTENCE_END.finditer(text, 0, hit.start)), default=0)
    end = next((m.start() for m in _SENTENCE_END.finditer(text, hit.end)), len(text))
    return max(start, hit.start - _AROUND), min(end, hit.end + _AROUND)


def _where(text: str, hits: tuple[Hit, ...], locale: str) -> tuple[str, int]:
    """The sentences holding the hits, every hit in them masked, quoted; and how many there are."""
    spans = list(dict.fromkeys(_sentence(text, hit) for hit in sorted(hits)))
    quoted = []
    for start, end in spans:
        shown, cursor = [], start
        for hit in sorted(hits):
            if hit.start < cursor or hit.end > end:
                continue
            shown += [text[cursor : hit.start], masked(text[hit.start : hit.end].strip())]
            cursor = hit.end
        shown.append(text[cursor:end])
        quoted.append("".join(shown).strip())
    left, right, separator = _SENTENCE_QUOTES[locale]
    return separator.join(f"{left}{sentence}{right}" for sentence in quoted), len(quoted)


def explain(result: ScreeningResult, locale: str = "zh_CN") -> str | None:
    """The note for the sender: why a text is refused, or advice about what it mentions; else None.

    Flagged terms get no note: they are for the reviewer's eyes.
    """
    if locale not in _QUOTES:
        locale = "zh_CN" if locale.startswith("zh") else "en"
    if result.verdict is Verdict.BLOCK:
        blocked = result.hits_with(Action.BLOCK)
        where, sentences = _where(result.text, blocked, locale)
        which = _WHICH[locale][0 if sentences == 1 else 1]
        return _BLOCKED[locale].format(words=_masked_words(blocked, locale), which=which, where=where)
    advised = result.hits_with(Action.ADVISE)
    if not advised:
        return None
    pesticides = tuple(hit for hit in advised if hit.category.endswith("pesticide"))
    notes = []
    if pesticides:
        notes.append(_PESTICIDE[locale].format(words=_words(pesticides, locale)))
    others = tuple(hit for hit in advised if hit not in pesticides)
    if others:
        notes.append(_ADVISED[locale].format(words=_words(others, locale)))
    return ("" if locale == "zh_CN" else " ").join(notes)
