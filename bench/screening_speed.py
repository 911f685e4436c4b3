"""Screening speed: full screening against exact matchers on the same messages, in one process.

    .venv/bin/python bench/screening_speed.py [--messages N] [--repeat R] [--data DIR]

The houbb 64k list; distinct messages of 40–200 characters cut from the farm terms and the talk text
in ``corpus/`` (read in place). Full screening is ``Screener.check`` per message (folding, evasion
views, allow-list, boundaries, hits) and ``Screener.check_many`` over all messages (the same path,
chunks of messages folded and matched together); the others find exact, overlapping occurrences per
message.
Prints chars/s for each (best of R runs), the ratios, the first (cold) check after the build, the
time to build the 64k screener, and what folding plus the one plain automaton pass alone take, per
chunk and per message (the floor of the design).
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from pathlib import Path

import ahocorasick
import ahocorasick_rs
from flashtext import KeywordProcessor

from jingfu.shared_data import shared_data
from nlu.screening import Screener, read_lists
from nlu.screening.screener import CHUNK
from nlu.screening.words import warm_up

DATA = shared_data() / "screening"
PUNCTUATION = "，。、？！ ；："


def messages(data: Path, count: int, seed: int = 3) -> list[str]:
    farm = [t for t in (data / "corpus" / "agri_terms.txt").read_text(encoding="utf-8").split() if t]
    talk = [
        line.strip()
        for line in (data / "corpus" / "talk.txt").read_text(encoding="utf-8-sig").splitlines()
        if line.strip()
    ]
    rng = random.Random(seed)
    seen: set[str] = set()
    while len(seen) < count:
        length = rng.randint(40, 200)
        parts: list[str] = []
        while sum(map(len, parts)) < length:
            if rng.random() < 0.75:
                parts.append(rng.choice(farm) + rng.choice(PUNCTUATION))
            else:
                line = rng.choice(talk)
                start = rng.randrange(len(line))
                parts.append(line[start : start + rng.randint(10, 40)])
        seen.add("".join(parts)[:length])
    return sorted(seen)


def rate(texts: list[str], run: Callable[[str], object], repeat: int) -> float:
    chars = sum(map(len, texts))
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        for text in texts:
            run(text)
        best = min(best, time.perf_counter() - started)
    return chars / best


def batch_rate(texts: list[str], run: Callable[[list[str]], object], repeat: int) -> float:
    chars = sum(map(len, texts))
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        run(texts)
        best = min(best, time.perf_counter() - started)
    return chars / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--data", type=Path, default=DATA)
    args = parser.parse_args()
    lexicon = args.data / "lexicons" / "houbb_sensitive_word_dict.txt"

    started = time.perf_counter()
    screener = Screener(read_lists([lexicon]))
    build = time.perf_counter() - started
    # The first check after the build, as the bot's first message meets it (cold: the word
    # segmenter's dictionary loads on first use), then the same message again.
    started = time.perf_counter()
    screener.check("请问玉米叶子发黄打什么药，法轮功")
    cold = time.perf_counter() - started
    started = time.perf_counter()
    screener.check("请问玉米叶子发黄打什么药，法轮功")
    warm = time.perf_counter() - started
    started = time.perf_counter()
    warm_up()
    segmenter = time.perf_counter() - started
    # What the bot's swap does instead: build and prepare off the event loop, then the first check.
    started = time.perf_counter()
    fresh = Screener(read_lists([lexicon])).prepared()
    prepare = time.perf_counter() - started
    started = time.perf_counter()
    fresh.check("请问玉米叶子发黄打什么药，法轮功")
    prepared_first = time.perf_counter() - started
    del fresh

    terms = list(dict.fromkeys(t.text for t in read_lists([lexicon]).terms))
    exact_rs = ahocorasick_rs.AhoCorasick(terms)
    exact_py = ahocorasick.Automaton()
    for number, term in enumerate(terms):
        exact_py.add_word(term, number)
    exact_py.make_automaton()
    flash = KeywordProcessor(case_sensitive=True)
    flash.add_keywords_from_list(terms)

    texts = messages(args.data, args.messages)
    print(f"{len(texts)} distinct messages, {sum(map(len, texts)):,} chars, {len(terms):,} terms")
    print(f"build 64k screener (read list, fold tables, pinyin tables, 5 automata): {build:.2f} s")
    print(
        f"word segmenter dictionary (jieba, once on first use; 0 once a check loaded it): {segmenter:.2f} s"
    )
    print(
        f"first Screener.check after the build (cold): {cold * 1e3:.1f} ms;"
        f" the same again: {warm * 1e3:.2f} ms"
    )
    print(
        f"build + Screener.prepared (a process with the dictionary loaded): {prepare:.2f} s;"
        f" first check after it: {prepared_first * 1e3:.2f} ms"
    )
    rates = {
        "full screening (Screener.check_many)": batch_rate(texts, screener.check_many, args.repeat),
        "full screening (Screener.check)": rate(texts, screener.check, args.repeat),
        "ahocorasick_rs exact": rate(
            texts, lambda t: exact_rs.find_matches_as_indexes(t, overlapping=True), args.repeat
        ),
        "pyahocorasick exact": rate(texts, lambda t: list(exact_py.iter(t)), args.repeat),
        "flashtext exact": rate(texts, lambda t: flash.extract_keywords(t, span_info=True), args.repeat),
    }
    for name, chars_per_second in rates.items():
        print(f"{name:34} {chars_per_second / 1e6:7.2f} M chars/s")
    for name in ("full screening (Screener.check_many)", "full screening (Screener.check)"):
        full = rates[name]
        print(name)
        print(f"    / ahocorasick_rs = {full / rates['ahocorasick_rs exact']:.2f} (goal ≥ 0.5)")
        print(f"    / pyahocorasick  = {full / rates['pyahocorasick exact']:.2f} (goal ≥ 5)")
        print(f"    / flashtext      = {full / rates['flashtext exact']:.2f}")
    # The part of check_many no check can remove: folding each chunk and one pass of the plain automaton.
    index = screener.index
    floor = batch_rate(
        texts,
        lambda batch: [
            index.plain.find_all(index.tables.fold_batch(batch[start : start + CHUNK]).text)
            for start in range(0, len(batch), CHUNK)
        ],
        args.repeat,
    )
    print(
        f"check_many's floor (chunks of {CHUNK} folded + one plain automaton pass each):"
        f" {floor / 1e6:.2f} M chars/s = {floor / rates['ahocorasick_rs exact']:.2f} × ahocorasick_rs"
    )

    # The same floor for check: one text folded alone and one plain pass over it, per message.
    def fold_and_pass(text: str) -> object:
        folded = index.tables.fold_text(text)
        return index.plain.find_all(folded.text, folded.points)

    single = rate(texts, fold_and_pass, args.repeat)
    print(
        f"Screener.check's floor (one text folded + one plain automaton pass): {single / 1e6:.2f} M chars/s"
        f" = {single / rates['ahocorasick_rs exact']:.2f} × ahocorasick_rs"
    )
    blocked = sum(1 for r in screener.check_many(texts) if not r.allowed)
    print(f"messages blocked by full screening: {blocked / len(texts):.1%}")

    # Most real messages hold no listed word; how fast is the path they take?
    clean = [r.text for r in screener.check_many(texts) if not r.hits]
    clean_full = batch_rate(clean, screener.check_many, args.repeat)
    clean_exact = rate(clean, lambda t: exact_rs.find_matches_as_indexes(t, overlapping=True), args.repeat)
    print(
        f"messages without hits ({len(clean)}): full {clean_full / 1e6:.2f} M chars/s, "
        f"ahocorasick_rs {clean_exact / 1e6:.2f} M chars/s, ratio {clean_full / clean_exact:.2f}"
    )


if __name__ == "__main__":
    main()
