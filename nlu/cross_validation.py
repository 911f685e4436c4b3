"""K-fold cross-validation of the embedded engine on the project's own training data: the honest place to
choose a setting (the confirmation threshold, features), since evaluation sets are only for reporting.

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
from nlu.training_data import TRAINING_DATA_DIR, TrainingData, load_training_data

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


def cross_validate(data: TrainingData, composed: set[str], folds: int = 5) -> list[HeldOut]:
    """Each hand-written example predicted by a model trained on the other folds and on every composed
    example (folds stratified by trained intent)."""
    always = [e for e in data.examples if e.text in composed]
    examples = [e for e in data.examples if e.text not in composed]
    intents = np.asarray([e.intent for e in examples])
    held: list[HeldOut] = []
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=SEED)
    for train_rows, test_rows in splitter.split(np.zeros(len(examples)), intents):
        chosen = always + [examples[i] for i in train_rows]
        fold = TrainingData(chosen, data.lookups, data.synonyms, data.regexes)
        model = train(fold)
        for i in test_rows:
            ranking, _ = model.analyse(examples[i].text)
            intent, specialty = decide(ranking)
            parsed = ParseResult(examples[i].text, intent, specialty)
            held.append(
                HeldOut(
                    examples[i].text,
                    coarse_label(examples[i].intent),
                    coarse_group(specialty.code),
                    sureness(parsed),
                )
            )
    return held
