"""English farmers (issue 19): their questions land in the right coarse group and their crops and animals
are read under the Chinese names the experts' profiles use."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlu.embedded.engine import EmbeddedEngine
from nlu.evaluation import read_labelled, score
from nlu.taxonomy import coarse_group

ENGLISH_DEV = Path(__file__).parent / "data" / "english_dev.jsonl"

PROBLEMS = [
    ("My sheep have diarrhea and wont eat", "veterinary"),
    ("the calfs are coughing, fever 2 days", "veterinary"),
    ("aphids all over my sunflowers what do i spray", "plant_protection"),
    ("tomatos in the greenhouse got grey mould", "plant_protection"),
    ("how much corn silage should a dairy cow get", "animal_husbandry"),
    ("when should i sow wheat in spring", "crop_cultivation"),
    ("how far apart to plant potatos", "crop_cultivation"),
]
NOT_FARMING = ["will it rain in linhe tomorrow", "how do i top up my phone", "tell me a joke pls"]


@pytest.mark.parametrize(("text", "group"), PROBLEMS)
def test_english_problems_land_in_their_coarse_group(embedded: EmbeddedEngine, text: str, group: str) -> None:
    result = embedded.parse_sync(text)
    assert result.intent.name == "describe_problem"
    assert coarse_group(result.specialty.code) == group


@pytest.mark.parametrize("text", NOT_FARMING)
def test_english_small_talk_starts_no_intake(embedded: EmbeddedEngine, text: str) -> None:
    assert embedded.parse_sync(text).specialty.code is None


def test_english_names_are_entities_with_their_chinese_value(embedded: EmbeddedEngine) -> None:
    text = "My sheep have diarrhea, and aphids are on the corn"
    found = {(e.entity, e.value, text[e.start : e.end]) for e in embedded.parse_sync(text).entities}
    assert found >= {
        ("livestock", "羊", "sheep"),
        ("symptom", "腹泻", "diarrhea"),
        ("pest_disease", "蚜虫", "aphids"),
        ("crop", "玉米", "corn"),
    }


def test_the_english_dev_set_is_understood(embedded: EmbeddedEngine) -> None:
    """The project's own English questions (written apart from the training templates): issue 19's goal."""
    rows = read_labelled(ENGLISH_DEV)
    assert len(rows) >= 200
    predicted = [coarse_group(embedded.parse_sync(text).specialty.code) for text, _ in rows]
    assert score([label for _, label in rows], predicted).macro_f1 >= 0.80
