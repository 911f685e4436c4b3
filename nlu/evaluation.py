"""Per-class precision/recall/F1 and macro-F1 of predicted coarse groups against labels."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from nlu.taxonomy import COARSE_GROUPS


@dataclass(frozen=True, slots=True)
class ClassScore:
    label: str
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True, slots=True)
class Report:
    classes: tuple[ClassScore, ...]
    macro_f1: float
    accuracy: float
    total: int

    def render(self) -> str:
        lines = [f"{'class':<18}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>10}"]
        for c in self.classes:
            lines.append(f"{c.label:<18}{c.precision:>10.3f}{c.recall:>10.3f}{c.f1:>10.3f}{c.support:>10}")
        lines.append(f"{'macro-F1':<18}{self.macro_f1:>30.3f}{self.total:>10}")
        lines.append(f"{'accuracy':<18}{self.accuracy:>30.3f}")
        return "\n".join(lines)


def read_labelled(path: Path) -> list[tuple[str, str]]:
    rows = []
    with path.open(encoding="utf-8") as stream:
        for line in stream:
            if line.strip():
                row = json.loads(line)
                rows.append((str(row["text"]), str(row["label"])))
    return rows


def score(gold: Sequence[str], predicted: Sequence[str], labels: Iterable[str] = COARSE_GROUPS) -> Report:
    classes = []
    for label in labels:
        tp = sum(1 for g, p in zip(gold, predicted, strict=True) if g == label and p == label)
        predicted_n = sum(1 for p in predicted if p == label)
        support = sum(1 for g in gold if g == label)
        precision = tp / predicted_n if predicted_n else 0.0
        recall = tp / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        classes.append(ClassScore(label, precision, recall, f1, support))
    macro = sum(c.f1 for c in classes) / len(classes) if classes else 0.0
    correct = sum(1 for g, p in zip(gold, predicted, strict=True) if g == p)
    return Report(tuple(classes), macro, correct / len(gold) if gold else 0.0, len(gold))
