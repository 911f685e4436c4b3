from __future__ import annotations

import yaml

from nlu.lexicon import CUE_LOOKUP_PREFIX, ENTITY_OF_LOOKUP, ENTITY_TYPES
from nlu.taxonomy import INTENTS, SPECIALTY_CODES, specialty_intent, split_trained_intent
from nlu.training_data import RASA_PROJECT_DIR, load_training_data, parse_markup


def test_markup_is_stripped_and_spans_point_into_the_plain_text() -> None:
    text, entities = parse_markup(
        '俺家[葵花](crop)种了[30亩](quantity)，[西红柿]{"entity": "crop", "value": "番茄"}'
    )
    assert text == "俺家葵花种了30亩，西红柿"
    assert [(text[e.start : e.end], e.entity, e.value) for e in entities] == [
        ("葵花", "crop", "葵花"),
        ("30亩", "quantity", "30亩"),
        ("西红柿", "crop", "番茄"),
    ]


def test_every_intent_and_specialty_has_varied_examples() -> None:
    data = load_training_data()
    counts: dict[str, int] = {}
    for example in data.examples:
        counts[example.intent] = counts.get(example.intent, 0) + 1
    trained = {split_trained_intent(name)[0] for name in counts}
    assert set(INTENTS) <= trained
    for code in SPECIALTY_CODES:
        assert counts[specialty_intent(code)] >= 150, code
    assert all(counts[name] >= 15 for name in counts)


def test_annotations_use_the_interface_entities_and_fit_their_text() -> None:
    for example in load_training_data().examples:
        for entity in example.entities:
            assert entity.entity in ENTITY_TYPES
            assert 0 <= entity.start < entity.end <= len(example.text)


def test_lookups_are_entities_or_declared_cues() -> None:
    for name in load_training_data().lookups:
        assert name in ENTITY_OF_LOOKUP or name.startswith(CUE_LOOKUP_PREFIX), name


def test_domain_lists_exactly_the_trained_intents() -> None:
    domain = yaml.safe_load((RASA_PROJECT_DIR / "domain.yml").read_text(encoding="utf-8"))
    trained = {example.intent for example in load_training_data().examples}
    assert set(domain["intents"]) == trained
    assert set(domain["entities"]) == set(ENTITY_TYPES)


def test_hand_written_questions_are_annotated_leftmost_longest_and_cues_stay_plain() -> None:
    from nlu.training_compose import annotate

    lookups = {
        "crop_garden": ["苹果", "苹果树"],
        "plant_disease": ["腐烂病"],
        "cue_plant_protection": ["防治"],
    }
    assert annotate("苹果树腐烂病怎样防治", lookups) == "[苹果树](crop)[腐烂病](pest_disease)怎样防治"


def test_hand_written_questions_file_is_composed_into_the_training_data() -> None:
    from nlu.training_compose import compose_questions, read_lexicon

    composed = compose_questions(read_lexicon())
    assert "out_of_scope" in composed
    assert all("](" not in example for example in composed["out_of_scope"])
    assert sum(len(v) for k, v in composed.items() if k != "out_of_scope") > 500
