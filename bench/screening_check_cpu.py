"""CPU time per message of ``Screener.check`` (after ``prepared()``) and of ahocorasick_rs's exact scan,
best of R runs over the speed bench's messages, and one ``check_many`` over them all.

    .venv/bin/python bench/screening_check_cpu.py [--messages N] [--repeat R] [LABEL]

Process time, not wall time: on a machine shared with other work it moves much less, so runs of two
versions of the code alternated one after the other compare (it uses the public API only, and runs on
an exported copy of an older commit as well).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import ahocorasick_rs

from bench.screening_speed import DATA, messages
from nlu.screening import Screener, read_lists


def cpu_per_text(texts: list[str], run: Callable[[str], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        for text in texts:
            run(text)
        best = min(best, time.process_time() - started)
    return best / len(texts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("label", nargs="?", default="")
    args = parser.parse_args()
    lexicon = DATA / "lexicons" / "houbb_sensitive_word_dict.txt"
    screener = Screener(read_lists([lexicon])).prepared()
    exact = ahocorasick_rs.AhoCorasick(list(dict.fromkeys(t.text for t in read_lists([lexicon]).terms)))
    texts = messages(DATA, args.messages)
    chars = sum(map(len, texts))
    for text in texts:  # warm: caches of words, shapes and windows
        screener.check(text)
    check = cpu_per_text(texts, screener.check, args.repeat)
    scan = cpu_per_text(texts, lambda t: exact.find_matches_as_indexes(t, overlapping=True), args.repeat)
    started = time.process_time()
    screener.check_many(texts)
    many = time.process_time() - started
    print(
        f"{args.label} check {check * 1e6:.0f} µs/message ({chars / len(texts) / check / 1e6:.2f} M chars/s),"
        f" ahocorasick_rs {scan * 1e6:.1f} µs, check / ahocorasick_rs {scan / check:.3f};"
        f" check_many {chars / many / 1e6:.2f} M chars/s (one run)"
    )


if __name__ == "__main__":
    main()
