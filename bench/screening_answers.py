"""Screening answers: does a change of the screener's code change what it says? Counts the texts whose
answer (verdict and hits) differs between ``check`` and ``check_many``, and against answers saved
from another version of the code.

    .venv/bin/python bench/screening_answers.py --save /tmp/answers-old.json   # on the old code
    .venv/bin/python bench/screening_answers.py --against /tmp/answers-old.json  # on the new code

The texts (read in place from the shared data, never copied): the speed bench's messages, the dev
farm prose sentences, the dev farm terms, the evasion and allow-list cases, the variant pairs in
carrier sentences, and generated evasions of listed terms (repeats, inserted symbols, pinyin and
its initials, digits and addresses) inside farm sentences. The lists: the houbb 64k list, the
built-in lists, and the originals of the variant pairs (the quality bench's recall lexicon).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bench.screening_speed import messages
from jingfu.shared_data import shared_data
from nlu.screening import Action, Screener, ScreeningResult, Term, TermLists, builtin_lists, read_lists
from nlu.screening.pinyin import initial_table, syllable_table

DATA = shared_data() / "screening"
CARRIERS = ("请问{}怎么办", "{}", "我家玉米地里{}，叶子发黄了。", "老师，{}是什么意思？")
SYMBOLS = ("*", ".", " ", "-", "、", "，", "\u200b", "❤", "|")
_Answer = tuple[str, list[tuple[int, int, str, str, str, str]]]


def _tsv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def _evaded(term: str, rng: random.Random, syllables: dict[int, str], initials: dict[int, str]) -> str:
    """The term as an evader might write it: one of the usual tricks, sometimes two."""
    chars = list(term)
    for _ in range(rng.choice((1, 1, 2))):
        trick = rng.randrange(6)
        at = rng.randrange(len(chars))
        if trick == 0:  # a repeated character
            chars[at] = chars[at] * rng.randint(2, 4)
        elif trick == 1 and len(chars) > 1:  # a symbol between characters
            at = rng.randrange(1, len(chars))
            chars[at] = rng.choice(SYMBOLS) * rng.randint(1, 2) + chars[at]
        elif trick == 2:  # a character spelled in pinyin
            chars[at] = syllables.get(ord(chars[at][-1]), chars[at])
        elif trick == 3:  # characters as their pinyin initials
            chars = [initials.get(ord(c[-1]), c) if rng.random() < 0.6 else c for c in chars]
        elif trick == 4:  # upper case and full width
            chars[at] = chars[at].upper().translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})
        else:  # the pinyin of every character, sometimes with separators
            sep = rng.choice(("", "", "-", " "))
            chars = [sep.join(syllables.get(ord(c[-1]), c) for c in chars)]
    return "".join(chars)


def texts(data: Path, bench_messages: int) -> dict[str, list[str]]:
    """The texts by kind."""
    rng = random.Random(20)
    prose = [
        line for line in (data / "corpus" / "farm_prose_dev.txt").read_text("utf-8").splitlines() if line
    ]
    farm_terms = [row["term"] for row in _tsv(data / "corpus" / "farm_entities_dev.tsv")]
    cases = [
        row["text"]
        for name in ("evasion_cases", "allowlist_fp_cases")
        for row in _tsv(data / "cases" / f"{name}.tsv")
    ]
    pairs = _tsv(data / "cases" / "variant_pairs_dev.tsv")
    variants = [CARRIERS[n % len(CARRIERS)].format(row["variant"]) for n, row in enumerate(pairs)]
    houbb = [
        t.text
        for t in read_lists([data / "lexicons" / "houbb_sensitive_word_dict.txt"]).terms
        if len(t.text) > 1
    ]
    listed = (
        [t.text for t in builtin_lists().terms] + rng.sample(houbb, 1500) + [row["original"] for row in pairs]
    )
    syllables, initials = syllable_table(), initial_table()
    evasions: list[str] = []
    for number in range(4000):
        term = _evaded(rng.choice(listed), rng, syllables, initials)
        sentence = rng.choice(prose)
        at = rng.randint(0, len(sentence))
        evasions.append(CARRIERS[number % len(CARRIERS)].format(sentence[:at] + term + sentence[at:]))
    contact = [
        rng.choice(CARRIERS).format(
            rng.choice(("加微信", "电话", "vx", "", "qq"))
            + "".join(rng.choice("0123456789一二三 -") for _ in range(rng.randint(5, 14)))
            + rng.choice(("", " www.example.com", " 见 abc.cn/x", " 2023年5月6日 10:30"))
        )
        for _ in range(500)
    ]
    return {
        "bench messages": messages(data, bench_messages),
        "farm prose": prose,
        "farm terms": farm_terms,
        "cases": cases,
        "variants": variants,
        "evasions": evasions,
        "contact": contact,
    }


def screeners(data: Path) -> dict[str, Callable[[], Screener]]:
    pairs = _tsv(data / "cases" / "variant_pairs_dev.tsv")
    originals = sorted({row["original"] for row in pairs})
    return {
        "houbb 64k": lambda: Screener(read_lists([data / "lexicons" / "houbb_sensitive_word_dict.txt"])),
        "built-in": Screener.builtin,
        "variant originals": lambda: Screener(
            TermLists(tuple(Term(t, "test", Action.BLOCK) for t in originals), builtin_lists().allowed)
        ),
    }


def _answer(result: ScreeningResult) -> _Answer:
    return str(result.verdict), [
        (h.start, h.end, h.matched, h.term, h.category, str(h.action)) for h in result.hits
    ]


def _differing(first: list[_Answer], second: list[_Answer]) -> list[int]:
    return [n for n, (a, b) in enumerate(zip(first, second, strict=True)) if a != b]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--messages", type=int, default=5000, help="bench messages among the texts")
    parser.add_argument("--save", type=Path, help="write the answers to this file")
    parser.add_argument("--against", type=Path, help="compare with answers saved by --save")
    parser.add_argument("--show", type=int, default=5, help="differences shown per list and kind")
    args = parser.parse_args()
    by_kind = texts(args.data, args.messages)
    every = [text for kind in by_kind.values() for text in kind]
    kind_of = [kind for kind, items in by_kind.items() for _ in items]
    print(f"{len(every):,} texts: " + ", ".join(f"{kind} {len(items):,}" for kind, items in by_kind.items()))
    saved = json.loads(args.against.read_text("utf-8")) if args.against else None
    answers: dict[str, dict[str, list[_Answer]]] = {}
    total = 0
    for name, build in screeners(args.data).items():
        screener = build()
        started = time.perf_counter()
        one = [_answer(screener.check(text)) for text in every]
        middle = time.perf_counter()
        many = [_answer(result) for result in screener.check_many(every)]
        ended = time.perf_counter()
        answers[name] = {"check": one, "check_many": many}
        blocked = sum(1 for verdict, _ in one if verdict == "block")
        print(
            f"{name}: {blocked:,} blocked; check {middle - started:.1f} s, check_many {ended - middle:.1f} s"
        )
        comparisons = [("check vs check_many", one, many)]
        if saved is not None:
            old = {
                key: [(v, [tuple(h) for h in hits]) for v, hits in value]
                for key, value in saved[name].items()
            }
            comparisons += [
                ("check vs saved check", one, old["check"]),
                ("check_many vs saved check_many", many, old["check_many"]),
                ("check vs saved check_many", one, old["check_many"]),
            ]
        for label, first, second in comparisons:
            if len(first) != len(second):
                print(f"    {label}: different text counts ({len(first)} vs {len(second)})")
                total += 1
                continue
            differing = _differing(first, second)
            total += len(differing) if label != "check vs saved check_many" else 0
            print(f"    {label}: {len(differing)} differing answers")
            for n in differing[: args.show]:
                print(f"        [{kind_of[n]}] {every[n]!r}\n            {first[n]}\n            {second[n]}")
    if args.save:
        args.save.write_text(json.dumps(answers, ensure_ascii=False), "utf-8")
        print(f"answers saved to {args.save}")
    print(f"differing answers in all: {total}")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
