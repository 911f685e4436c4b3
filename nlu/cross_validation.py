"""K-fold cross-validation of the NLU (the embedded engine here, Rasa in nlu.rasa_cross_validation) on
the project's own training data: the honest place to choose a setting (the confirmation threshold,
features), since evaluation sets are only for reporting.

Examples composed from templates are near copies of each other (one template, other slot terms), so a
plain k-fold split scores ~0.98 and says nothing. Only the hand-written examples are held out, fold by
fold; the composed ones are always trained on. That is closer to a farmer's new question.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.model_selection import StratifiedKFold

from nlu.confidence import sureness
from nlu.embedded.model import SEED, train
from nlu.interface import ParseResult
from nlu.ranking import decide
from nlu.taxonomy import OUT_OF_DOMAIN, coarse_group, split_trained_intent
from nlu.training_data import TRAINING_DATA_DIR, Example, TrainingData, load_training_data

# Written from templates by nlu.training_compose: never held out (see the module docstring).
COMPOSED_FILES = ("describe_composed.yml", "describe_english.yml")


def composed_texts(data_dir: Path = TRAINING_DATA_DIR) -> set[str]:
    texts: set[str] = set()
    for name in COMPOSED_FILES:
        staging = data_dir / "nlu" / name
        if staging.exists():
            with tempfile.TemporaryDirectory() as alone:
                shutil.copy(staging, Path(alone) / name)
                texts.update(e.text for e in load_training_data(Path(alone)).examples)
    return texts


@dataclass(frozen=True, slots=True)
class HeldOut:
    text: str
    label: str  # coarse group of the example's trained intent
    predicted: str  # coarse group of the prediction
    confidence: float  # the parse's sureness (nlu.confidence.sureness)


def coarse_label(trained_intent: str) -> str:
    """A specialty intent's coarse group; every other intent (small talk, out_of_scope) is no problem."""
    _, code = split_trained_intent(trained_intent)
    return coarse_group(code) if code else OUT_OF_DOMAIN


@dataclass(frozen=True, slots=True)
class Fold:
    trained: list[Example]  # every composed example and the other folds' hand-written ones
    held_out: list[Example]  # this fold's hand-written examples


def hand_written_folds(data: TrainingData, composed: set[str], folds: int = 5) -> list[Fold]:
    """The k folds both engines are cross-validated on: stratified by trained intent over the
    hand-written examples; the composed ones are always trained on, a held-out text never."""
    always = [e for e in data.examples if e.text in composed]
    examples = [e for e in data.examples if e.text not in composed]
    intents = np.asarray([e.intent for e in examples])
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=SEED)
    split: list[Fold] = []
    for train_rows, test_rows in splitter.split(np.zeros(len(examples)), intents):
        held = [examples[i] for i in test_rows]
        # A text written twice (23 are, some under two intents) is held out whole: its twin in the
        # training folds would answer for it.
        texts = {e.text for e in held}
        split.append(Fold(always + [examples[i] for i in train_rows if examples[i].text not in texts], held))
    return split


def held_out(example: Example, parsed: ParseResult) -> HeldOut:
    """A held-out example scored by the coarse group of its parse and the parse's sureness."""
    return HeldOut(
        example.text, coarse_label(example.intent), coarse_group(parsed.specialty.code), sureness(parsed)
    )


def cross_validate(data: TrainingData, composed: set[str], folds: int = 5) -> list[HeldOut]:
    """Each hand-written example predicted by an embedded model trained on the other folds and on every
    composed example (folds stratified by trained intent)."""
    held: list[HeldOut] = []
    for fold in hand_written_folds(data, composed, folds):
        model = train(TrainingData(fold.trained, data.lookups, data.synonyms, data.regexes))
        for example in fold.held_out:
            ranking, _ = model.analyse(example.text)
            intent, specialty = decide(ranking)
            held.append(held_out(example, ParseResult(example.text, intent, specialty, engine="embedded")))
    return held
