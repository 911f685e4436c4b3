"""The Rasa engine's threshold is calibrated on intent-only folds: true only while DIET and the synonym
mapper never decide the intent, which is what these tests hold config.yml to."""

from __future__ import annotations

import pytest
import yaml

from nlu.cross_validation import composed_texts, hand_written_folds
from nlu.rasa_cross_validation import intent_only_config
from nlu.rasa_env import RasaEnvError
from nlu.training_data import RASA_PROJECT_DIR, load_training_data

CONFIG = (RASA_PROJECT_DIR / "config.yml").read_text(encoding="utf-8")


def names(config_text: str) -> list[str]:
    return [component["name"] for component in yaml.safe_load(config_text)["pipeline"]]


def test_the_intent_only_pipeline_is_the_full_one_without_its_entity_components() -> None:
    full, intents = names(CONFIG), names(intent_only_config(CONFIG))
    assert "jingfu_svm.SvmIntentClassifier" in intents
    assert intents == [n for n in full if n not in ("DIETClassifier", "EntitySynonymMapper")]
    assert yaml.safe_load(intent_only_config(CONFIG))["language"] == "zh"


def test_a_diet_that_classifies_intents_cannot_be_left_out() -> None:
    config = yaml.safe_load(CONFIG)
    for component in config["pipeline"]:
        if component["name"] == "DIETClassifier":
            component["intent_classification"] = True
    with pytest.raises(RasaEnvError, match="classifies intents"):
        intent_only_config(yaml.safe_dump(config, allow_unicode=True))


def test_both_engines_hold_out_the_same_hand_written_examples() -> None:
    data, composed = load_training_data(), composed_texts()
    folds = hand_written_folds(data, composed, 5)
    held = [e.text for fold in folds for e in fold.held_out]
    assert len(held) == len([e for e in data.examples if e.text not in composed])
    assert not composed & set(held), "a composed example must never be held out"
    assert all(not {e.text for e in fold.held_out} & {e.text for e in fold.trained} for fold in folds)
