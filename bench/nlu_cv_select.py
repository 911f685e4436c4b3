"""The embedded engine's settings measured on 5-fold cross-validation of our own hand-written training
examples (never on an evaluation set): the SVM's C, how many times a lookup tag counts, and whether
character trigrams are added. One line per setting: macro-F1, the weakest class and each class's F1.

    .venv/bin/python bench/nlu_cv_select.py [--c 0.3 1 3] [--tag-weight 1 3 5] [--trigrams no yes]

The model is trained once per fold and setting, so a full grid takes minutes (about 15 s a setting here).
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from nlu import cross_validation as cv_module
from nlu.cross_validation import composed_texts, cross_validate
from nlu.embedded import features as features_module
from nlu.embedded import model as model_module
from nlu.embedded.gazetteer import Match
from nlu.evaluation import score
from nlu.training_data import load_training_data

_LATIN_OR_SPACE = frozenset("abcdefghijklmnopqrstuvwxyz ")
Features = Callable[[str, list[Match]], list[str]]


def with_trigrams(base: Features) -> Features:
    """The committed features plus character trigrams of Chinese text (Latin runs stay words)."""

    def extended(normalized: str, matches: list[Match]) -> list[str]:
        grams = base(normalized, matches)
        grams.extend(
            gram
            for gram in (normalized[i : i + 3] for i in range(len(normalized) - 2))
            if not any(c in _LATIN_OR_SPACE for c in gram)
        )
        return grams

    return extended


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--c", type=float, nargs="+", default=[model_module.REGULARISATION_C])
    parser.add_argument("--tag-weight", type=int, nargs="+", default=[features_module.TAG_WEIGHT])
    parser.add_argument("--trigrams", choices=("no", "yes"), nargs="+", default=["no"])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--split-seed", type=int, nargs="+", default=[cv_module.SEED], help="fold splits")
    args = parser.parse_args()

    data = load_training_data()
    composed = composed_texts()
    base = features_module.features
    print("split     C      tags trigrams  macro-F1  weakest  per class (cult./prot./husb./vet/out)")
    grid = itertools.product(args.split_seed, args.c, args.tag_weight, args.trigrams)
    for split, c, weight, trigrams in grid:
        cv_module.SEED = split
        model_module.REGULARISATION_C = c
        features_module.TAG_WEIGHT = weight
        model_module.features = with_trigrams(base) if trigrams == "yes" else base  # type: ignore[assignment]
        started = time.perf_counter()
        held = cross_validate(data, composed, folds=args.folds)
        report = score([h.label for h in held], [h.predicted for h in held])
        per_class = [row.f1 for row in report.classes]
        print(
            f"{split:<9} {c:<6} {weight:<4} {trigrams:<9} {report.macro_f1:.3f}     {min(per_class):.3f}    "
            + " / ".join(f"{f:.3f}" for f in per_class)
            + f"   ({time.perf_counter() - started:.0f} s)",
            flush=True,
        )


if __name__ == "__main__":
    main()
