"""The judge stage on its own (``judge.hits_of``): given the candidates the matchers found in a
text, which hits a reader sees. No automaton is involved: the candidates are written by hand."""

from __future__ import annotations

from nlu.screening.candidates import Candidate
from nlu.screening.fold import fold_tables
from nlu.screening.judge import hits_of
from nlu.screening.model import Action, Term
from nlu.screening.patterns import Entry
from nlu.screening.views import Span


def _entry(term: str, action: Action = Action.BLOCK, left: str = "", right: str = "") -> Entry:
    return Entry(Term(term, "test", action), term, left, right)


def _judged(text: str, *candidates: Candidate, allowed: tuple[Span, ...] = ()) -> list[tuple[str, str]]:
    hits = hits_of(text, list(candidates), list(allowed), fold_tables().fold_char, frozenset(), frozenset())
    return [(hit.matched, hit.term) for hit in hits]


def _at(text: str, matched: str, entry: Entry, plain: bool = True) -> Candidate:
    start = text.index(matched)
    return Candidate(Span(start, start + len(matched)), entry, plain)


def test_a_latin_term_must_not_run_on_into_the_texts_letters() -> None:
    ass = _entry("ass", left="letter", right="letter")

    assert _judged("a class of rice", _at("a class of rice", "ass", ass)) == []
    assert _judged("you ass!", _at("you ass!", "ass", ass)) == [("ass", "ass")]


def test_allowed_words_covering_a_hit_stop_blocks_but_not_advice() -> None:
    text = "方法轮换"
    allowed = (Span(0, 2), Span(2, 4))  # 方法 + 轮换 cover 法轮 together

    assert _judged(text, _at(text, "法轮", _entry("法轮")), allowed=allowed) == []
    assert _judged(text, _at(text, "法轮", _entry("法轮", Action.ADVISE)), allowed=allowed) == [
        ("法轮", "法轮")
    ]


def test_the_strongest_hit_of_a_span_wins_and_a_weaker_one_inside_a_stronger_goes() -> None:
    text = "请问赌博机"
    found = _judged(
        text,
        _at(text, "赌博", _entry("赌博", Action.FLAG)),
        _at(text, "赌博", _entry("赌博", Action.BLOCK)),
        _at(text, "博", _entry("博", Action.FLAG)),
    )

    assert found == [("赌博", "赌博")]


def test_a_listed_word_inside_a_disease_name_is_part_of_that_word() -> None:
    text = "水稻叶鞘腐败病怎么防治"

    assert _judged(text, _at(text, "腐败", _entry("腐败"))) == []
    assert _judged("反对腐败", _at("反对腐败", "腐败", _entry("腐败"))) == [("腐败", "腐败")]


def test_a_hit_of_the_matchers_own_making_across_a_comma_is_no_hit() -> None:
    text = "猪的大，腿部肿胀"
    span = Span(text.index("大"), text.index("腿") + 1)  # 大，腿 matched as 大腿 with the comma skipped

    assert _judged(text, Candidate(span, _entry("大腿"), plain=True)) == []
    assert _judged("大腿", Candidate(Span(0, 2), _entry("大腿"), plain=True)) == [("大腿", "大腿")]
