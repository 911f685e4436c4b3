"""The note a sender reads about a screened text, in zh_CN or en."""

from __future__ import annotations

from nlu.screening.model import Action, Hit, ScreeningResult, Verdict

_QUOTES = {"zh_CN": ("「", "」", "、"), "en": ("“", "”", ", ")}

_BLOCKED = {
    "zh_CN": "抱歉，您的消息中含有不适宜在平台发布的词语：{words}。"
    "请修改或删去这些词语后重新发送，谢谢理解。",
    "en": "Sorry, your message contains words that cannot be posted on the platform: {words}. "
    "Please rephrase or remove them and send it again. Thank you for understanding.",
}
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


def explain(result: ScreeningResult, locale: str = "zh_CN") -> str | None:
    """The note for the sender: why a text is refused, or advice about what it mentions; else None.

    Flagged terms get no note: they are for the reviewer's eyes.
    """
    if locale not in _QUOTES:
        locale = "zh_CN" if locale.startswith("zh") else "en"
    if result.verdict is Verdict.BLOCK:
        return _BLOCKED[locale].format(words=_words(result.hits_with(Action.BLOCK), locale))
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
