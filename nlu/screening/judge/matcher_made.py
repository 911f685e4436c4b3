"""Hits of the matcher's own making (its matched text is not the listed term): would a reader of the
original text see the listed word there, or ordinary farm prose?

Seeing through evasions means skipping symbols, squeezing repeats and reading letters as pinyin. On
farm prose those same steps make words that are not there (issue 20): 大，腿 (two clauses), 鱼、虾、蟹
(a list), 3．3公斤 (a decimal point), 1.33公斤 (a number squeezed to 3公), 20cm以 (a unit read as
the initials of 催眠药), pH值 (an abbreviation). A hit of a listed word written as the list writes it
is never judged here: that is the list owner's choice.
"""

from __future__ import annotations

from collections.abc import Callable, Container

from nlu.screening import words
from nlu.screening.judge.word_edges import SEPARATORS
from nlu.screening.model import Hit
from nlu.screening.patterns import CJK_MIN

_DECIMAL_POINTS = frozenset(".．")
# Abbreviations read as such in Chinese farm text, with or without a number: acidity (pH),
# Bacillus thuringiensis (BT, B.T), nitrogen-phosphorus-potassium fertiliser, pesticide
# formulations (emulsifiable concentrate, wettable powder, suspension concentrate, water-dispersible
# granules, soluble liquid), and the nucleic acids.
ABBREVIATIONS = frozenset({"ph", "bt", "npk", "ec", "wp", "sc", "wg", "wdg", "sl", "dna", "rna"})
_BETWEEN_NUMBER_AND_UNIT = frozenset(" -－/／")


def as_read(text: str, hit: Hit, fold_char: Callable[[str], str], unjudged: Container[str]) -> Hit | None:
    """The hit as a reader of ``text`` sees it: None where it is ordinary prose of the matcher's
    own making, the listed word as written where a squeezed repeat holds it at an edge, else the
    hit. ``unjudged``: the terms (as listed) and categories left as found. Both paths of the
    screener ask this of every hit before they settle overlaps, so a hit left out here never hides
    a shorter one inside it."""
    if hit.term in unjudged or hit.category in unjudged:
        return hit
    if hit.term[:1].isdigit() and hit.start > 0 and _number_before(text, hit.start):
        return None  # the end of a number (0.3公斤 holds 3公)
    if hit.matched == hit.term:
        return hit
    return _as_read(text, hit, fold_char)


def _as_read(text: str, hit: Hit, fold_char: Callable[[str], str]) -> Hit | None:
    # (the word as written first: 消毒，毒药 squeezes to 毒药 across the comma, and holds it as written)
    seen = _squeezed_at_edge(text, hit)
    if seen is None or seen.matched == seen.term:
        return seen
    if (
        _across_separator(text, seen, fold_char)
        or _letters_of_a_unit_or_abbreviation(text, seen, fold_char)
        or _lone_initials_among_other_characters(text, seen, fold_char)
    ):
        return None
    return seen


def _across_separator(text: str, hit: Hit, fold_char: Callable[[str], str]) -> bool:
    """Whether punctuation of the sentence, or a decimal point between digits, lies between two
    characters of the hit."""
    for at in range(hit.start + 1, hit.end - 1):
        char = text[at]
        if fold_char(char):
            continue
        if char in SEPARATORS:
            return True
        if char in _DECIMAL_POINTS and text[at - 1].isdigit() and text[at + 1].isdigit():
            return True
    return False


def _letters_of_a_unit_or_abbreviation(text: str, hit: Hit, fold_char: Callable[[str], str]) -> bool:
    """Whether the hit reads letters as pinyin (the term has none) where the letters are a unit or
    code after a number (20cm, 5mg/L, 5-BU), are followed by a digit, or are a known abbreviation."""
    if any(_is_letter(fold_char(c)) for c in hit.term):
        return False
    at = hit.start
    while at < hit.end:
        if not _is_letter(fold_char(text[at])):
            at += 1
            continue
        start = end = at
        # A run of letters, with single dots between letters (B.T).
        while end < len(text) and (
            _is_letter(fold_char(text[end]))
            or (text[end] == "." and end + 1 < len(text) and _is_letter(fold_char(text[end + 1])))
        ):
            end += 1
        letters = "".join(fold_char(c) for c in text[start:end] if c != ".")
        before = start - 1
        while before >= 0 and text[before] in _BETWEEN_NUMBER_AND_UNIT:
            before -= 1
        if (
            letters in ABBREVIATIONS
            or (before >= 0 and fold_char(text[before]).isdigit())
            or (end < len(text) and fold_char(text[end]).isdigit())
        ):
            return True
        at = end
    return False


def _lone_initials_among_other_characters(text: str, hit: Hit, fold_char: Callable[[str], str]) -> bool:
    """Whether the hit reads lone letters (each standing alone in the text) as initials while more
    than one character of the term is not written as listed. A lone letter is little evidence:
    毛二B for 毛二逼 is believable; 生素K for 色书库 (维生素K), D和B for 大花b (vitamins) or 施B for
    傻B (boron) is not."""
    letters = [at for at in range(hit.start, hit.end) if _is_letter(fold_char(text[at]))]
    if not letters or any(
        (at > 0 and _is_letter(fold_char(text[at - 1])))
        or (at + 1 < len(text) and _is_letter(fold_char(text[at + 1])))
        for at in letters
    ):
        return False  # letters typed as a word (fl功) are initials as before
    folded = [f for f in map(fold_char, hit.matched) if f]
    term = [f for f in map(fold_char, hit.term) if f]
    if folded == term:
        return False  # the listed letters themselves (B毛 for b毛)
    if len(folded) != len(term) or len(term) < 3:
        return True
    differing = [i for i, (f, t) in enumerate(zip(folded, term, strict=True)) if f != t]
    return len(differing) != 1 or not _is_letter(folded[differing[0]])


def _is_letter(folded: str) -> bool:
    return len(folded) == 1 and "a" <= folded <= "z"


def _squeezed_at_edge(text: str, hit: Hit) -> Hit | None:
    """A hit squeezed from repeats where the listed word stands as written at its start or end
    (大便便秘 holds 大便 and then 便秘; 1.33 holds 3): that word where it stands, if it is not part of
    a number or of a more common word across its edge; the hit as it is otherwise."""
    term, matched = hit.term, hit.matched
    if len(matched) <= len(term) or not (matched.startswith(term) or matched.endswith(term)):
        return hit
    start = hit.start if matched.startswith(term) else hit.end - len(term)
    if _is_letter(matched[0 if start > hit.start else -1].lower()):
        return hit  # allll is all drawn out, not all and a word of l
    end = start + len(term)
    if (term[0].isdigit() and start > 0 and _number_before(text, start)) or (
        term[-1].isdigit() and end < len(text) and text[end].isdigit()
    ):
        return None
    if len(term) == 2 and min(term) >= CJK_MIN and words.straddles_words(text, start, end):
        return None
    return hit._replace(start=start, end=end, matched=text[start:end])


def _number_before(text: str, start: int) -> bool:
    before = text[start - 1]
    return before.isdigit() or (before in _DECIMAL_POINTS and start > 1 and text[start - 2].isdigit())
