"""The last look at a hit the matcher made itself (its matched text is not the listed term): would a
reader of the original text see the listed word there, or ordinary farm prose?

Seeing through evasions means skipping symbols, squeezing repeats and reading letters as pinyin. On
farm prose those same steps make words that are not there (issue 20): 大，腿 (two clauses), 鱼、虾、蟹
(a list), 3．3公斤 (a decimal point), 1.33公斤 (a number squeezed to 3公), 20cm以 (a unit read as
the initials of 催眠药), pH值 (an abbreviation). Both paths of the screener apply this judge to their
hits, so the rules are written once. A hit of a listed word written as the list writes it is never
judged here: that is the list owner's choice.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable
from collections.abc import Set as AbstractSet
from functools import lru_cache

from nlu.screening import contact, farm, words
from nlu.screening.candidates import Candidate
from nlu.screening.farm import chinese_run, inside_farm_word, pesticide_shaped
from nlu.screening.model import Action, Hit
from nlu.screening.views import Span

# Punctuation inside a sentence: it separates clauses, list items, quotations and asides, so two
# characters on either side of it are two words. Sentence ends (。？！) and brackets (【】[]) are
# not here: they do not join a sentence's words, and evaders write them inside words (六。四, 国【人).
SEPARATORS = frozenset("，、；：,;:“”‘’\"'（）()﹙﹚《》〈〉")
_DECIMAL_POINTS = frozenset(".．")
# Abbreviations read as such in Chinese farm text, with or without a number: acidity (pH),
# Bacillus thuringiensis (BT, B.T), nitrogen-phosphorus-potassium fertiliser, pesticide
# formulations (emulsifiable concentrate, wettable powder, suspension concentrate, water-dispersible
# granules, soluble liquid), and the nucleic acids.
ABBREVIATIONS = frozenset({"ph", "bt", "npk", "ec", "wp", "sc", "wg", "wdg", "sl", "dna", "rna"})
_BETWEEN_NUMBER_AND_UNIT = frozenset(" -－/／")


def crosses_farm_word(start: int, allowed: Iterable[tuple[int, int]]) -> bool:
    """Whether a two-character hit at ``start`` shares one character with an allowed word of two or
    more (a farm word: 消毒|药 holds 毒药, 肠道性|病菌 holds 性病): the hit is then two pieces of two
    words. Where the longer word is listed itself, that is a hit of its own."""
    middle = start + 1
    return any(b - a >= 2 and (b == middle or a == middle) for a, b in allowed)


def split_on_purpose(gap: str) -> bool:
    """Whether the characters folding deleted between two characters of a hit (``gap``) hold a
    symbol the sender put there: something other than spaces and the sentence's punctuation. A
    reader sees 国【人 as one word written apart, not as a word boundary (中]国【人 holds 国人 too)."""
    return any(not char.isspace() and char not in SEPARATORS for char in gap)


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
    if len(term) == 2 and min(term) >= "\u2e80" and words.straddles_words(text, start, end):
        return None
    return hit._replace(start=start, end=end, matched=text[start:end])


def _number_before(text: str, start: int) -> bool:
    before = text[start - 1]
    return before.isdigit() or (before in _DECIMAL_POINTS and start > 1 and text[start - 2].isdigit())


def hits_of(
    text: str,
    candidates: list[Candidate],
    allow_spans: list[Span],
    fold_char: Callable[[str], str],
    unjudged: Container[str],
    listed: AbstractSet[str],
) -> tuple[Hit, ...]:
    """The hits a reader of ``text`` sees among the candidates: not covered by allowed words
    (``allow_spans``; advice excepted), standing apart from the text's own letters and digits, not
    part of a farm word or a pesticide name (``listed``: the listed patterns, which are no part of
    a farm word), as read (``as_read``), the strongest per span, and none inside a stronger one; in
    text order."""
    kept: dict[tuple[int, int], Candidate] = {}
    for candidate in candidates:
        span = candidate.span
        if (
            allow_spans
            and candidate.entry.term.action is not Action.ADVISE
            and _covered(text, span, allow_spans, fold_char)
        ):
            continue
        if not _stands_alone(text, candidate, fold_char):
            continue
        if candidate.entry.term.action is not Action.ADVISE and _farm_word(
            text, candidate, allow_spans, listed
        ):
            continue
        term = candidate.entry.term
        hit = Hit(span.start, span.end, text[span.start : span.end], term.text, term.category, term.action)
        seen = as_read(text, hit, fold_char, unjudged)
        if seen is None:
            continue
        if seen is not hit:
            span = Span(seen.start, seen.end)
            candidate = Candidate(span, candidate.entry, candidate.plain)
        key = (span.start, span.end)
        known = kept.get(key)
        if known is None or candidate.entry.term.action.strength > known.entry.term.action.strength:
            kept[key] = candidate
    survivors = [c for c in kept.values() if not _inside_stronger(c, kept.values())]
    survivors.sort(key=lambda c: (c.span.start, c.span.end))
    return tuple(
        Hit(
            c.span.start,
            c.span.end,
            text[c.span.start : c.span.end],
            c.entry.term.text,
            c.entry.term.category,
            c.entry.term.action,
        )
        for c in survivors
    )


def _covered(text: str, span: Span, allow_spans: list[Span], fold_char: Callable[[str], str]) -> bool:
    """Whether allowed words cover every letter of the span (方法 + 轮换 cover 法轮 in 方法轮换)."""
    return all(
        any(a.start <= i < a.end for a in allow_spans) or not fold_char(text[i])
        for i in range(span.start, span.end)
    )


def _stands_alone(text: str, candidate: Candidate, fold_char: Callable[[str], str]) -> bool:
    """Latin letters and digits of a term must not run on into the text's own (ass in class)."""
    entry, span = candidate.entry, candidate.span
    if candidate.plain and not entry.left_class and not entry.right_class and not entry.single_ascii:
        return True  # its edges are neither letters nor digits
    fold = fold_char
    before = fold(text[span.start - 1]) if span.start > 0 else ""
    after = fold(text[span.end]) if span.end < len(text) else ""
    first, last = fold(text[span.start]), fold(text[span.end - 1])
    if entry.single_ascii:
        return not (before.isascii() and before.isalnum()) and not (after.isascii() and after.isalnum())
    return _separate(first, before) and _separate(last, after)


def _farm_word(text: str, candidate: Candidate, allow_spans: list[Span], listed: AbstractSet[str]) -> bool:
    """Whether a hit is a pesticide name or part of a longer pest, disease or pesticide word.

    The longer word may not reach into an allowed word, that is a word of its own, except for an
    allowed word inside its farm ending (``farm.inside_farm_word``)."""
    if candidate.entry.term.category == contact.CATEGORY or candidate.entry.term.exact:
        return False
    if _pesticide_shaped(candidate.entry.folded):
        return True
    span = candidate.span
    if _FARM_WORD_ENDINGS is not None and not any(
        c in _FARM_WORD_ENDINGS for c in text[span.end - 1 : span.end + farm.REACH]
    ):
        return False  # no farm word ends near the hit
    left = max([0, *(a.end for a in allow_spans if a.end <= span.start)])
    found = chinese_run(text[left:], span.start - left, span.end - left)
    if found is None:
        return False
    run, start, end = found
    offset = span.start - start  # where the run starts in the text
    after = tuple(
        (a.start - offset, a.end - offset) for a in allow_spans if span.end <= a.start < offset + len(run)
    )
    return inside_farm_word(run, start, end, after, listed)


_FARM_WORD_ENDINGS = farm.farm_word_endings()
_pesticide_shaped = lru_cache(maxsize=1 << 16)(pesticide_shaped)


def _char_class(char: str) -> str:
    if "a" <= char <= "z":
        return "letter"
    if "0" <= char <= "9":
        return "digit"
    return ""


def _separate(edge: str, neighbour: str) -> bool:
    edge_class = _char_class(edge)
    return not edge_class or edge_class != _char_class(neighbour)


def _inside_stronger(candidate: Candidate, others: Iterable[Candidate]) -> bool:
    span, strength = candidate.span, candidate.entry.term.action.strength
    return any(
        o is not candidate
        and o.span.start <= span.start
        and span.end <= o.span.end
        and o.entry.term.action.strength >= strength
        for o in others
    )
