"""The judge stage on its own (``judge.hits_of``): given the candidates the matchers found in a
text, which hits a reader sees. No automaton is involved: the candidates are written by hand, with
the facts finding gives them (which view, plain or not, the view's allowed words)."""

from __future__ import annotations

from nlu.screening.candidates import DIGIT_RUN_ENTRY, Candidate, ViewWords
from nlu.screening.fold import fold_tables
from nlu.screening.judge import JudgeTables, hits_of
from nlu.screening.model import Action, Term
from nlu.screening.patterns import Entry
from nlu.screening.views import Span


def _entry(term: str, action: Action = Action.BLOCK, left: str = "", right: str = "") -> Entry:
    return Entry(Term(term, "test", action), term, left, right)


def _judged(
    text: str,
    *candidates: Candidate,
    allowed: tuple[Span, ...] = (),
    listed: frozenset[str] = frozenset(),
    initials_min_letters: int = 1,
) -> list[tuple[str, str]]:
    tables = JudgeTables(fold_tables().fold_char, frozenset(), listed, initials_min_letters)
    hits = hits_of(text, list(candidates), list(allowed), tables)
    return [(hit.matched, hit.term) for hit in hits]


def _at(text: str, matched: str, entry: Entry, plain: bool = True) -> Candidate:
    start = text.index(matched)
    return Candidate(Span(start, start + len(matched)), entry, plain)


def _in_view(
    text: str,
    matched: str,
    entry: Entry,
    allowed: tuple[str, ...] = (),
    plain: bool = True,
    common: bool = False,
    recomposed: bool = False,
) -> Candidate:
    """A candidate found in the view ``text`` (folding deleted nothing: view and text are one),
    among the ``allowed`` words matched there."""
    words = ViewWords(text, [(text.index(w), text.index(w) + len(w)) for w in allowed], recomposed)
    start = text.index(matched)
    end = start + len(matched)
    return Candidate(Span(start, end), entry, plain, words, start, end, common)


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


def test_two_words_that_touch_are_not_the_listed_word_between_them() -> None:
    assert _judged("母畜生产", _in_view("母畜生产", "畜生", _entry("畜生"))) == []
    assert _judged("你这个畜生", _in_view("你这个畜生", "畜生", _entry("畜生"))) == [("畜生", "畜生")]


def test_a_word_written_apart_with_a_symbol_is_one_word_split_on_purpose() -> None:
    folded, on_purpose, apart = "中国人", "中]国【人", "中国 人"
    words = ViewWords(folded, [])

    assert _judged(on_purpose, Candidate(Span(2, 5), _entry("国人"), True, words, 1, 3)) == [
        ("国【人", "国人")
    ]
    assert _judged(apart, Candidate(Span(1, 4), _entry("国人"), True, words, 1, 3)) == []


def test_a_listed_word_sharing_a_character_with_an_allowed_farm_word_is_two_pieces() -> None:
    text = "断奶子猪"  # 断奶|子猪 holds 奶子

    assert _judged(text, _in_view(text, "奶子", _entry("奶子"), allowed=("子猪",))) == []
    assert _judged(text, _in_view(text, "奶子", _entry("奶子"))) == [("奶子", "奶子")]
    advice = _entry("奶子", Action.ADVISE)
    assert _judged(text, _in_view(text, "奶子", advice, allowed=("子猪",))) == [("奶子", "奶子")]


def test_the_teams_own_terms_are_never_cut_at_a_farm_word() -> None:
    text = "断奶子猪"
    exact = Entry(Term("奶子", "test", Action.BLOCK, exact=True), "奶子", "", "")

    assert _judged(text, _in_view(text, "奶子", exact, allowed=("子猪",))) == [("奶子", "奶子")]


def test_a_common_listed_word_inside_a_longer_word_is_read_as_that_word() -> None:
    text = "市政府通知"

    assert _judged(text, _in_view(text, "政府", _entry("政府"), common=True)) == []
    assert _judged(text, _in_view(text, "政府", _entry("政府"))) == [("政府", "政府")]  # a rarer word
    assert _judged(
        text, _in_view(text, "政府", _entry("政府"), common=True), listed=frozenset({"市政府"})
    ) == [("政府", "政府")]


def test_allowed_words_of_a_recomposed_view_cover_a_hit_found_there() -> None:
    text = "甲法轮乙"  # as a recomposed view reads, with allowed words of its own (no dictionary words)
    allowed = ("甲法", "轮乙")

    assert _judged(text, _in_view(text, "法轮", _entry("法轮"), allowed, plain=False, recomposed=True)) == []
    assert _judged(text, _in_view(text, "法轮", _entry("法轮"), allowed, plain=False)) == [("法轮", "法轮")]


def test_a_digit_run_that_is_a_date_a_time_or_a_code_is_no_phone_number() -> None:
    def digits(text: str, run: str) -> Candidate:
        start = text.index(run)
        return Candidate(Span(start, start + len(run)), DIGIT_RUN_ENTRY)

    assert _judged("电话13812345678", digits("电话13812345678", "13812345678")) == [
        ("13812345678", "<8+ digit run>")
    ]
    assert _judged("编号A10021003", digits("编号A10021003", "10021003")) == []
    assert _judged("2024-01-01 12:00", digits("2024-01-01 12:00", "2024-01-01 12:00")) == []


def test_initials_count_inside_chinese_text_and_not_on_letters_alone() -> None:
    def initials(text: str, matched: str, minimum: int = 1) -> list[tuple[str, str]]:
        start = text.index(matched)
        span = Span(start, start + len(matched))
        candidate = Candidate(span, _entry("催眠药"), spelled_on=matched.lower(), initials=True)
        return _judged(text, candidate, initials_min_letters=minimum)

    assert initials("买cm药", "cm药") == [("cm药", "催眠药")]
    assert initials("买cm药", "cm药", minimum=3) == []  # fewer letters than the options ask for
    assert initials("see CMY now", "CMY") == []  # letters alone read as initials


def test_full_pinyin_must_stand_on_letters_the_sender_typed() -> None:
    def spelled(text: str, matched: str) -> list[tuple[str, str]]:
        start = text.index(matched)
        span = Span(start, start + len(matched))
        return _judged(text, Candidate(span, _entry("法轮功"), spelled_on=matched))

    assert spelled("练falun功", "falun功") == [("falun功", "法轮功")]
    assert spelled("练发轮功", "发轮功") == []  # a homophone in Chinese characters alone
