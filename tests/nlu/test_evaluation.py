from __future__ import annotations

import pytest

from nlu.evaluation import score


def test_per_class_scores_and_macro_f1() -> None:
    gold = ["a", "a", "b", "b"]
    predicted = ["a", "b", "b", "b"]
    report = score(gold, predicted, labels=("a", "b"))
    a, b = report.classes
    assert (a.precision, a.recall) == (1.0, 0.5)
    assert (b.precision, b.recall) == (pytest.approx(2 / 3), 1.0)
    assert report.macro_f1 == pytest.approx((2 / 3 + 0.8) / 2)
    assert report.accuracy == 0.75


def test_a_class_never_predicted_scores_zero_not_an_error() -> None:
    report = score(["a", "b"], ["a", "a"], labels=("a", "b"))
    assert report.classes[1].f1 == 0.0
