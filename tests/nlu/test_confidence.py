"""Knowing when unsure (issue 19): the confirmation threshold, its precision and coverage, the reliability
curve, and the eval command that reports them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jingfu.cli import main
from nlu.confidence import (
    CONFIRMATION_THRESHOLDS,
    above,
    choose_threshold,
    cross_validated_target,
    needs_confirmation,
    reliability,
    surely_out_of_domain,
    sureness,
    threshold_for,
)
from nlu.embedded.engine import EmbeddedEngine
from nlu.evaluation import read_labelled
from nlu.interface import Intent, ParseResult, Specialty
from nlu.ranking import decide
from nlu.taxonomy import coarse_group

CONFIDENCES = [0.99, 0.95, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4]
CORRECT = [True, True, True, True, False, True, False, False]


def test_precision_and_coverage_above_a_threshold() -> None:
    kept = above(CONFIDENCES, CORRECT, 0.6)
    assert (kept.count, kept.precision, kept.coverage) == (6, pytest.approx(5 / 6), pytest.approx(6 / 8))


def test_the_lowest_threshold_that_reaches_the_target_is_chosen() -> None:
    chosen = choose_threshold(CONFIDENCES, CORRECT, target=0.95)
    assert chosen.threshold == pytest.approx(0.71)  # 0.8 and above: 4 of 4 right; 0.7 brings a wrong one
    assert chosen.precision == 1.0 and chosen.coverage == 0.5


def test_cross_validation_is_asked_to_cut_its_errors_as_the_goal_cuts_real_ones() -> None:
    assert cross_validated_target(0.85) == pytest.approx(0.95)
    assert cross_validated_target(0.95) == pytest.approx(1 - 0.05 / 3)


def test_reliability_bins_count_and_score_every_prediction() -> None:
    bins = reliability(CONFIDENCES, CORRECT, bins=10)
    assert sum(b.count for b in bins) == len(CONFIDENCES)
    top = bins[-1]
    assert (top.low, top.count, top.accuracy) == (0.9, 3, 1.0)


@pytest.mark.parametrize("engine", ["embedded", "rasa"])
def test_an_unsure_parse_is_confirmed_and_a_sure_one_is_not_by_its_engines_threshold(engine: str) -> None:
    def parse(confidence: float) -> ParseResult:
        return ParseResult(
            "羊拉稀", Intent("describe_problem", 0.99), Specialty("veterinary", confidence), (), engine
        )

    threshold = CONFIRMATION_THRESHOLDS[engine]
    assert needs_confirmation(parse(threshold - 0.01))
    assert not needs_confirmation(parse(threshold))


def test_a_parse_made_by_no_engine_is_held_to_the_embedded_threshold() -> None:
    assert threshold_for("") == threshold_for("none") == CONFIRMATION_THRESHOLDS["embedded"]


def test_a_plot_that_cannot_be_written_is_a_one_line_error(
    embedded: EmbeddedEngine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "tiny.jsonl"
    data.write_text(json.dumps({"text": "羊羔拉稀咋办", "label": "veterinary"}) + "\n")
    plot = tmp_path / "no such folder" / "r.png"
    assert main(["nlu", "eval", "--engine", "embedded", "--data", str(data), "--plot", str(plot)]) != 0
    err = capsys.readouterr().err
    assert "cannot write the plot" in err and "Traceback" not in err


def test_calibrate_chooses_a_threshold_on_cross_validation(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["nlu", "calibrate", "--folds", "2"]) == 0
    out = capsys.readouterr().out
    assert "2-fold cross-validation of the hand-written training examples" in out
    assert "macro-F1" in out and "chosen threshold" in out and "on sureness" in out
    assert f"committed threshold {CONFIRMATION_THRESHOLDS['embedded']:.2f} for embedded" in out


def test_two_specialties_of_one_group_make_a_sure_guess_of_the_group() -> None:
    # 园艺 and 作物栽培 are both crop_cultivation: the farmer is not asked which of the two it is about
    intent, specialty = decide(
        [
            ("describe_problem__horticulture", 0.50),
            ("describe_problem__crop_cultivation", 0.45),
            ("out_of_scope", 0.05),
        ]
    )
    parsed = ParseResult("葡萄苗咋栽", intent, specialty)
    assert (specialty.code, specialty.confidence) == ("horticulture", 0.50)
    assert sureness(parsed) == pytest.approx(0.95)
    assert not needs_confirmation(parsed, threshold=0.93)


def test_a_guess_split_between_two_groups_is_confirmed() -> None:
    intent, specialty = decide(
        [
            ("describe_problem__animal_husbandry", 0.60),
            ("describe_problem__veterinary", 0.38),
            ("out_of_scope", 0.02),
        ]
    )
    assert needs_confirmation(ParseResult("牛不太对劲", intent, specialty), threshold=0.93)


def test_only_a_sure_no_problem_is_out_of_domain() -> None:
    sure = ParseResult(
        "明天会下雨吗", *decide([("out_of_scope", 0.99), ("describe_problem__horticulture", 0.01)])
    )
    unsure = ParseResult(
        "最近总下雨，地里怎么办",
        *decide([("out_of_scope", 0.64), ("describe_problem__soil_fertilizer", 0.36)]),
    )
    assert surely_out_of_domain(sure, threshold=0.93)
    assert not surely_out_of_domain(unsure, threshold=0.93)
    assert not surely_out_of_domain(
        ParseResult("玉米有蚜虫", *decide([("describe_problem__plant_protection", 1.0)]))
    )


def test_calibrate_says_which_number_to_commit_when_it_chose_another(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("nlu.confidence.CONFIRMATION_THRESHOLDS", {"embedded": 0.05})  # below any chosen
    assert main(["nlu", "calibrate", "--folds", "2"]) == 0
    out = capsys.readouterr().out
    chosen = out.split("chosen threshold ")[1][:4]
    assert f'to use it: set CONFIRMATION_THRESHOLDS["embedded"] = {chosen} in nlu/confidence.py' in out


FARMER_HOLDOUT = Path(__file__).parent / "data" / "farmer_holdout.jsonl"


def test_on_farmers_own_words_the_sure_guesses_are_right(embedded: EmbeddedEngine) -> None:
    # 114 hand-written questions never trained on: the goal's 95 % / 70 % must hold on our own text at
    # least (the agri-eval dev set, which is not ours to test on, is reported in docs/nlu.md)
    rows = read_labelled(FARMER_HOLDOUT)
    parsed = [embedded.parse_sync(text) for text, _ in rows]
    correct = [coarse_group(p.specialty.code) == label for p, (_, label) in zip(parsed, rows, strict=True)]
    kept = above([sureness(p) for p in parsed], correct, CONFIRMATION_THRESHOLDS["embedded"])
    assert kept.precision >= 0.95 and kept.coverage >= 0.70, kept
