"""Screening quality: recall per evasion type and false positives on farm vocabulary.

    .venv/bin/python bench/screening_quality.py [--data DIR] [--show N]

Recall: a lexicon built from the ``original`` column of ``variant_pairs_dev.tsv`` only (plus the
built-in farm allow-list), each ``variant`` put inside a carrier sentence; a pair counts as found
when a hit overlaps the variant. False positives: the houbb 64k list loaded as ``block`` with the
built-in allow-list; the share of ``agri_terms.txt`` blocked, on the whole file and on its odd and
even lines (the allow-list was first written looking at odd-line misses only; later additions — the
pesticide dictionary, the NLU lexicon — were written after both halves had been seen, so neither half
is strictly held out any more). Also the share of real farmers' questions blocked: the 1,300
questions of ``agri-eval/dev.jsonl`` (the NLU's evaluation set), agricultural and out-of-domain apart.
Farm prose and farm terms (``farm_prose_dev.txt``, ``farm_entities_dev.tsv``): blocks of the
matcher's own making (matched text is not the listed term) apart from listed words as written, and
listed words cut out of a longer farm term across a word boundary.
The data files are read in place and never copied into the project.
"""

from __future__ import annotations

import argparse
import csv
import json
from collections import defaultdict
from itertools import accumulate
from pathlib import Path

import ahocorasick_rs
import jieba

from jingfu.shared_data import shared_data
from nlu.screening import Screener, ScreeningResult, TermLists, Verdict, builtin_lists, read_lists
from nlu.screening.model import Action, Hit, Term

DATA = shared_data() / "screening"
CARRIERS = ("请问{}怎么处理？", "我家地里的{}，谢谢专家。", "昨天看到{}这个说法")


def read_pairs(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def recall(data: Path, show: int) -> None:
    pairs = read_pairs(data / "cases" / "variant_pairs_dev.tsv")
    originals = sorted({row["original"] for row in pairs})
    lists = TermLists(tuple(Term(t, "test", Action.BLOCK) for t in originals), builtin_lists().allowed)
    screener = Screener(lists)
    exact = ahocorasick_rs.AhoCorasick(originals)
    found: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    misses: dict[str, list[str]] = defaultdict(list)
    for number, row in enumerate(pairs):
        carrier = CARRIERS[number % len(CARRIERS)]
        prefix = carrier.index("{}")
        text = carrier.format(row["variant"])
        start, end = prefix, prefix + len(row["variant"])
        hit = any(h.start < end and start < h.end for h in screener.check(text).hits)
        exact_hit = any(
            s < end and start < e for _, s, e in exact.find_matches_as_indexes(text, overlapping=True)
        )
        counts = found[row["evasion_type"]]
        counts[0] += 1
        counts[1] += hit
        counts[2] += exact_hit
        if not hit:
            misses[row["evasion_type"]].append(f"{row['original']} → {row['variant']}")
    print("recall per evasion type (lexicon = originals only)")
    print(f"{'evasion type':34} {'pairs':>6} {'screen':>8} {'exact':>8}")
    for kind, (total, hits, exact_hits) in sorted(found.items()):
        print(f"{kind:34} {total:6d} {hits / total:8.1%} {exact_hits / total:8.1%}")
        if show:
            print("    missed:", "; ".join(misses[kind][:show]))


def false_positives(data: Path, houbb: TermLists, screener: Screener, show: int) -> None:
    terms = [
        line.strip() for line in (data / "corpus" / "agri_terms.txt").read_text(encoding="utf-8").splitlines()
    ]
    terms = [t for t in terms if t]
    exact = ahocorasick_rs.AhoCorasick([t.text for t in houbb.terms])
    blocked = [screener.check(t).verdict is Verdict.BLOCK for t in terms]
    exact_blocked = [bool(exact.find_matches_as_indexes(t, overlapping=True)) for t in terms]
    print("\nfalse positives: agri_terms.txt blocked with the houbb 64k list + built-in allow-list")
    for name, part in (
        ("all", slice(None)),
        ("odd lines", slice(0, None, 2)),
        ("even lines", slice(1, None, 2)),
    ):
        chosen, chosen_exact = blocked[part], exact_blocked[part]
        print(
            f"{name:24} {sum(chosen):4d}/{len(chosen)} = {sum(chosen) / len(chosen):.2%}"
            f"   (exact matching: {sum(chosen_exact) / len(chosen_exact):.2%})"
        )
    if show:
        examples = [(t, screener.check(t).hits) for t, b in zip(terms, blocked, strict=True) if b][:show]
        for term, hits in examples:
            print("   ", term, [h.term for h in hits])


def blocked_questions(data: Path, screener: Screener, show: int) -> None:
    questions = [
        json.loads(line) for line in (data.parent / "agri-eval" / "dev.jsonl").open(encoding="utf-8")
    ]
    results = screener.check_many([q["text"] for q in questions])
    print("\nreal questions blocked (agri-eval dev.jsonl) with the houbb 64k list + built-in allow-list")
    for name, out_of_domain in (("agricultural", False), ("out of domain", True)):
        chosen = [
            r
            for q, r in zip(questions, results, strict=True)
            if (q["label"] == "out_of_domain") == out_of_domain
        ]
        blocked = [r for r in chosen if r.verdict is Verdict.BLOCK]
        print(f"{name:24} {len(blocked):4d}/{len(chosen)} = {len(blocked) / len(chosen):.2%}")
        for result in blocked[:show]:
            print("   ", result.text[:30], [h.matched for h in result.hits if h.action is Action.BLOCK])


def block_kinds(result_hits: tuple[Hit, ...]) -> tuple[bool, bool]:
    """Whether the block hits include one of the matcher's own making (the matched text is not the
    listed term itself: noise skipped, a spelling read into the text) and one of a listed word as
    the list writes it."""
    blocks = [h for h in result_hits if h.action is Action.BLOCK]
    return any(h.matched != h.term for h in blocks), any(h.matched == h.term for h in blocks)


def farm_prose(data: Path, screener: Screener, show: int) -> None:
    """Farm-article sentences that must pass: blocks of the matcher's own making apart from
    listed words found as written (the list owner's choice)."""
    sentences = [
        line
        for line in (data / "corpus" / "farm_prose_dev.txt").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    results = screener.check_many(sentences)
    kinds = [block_kinds(r.hits) for r in results]
    made, listed = sum(m for m, _ in kinds), sum(w for _, w in kinds)
    blocked = sum(r.verdict is Verdict.BLOCK for r in results)
    total = len(sentences)
    print("\nfarm prose (farm_prose_dev.txt) with the houbb 64k list + built-in allow-list")
    print(f"{'blocked':24} {blocked:5d}/{total} = {blocked / total:.2%}")
    print(f"{'  matcher-made':24} {made:5d}/{total} = {made / total:.2%}   (goal <= 0.10 %)")
    print(f"{'  listed word as written':24} {listed:5d}/{total} = {listed / total:.2%}")
    for result, (own, _) in zip(results, kinds, strict=True):
        if own and show > 0:
            show -= 1
            print("   ", [(h.matched, h.term) for h in result.hits if h.matched != h.term])


def farm_terms(data: Path, screener: Screener, show: int) -> None:
    """Typed farm terms that must pass: matcher-made blocks, and listed words cut out of the longer
    farm word across one of its word boundaries (jieba's segmentation of the farm term)."""
    with (data / "corpus" / "farm_entities_dev.tsv").open(encoding="utf-8", newline="") as handle:
        terms = [row["term"] for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)]
    results = screener.check_many(terms)
    made: list[ScreeningResult] = []
    cut: list[ScreeningResult] = []
    inside: list[ScreeningResult] = []
    for term, result in zip(terms, results, strict=True):
        own, listed = block_kinds(result.hits)
        if own:
            made.append(result)
        if listed:
            # A listed word across a word boundary (断奶|子猪 holds 奶子); one inside a word of the
            # farm term (乳腺 in 乳腺炎) is a real word, the list's choice.
            edges = list(accumulate(len(w) for w in jieba.cut(term, HMM=False)))
            crossing = [
                h
                for h in result.hits
                if h.action is Action.BLOCK
                and h.matched == h.term
                and any(h.start < edge < h.end for edge in edges)
            ]
            (cut if crossing else inside).append(result)
    total = len(terms)
    print("\nfarm terms (farm_entities_dev.tsv) with the houbb 64k list + built-in allow-list")
    print(f"{'matcher-made blocks':34} {len(made):4d}/{total} = {len(made) / total:.2%}   (goal 0)")
    print(
        f"{'listed word cut out of a farm word':34} {len(cut):4d}/{total} = {len(cut) / total:.2%}"
        "   (goal <= 0.30 %)"
    )
    print(f"{'listed word whole or along words':34} {len(inside):4d}/{total} = {len(inside) / total:.2%}")
    # (the last kind is read by hand: a listed word that is a piece of a longer farm word jieba's cut
    # does not show, e.g. a trade name, counts against the goal too)
    for name, chosen in (("matcher-made", made), ("cut", cut), ("whole or along words", inside)):
        for result in chosen[:show]:
            print(f"    {name}:", result.text, [(h.matched, h.term) for h in result.hits])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--show", type=int, default=0, help="print up to N misses / false positives")
    args = parser.parse_args()
    recall(args.data, args.show)
    # The 64k list as block with the built-in allow-list, built once for both measures.
    houbb = read_lists([args.data / "lexicons" / "houbb_sensitive_word_dict.txt"])
    screener = Screener(houbb + TermLists((), builtin_lists().allowed))
    false_positives(args.data, houbb, screener, args.show)
    blocked_questions(args.data, screener, args.show)
    farm_prose(args.data, screener, args.show)
    farm_terms(args.data, screener, args.show)


if __name__ == "__main__":
    main()
